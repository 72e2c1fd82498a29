package io.latentspark.model;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The ND4J native backend of this JVM: whether it loads and computes, and how fast it multiplies matrices. */
public final class NativeBackend {
  private NativeBackend() {}

  /** The backend's class name and BLAS vendor. */
  public record Info(String backend, String blas) {}

  /**
   * Loads the backend and checks an 8x8 matrix product; throws (with the loader's cause) when the native
   * libraries cannot be loaded or compute wrongly.
   */
  public static Info check() {
    String backend = Nd4j.getBackend().getClass().getSimpleName();
    INDArray a = Nd4j.ones(DataType.FLOAT, 8, 8);
    double sum = a.mmul(a).sumNumber().doubleValue();
    if (sum != 8 * 8 * 8) {
      throw new IllegalStateException("an 8x8 matrix product gave " + sum + " instead of 512");
    }
    return new Info(backend, String.valueOf(Nd4j.factory().blas().getBlasVendor()));
  }

  /**
   * The best single-precision matrix-multiply rate of an m x k by k x n product on {@code threads} ND4J/BLAS threads,
   * in GFLOP/s: one {@code Nd4j.gemm} call per product (as {@link FastDense} runs them) into a row-major and into a
   * column-major result, each warmed up for about a quarter of a second, then the best of {@code trials} timings of
   * about 0.1 s each over both (a ceiling is the best the hardware and library reach, so noise from a shared machine
   * only lowers single trials). Until 2026-12-02 this timed {@code INDArray.mmuli} into a row-major result, which
   * multiplies into a temporary column-major array and copies it: 35-48 GFLOP/s on one core at 128 x 784 x 256,
   * where one gemm call reaches 113-166 - the ceiling was 3x too low.
   */
  public static double gemmGflops(int m, int k, int n, int threads, int trials) {
    ThreadSettings.apply(threads);
    INDArray a = Nd4j.rand(DataType.FLOAT, m, k);
    INDArray b = Nd4j.rand(DataType.FLOAT, k, n);
    INDArray[] outputs = {Nd4j.create(DataType.FLOAT, new long[] {m, n}, 'c'), Nd4j.create(DataType.FLOAT, new long[] {m, n}, 'f')};
    double flops = 2.0 * m * k * n;
    long calls = 0;
    long warmNanos = 0;
    for (INDArray c : outputs) {
      long warm = System.nanoTime();
      while (System.nanoTime() - warm < 250_000_000L) {
        Nd4j.gemm(a, b, c, false, false, 1.0, 0.0);
        calls++;
      }
      warmNanos += System.nanoTime() - warm;
    }
    // about 0.1 s per timing at the warm-up's pace (small products are bound by the per-call cost, not the FLOPs)
    int reps = (int) Math.max(1, Math.min(100_000, calls * 0.1e9 / warmNanos));
    double best = 0;
    for (int t = 0; t < trials; t++) {
      for (INDArray c : outputs) {
        long start = System.nanoTime();
        for (int i = 0; i < reps; i++) {
          Nd4j.gemm(a, b, c, false, false, 1.0, 0.0);
        }
        best = Math.max(best, flops * reps / ((System.nanoTime() - start) / 1e9) / 1e9);
      }
    }
    return best;
  }
}
