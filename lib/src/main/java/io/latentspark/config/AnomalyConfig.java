package io.latentspark.config;

import java.io.Serializable;
import java.util.List;

/** Anomaly detection settings ({@code anomaly.*}). */
public record AnomalyConfig(String score, double quantile, List<String> normalLabels, boolean perLabel, String split)
    implements Serializable {
  static AnomalyConfig read(Settings s) {
    double q = s.number("quantile");
    if (!(q > 0 && q < 1)) {
      throw s.invalid("quantile", q, "the value must be between 0 and 1 (exclusive)");
    }
    return new AnomalyConfig(s.oneOf("score", "reconstruction_error", "reconstruction_bce"), q, s.stringList("normalLabels"),
        s.bool("perLabel"), s.oneOf("split", "train", "validation", "test"));
  }
}
