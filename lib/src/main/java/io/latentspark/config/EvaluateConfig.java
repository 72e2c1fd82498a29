package io.latentspark.config;

import java.io.Serializable;

/** Latent-code evaluation settings ({@code evaluate.*}): kNN neighbours, reference rows, probe iterations. */
public record EvaluateConfig(int k, int trainLimit, int probeIterations) implements Serializable {
  static EvaluateConfig read(Settings s) {
    return new EvaluateConfig(s.positiveInt("k"), s.nonNegativeInt("trainLimit"), s.positiveInt("probeIterations"));
  }
}
