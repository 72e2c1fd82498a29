package io.latentspark.config;

import java.io.Serializable;

/** Image search settings ({@code search.*}). */
public record SearchConfig(int k) implements Serializable {
  static SearchConfig read(Settings s) {
    int k = s.positiveInt("k");
    if (k > 10_000) {
      throw s.invalid("k", k, "the value must be at most 10000 (results are collected on the driver)");
    }
    return new SearchConfig(k);
  }
}
