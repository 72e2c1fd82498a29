package io.latentspark.data;

import java.util.List;
import java.util.SplittableRandom;

/**
 * A seeded generator of labelled images with ten clearly different shape classes (disc, ring, square,
 * frame, triangle, plus, cross, horizontal bars, vertical bars, diamond) at random position, size and
 * brightness, plus Gaussian pixel noise. Image {@code i} depends only on the seed and {@code i}, so the
 * data are the same however they are partitioned. The demo's default dataset; tests and notebooks use it too.
 */
public final class SyntheticImages {
  /** Class names, label {@code i % 10}. */
  public static final List<String> CLASSES = List.of(
      "disc", "ring", "square", "frame", "triangle", "plus", "cross", "hbars", "vbars", "diamond");

  private SyntheticImages() {}

  public static String label(long index) {
    return CLASSES.get((int) (index % CLASSES.size()));
  }

  /** Image {@code index} as CHW floats in [0,1]. */
  public static float[] image(long seed, long index, int height, int width, int channels, double noise) {
    SplittableRandom rnd = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + index);
    int cls = (int) (index % CLASSES.size());
    double s = Math.min(height, width);
    double r = s * (0.22 + 0.12 * rnd.nextDouble()); // half-size of the shape
    double cy = height / 2.0 + (rnd.nextDouble() - 0.5) * (height - 2 * r) * 0.6;
    double cx = width / 2.0 + (rnd.nextDouble() - 0.5) * (width - 2 * r) * 0.6;
    double t = Math.max(1.2, s * 0.08); // stroke thickness
    float bright = (float) (0.75 + 0.25 * rnd.nextDouble());
    float[] mask = new float[height * width];
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        double dy = y + 0.5 - cy;
        double dx = x + 0.5 - cx;
        double d = Math.hypot(dx, dy);
        boolean on = switch (cls) {
          case 0 -> d <= r;
          case 1 -> Math.abs(d - r * 0.8) <= t;
          case 2 -> Math.abs(dx) <= r * 0.8 && Math.abs(dy) <= r * 0.8;
          case 3 -> Math.max(Math.abs(dx), Math.abs(dy)) <= r * 0.85 && Math.max(Math.abs(dx), Math.abs(dy)) >= r * 0.85 - 1.6 * t;
          case 4 -> dy <= r * 0.7 && dy >= -r && Math.abs(dx) <= (dy + r) * 0.6;
          case 5 -> (Math.abs(dx) <= t && Math.abs(dy) <= r) || (Math.abs(dy) <= t && Math.abs(dx) <= r);
          case 6 -> (Math.abs(dx - dy) <= 1.4 * t || Math.abs(dx + dy) <= 1.4 * t) && Math.max(Math.abs(dx), Math.abs(dy)) <= r;
          case 7 -> Math.abs(dx) <= r && Math.abs(dy) <= r && ((int) Math.floor((dy + r) / (2 * t))) % 2 == 0;
          case 8 -> Math.abs(dx) <= r && Math.abs(dy) <= r && ((int) Math.floor((dx + r) / (2 * t))) % 2 == 0;
          default -> Math.abs(dx) + Math.abs(dy) <= r;
        };
        mask[y * width + x] = on ? bright : 0f;
      }
    }
    float[] tint = new float[channels];
    for (int c = 0; c < channels; c++) {
      tint[c] = channels == 1 ? 1f : (float) (0.4 + 0.6 * rnd.nextDouble());
    }
    int n = height * width;
    float[] out = new float[channels * n];
    for (int c = 0; c < channels; c++) {
      for (int i = 0; i < n; i++) {
        double v = mask[i] * tint[c] + (noise > 0 ? noise * gaussian(rnd) : 0);
        out[c * n + i] = (float) Math.min(1.0, Math.max(0.0, v));
      }
    }
    return out;
  }

  private static double gaussian(SplittableRandom rnd) {
    double u1 = Math.max(rnd.nextDouble(), 1e-300);
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * rnd.nextDouble());
  }
}
