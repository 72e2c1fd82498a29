package io.latentspark.config;

import io.latentspark.spec.Choice;

/** Where images come from ({@code data.format}). */
public enum DataFormat implements Choice {
  SYNTHETIC("synthetic"), IDX("idx"), IMAGE_FOLDER("image-folder"), PARQUET("parquet");

  private final String name;

  DataFormat(String name) {
    this.name = name;
  }

  @Override
  public String configName() {
    return name;
  }
}
