package io.latentspark.config;

import java.io.Serializable;

/**
 * Latent map settings ({@code latentMap.*}): how many test codes are drawn, the side of the decoded manifold grid
 * (2-D codes), and the interpolation strips between test images.
 */
public record LatentMapConfig(int points, int grid, int pairs, int steps) implements Serializable {
  static LatentMapConfig read(Settings s) {
    int points = s.positiveInt("points");
    int grid = s.positiveInt("grid");
    if (grid < 2 || grid > 60) {
      throw s.invalid("grid", grid, "the manifold grid's side must be 2 to 60 images");
    }
    int pairs = s.positiveInt("pairs");
    if (pairs > 100) {
      throw s.invalid("pairs", pairs, "at most 100 interpolation strips");
    }
    int steps = s.positiveInt("steps");
    if (steps < 2 || steps > 30) {
      throw s.invalid("steps", steps, "an interpolation strip has 2 to 30 decoded steps");
    }
    return new LatentMapConfig(points, grid, pairs, steps);
  }
}
