package io.latentspark.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;

/**
 * ThreadSettings sets OpenMP's thread count of the thread that calls it - the count oneDNN's matrix products use - also
 * where ND4J's loading left it above the count asked for (4 on the driver's main thread of a 2-core machine).
 */
class ThreadSettingsTest {
  @Test
  void setsTheCallingThreadsOpenMpThreads() throws Exception {
    Nd4j.create(1); // ND4J loaded
    var ops = NativeOpsHolder.getInstance().getDeviceNativeOps();
    int before = ops.ompGetMaxThreads();
    AtomicInteger after = new AtomicInteger();
    AtomicInteger untouched = new AtomicInteger();
    Thread t = new Thread(() -> {
      ops.setOmpNumThreads(4); // as ND4J leaves the thread that loaded it
      ThreadSettings.apply(1);
      after.set(ops.ompGetMaxThreads());
    });
    t.start();
    t.join();
    Thread other = new Thread(() -> {
      ops.setOmpNumThreads(3);
      untouched.set(ops.ompGetMaxThreads());
    });
    other.start();
    other.join();
    assertEquals(1, after.get(), "OpenMP threads of the thread that asked for 1");
    assertEquals(3, untouched.get(), "another thread's own setting");
    assertEquals(before, ops.ompGetMaxThreads(), "this thread's setting is its own");
  }
}
