package io.latentspark.encode;

import java.util.List;

/**
 * Per-image reconstruction errors in pixel space, the same for every engine: the mean per-pixel squared error, the
 * mean per-pixel binary cross-entropy (nats; reconstructions clamped to [{@value #EPS}, 1 - {@value #EPS}]) and,
 * when asked for, the per-pixel squared errors.
 */
final class ReconstructionErrors {
  /** Reconstruction probabilities are clamped to [EPS, 1 - EPS] for the cross-entropy. */
  static final double EPS = 1e-7;

  private ReconstructionErrors() {}

  record Errors(double[] mse, double[] bce, float[][] map) {}

  /** Errors of {@code reconstruction[i]} (pixel space) against {@code pixels.get(i)}; plain Java loops (faster here than ND4J's element-wise ops). */
  static Errors of(float[][] reconstruction, List<float[]> pixels, boolean errorMap) {
    int n = pixels.size();
    double[] mse = new double[n];
    double[] bce = new double[n];
    float[][] map = errorMap ? new float[n][] : null;
    for (int i = 0; i < n; i++) {
      float[] r = reconstruction[i];
      float[] p = pixels.get(i);
      if (r.length != p.length) {
        throw new IllegalStateException("A reconstruction has " + r.length + " values but its image " + p.length);
      }
      float[] m = errorMap ? new float[p.length] : null;
      double s = 0;
      double c = 0;
      for (int k = 0; k < p.length; k++) {
        double d = r[k] - p[k];
        s += d * d;
        if (m != null) {
          m[k] = (float) (d * d);
        }
        // a term whose weight is 0 adds nothing: black and white pixels (most of MNIST's) need one logarithm, not two
        double q = Math.min(1 - EPS, Math.max(EPS, r[k]));
        if (p[k] == 0) {
          c -= Math.log(1 - q);
        } else if (p[k] == 1) {
          c -= Math.log(q);
        } else {
          c -= p[k] * Math.log(q) + (1 - p[k]) * Math.log(1 - q);
        }
      }
      mse[i] = s / p.length;
      bce[i] = c / p.length;
      if (map != null) {
        map[i] = m;
      }
    }
    return new Errors(mse, bce, map);
  }

  /** No reconstruction (an encoder without a decoder): NaN errors, and NaN error maps if asked for. */
  static Errors none(List<float[]> pixels, boolean errorMap) {
    int n = pixels.size();
    double[] nan = new double[n];
    java.util.Arrays.fill(nan, Double.NaN);
    float[][] map = null;
    if (errorMap) {
      map = new float[n][];
      for (int i = 0; i < n; i++) {
        map[i] = new float[pixels.get(i).length];
        java.util.Arrays.fill(map[i], Float.NaN);
      }
    }
    return new Errors(nan, nan.clone(), map);
  }
}
