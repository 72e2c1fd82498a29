package io.latentspark.model;

import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;

/**
 * Sets ND4J's thread counts (its own pool and BLAS) for this JVM, and OpenMP's for the calling thread.
 *
 * <p>OpenMP's thread count is a per-thread setting, which ND4J's own settings do not touch. A thread started after ND4J
 * has loaded begins with {@code OMP_NUM_THREADS}'s value, but the thread that loaded ND4J (the driver's main thread)
 * is left at 4 on a 2-core machine whatever {@code OMP_NUM_THREADS} says, and the oneDNN matrix products behind
 * {@code Nd4j.gemm} run a team of that size: until 2026-12-07 the "one core" ceiling and one-iteration probe of
 * {@code bench}, which run there, used both cores for their products (gdb on {@code GOMP_parallel}: 4 threads per
 * product with one asked for; docs/TRAINING.md).
 */
public final class ThreadSettings {
  private static volatile int applied = -1;
  private static final ThreadLocal<int[]> OPENMP = ThreadLocal.withInitial(() -> new int[] {-1});

  private ThreadSettings() {}

  /** Uses {@code threads} threads for ND4J ops and BLAS in this JVM and for OpenMP on this thread (no-op if already set). */
  public static void apply(int threads) {
    if (threads <= 0) {
      return;
    }
    if (threads != applied) {
      set(threads); // also loads ND4J, which NativeOpsHolder needs
    }
    int[] openmp = OPENMP.get();
    if (openmp[0] != threads) { // the common case, before every minibatch: set already, no lock
      NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(threads);
      openmp[0] = threads;
    }
  }

  private static synchronized void set(int threads) {
    if (threads == applied) {
      return;
    }
    Nd4j.getEnvironment().setMaxThreads(threads);
    Nd4j.getEnvironment().setMaxMasterThreads(threads);
    Nd4j.factory().blas().setMaxThreads(threads);
    applied = threads;
  }
}
