package io.latentspark.config;

import java.io.Serializable;
import java.util.List;

/**
 * t-SNE / Embedding Projector export settings ({@code export.*}): the projector sample, whether it gets a
 * sprite image, and the t-SNE map ({@code tsneSampleSize} 0 = none).
 */
public record ExportConfig(int sampleSize, List<String> splits, boolean sprite, int tsneSampleSize, double tsnePerplexity,
    int tsneIterations, double tsneTheta) implements Serializable {
  static final int MAX_SAMPLE = 100_000;

  static ExportConfig read(Settings s) {
    int size = s.positiveInt("sampleSize");
    if (size > MAX_SAMPLE) {
      throw s.invalid("sampleSize", size, "the value must be at most " + MAX_SAMPLE + " (the sample is collected on the driver)");
    }
    Settings t = s.section("tsne");
    int tsneSize = t.nonNegativeInt("sampleSize");
    if (tsneSize > MAX_SAMPLE) {
      throw t.invalid("sampleSize", tsneSize, "the value must be at most " + MAX_SAMPLE + " (t-SNE runs on the driver)");
    }
    double perplexity = t.positiveNumber("perplexity");
    if (tsneSize > 0 && tsneSize <= 3 * perplexity + 1) {
      throw t.invalid("perplexity", perplexity, "the t-SNE sample (export.tsne.sampleSize = " + tsneSize
          + ") needs more than 3 x perplexity + 1 rows");
    }
    double theta = t.number("theta");
    if (!(theta >= 0 && theta <= 1)) {
      throw t.invalid("theta", theta, "the value must be between 0 and 1");
    }
    return new ExportConfig(size, s.stringListOf("splits", "train", "validation", "test"), s.bool("sprite"), tsneSize, perplexity,
        t.positiveInt("iterations"), theta);
  }
}
