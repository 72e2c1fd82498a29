package io.latentspark.config;

import java.io.Serializable;
import java.util.List;

/** t-SNE / Embedding Projector export settings ({@code export.*}). */
public record ExportConfig(int sampleSize, List<String> splits) implements Serializable {
  static ExportConfig read(Settings s) {
    int size = s.positiveInt("sampleSize");
    if (size > 100_000) {
      throw s.invalid("sampleSize", size, "the value must be at most 100000 (the sample is collected on the driver)");
    }
    return new ExportConfig(size, s.stringListOf("splits", "train", "validation", "test"));
  }
}
