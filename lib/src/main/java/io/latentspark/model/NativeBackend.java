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

  /** Single-precision matrix multiply rate of this JVM with its current ND4J thread settings, in GFLOP/s. */
  public static double sgemmGflops(int n, int reps) {
    INDArray a = Nd4j.rand(DataType.FLOAT, n, n);
    INDArray b = Nd4j.rand(DataType.FLOAT, n, n);
    INDArray c = Nd4j.create(DataType.FLOAT, n, n);
    for (int i = 0; i < 3; i++) {
      a.mmuli(b, c);
    }
    long start = System.nanoTime();
    for (int i = 0; i < reps; i++) {
      a.mmuli(b, c);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    return 2.0 * n * n * n * reps / seconds / 1e9;
  }
}
