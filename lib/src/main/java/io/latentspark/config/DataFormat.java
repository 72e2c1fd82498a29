package io.latentspark.config;

import io.latentspark.spec.Choice;

/** Where images come from ({@code data.format}). */
public enum DataFormat implements Choice {
  SYNTHETIC, IDX, IMAGE_FOLDER, PARQUET;

}
