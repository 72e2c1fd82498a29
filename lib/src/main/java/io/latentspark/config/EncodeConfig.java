package io.latentspark.config;

import java.io.Serializable;

/**
 * Distributed encoding settings ({@code encode.*}): rows per network call, the layer read as features
 * ({@link #LATENT} = the bottleneck) and whether the per-pixel error map is written.
 */
public record EncodeConfig(int batchSize, int layer, boolean errorMap) implements Serializable {
  public static final int LATENT = -1;

  static EncodeConfig read(Settings s) {
    int layer = s.integer("layer");
    if (layer < LATENT) {
      throw s.invalid("layer", layer, "the value must be -1 (the latent layer) or the 0-based index of an encoder layer");
    }
    return new EncodeConfig(s.positiveInt("batchSize"), layer, s.bool("errorMap"));
  }
}
