package io.latentspark.model;

import org.nd4j.linalg.factory.Nd4j;

/** Sets ND4J's thread counts (its own pool and BLAS) for this JVM. */
public final class ThreadSettings {
  private static volatile int applied = -1;

  private ThreadSettings() {}

  /** Uses {@code threads} threads for ND4J ops and BLAS in this JVM (no-op if already set to that). */
  public static void apply(int threads) {
    if (threads <= 0 || threads == applied) {
      return; // the common case, before every minibatch: no lock
    }
    set(threads);
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
