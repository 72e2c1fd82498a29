package io.latentspark.config;

import java.io.Serializable;

/** Distributed encoding settings ({@code encode.*}). */
public record EncodeConfig(int batchSize) implements Serializable {
  static EncodeConfig read(Settings s) {
    return new EncodeConfig(s.positiveInt("batchSize"));
  }
}
