package io.latentspark.util;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import org.bytedeco.javacpp.Pointer;

/**
 * Samples this JVM's memory in a daemon thread and keeps the peaks: heap in use, live heap (in use right
 * after the last garbage collection, summed over heap pools), off-heap memory that javacpp/ND4J allocated,
 * and the process's resident set size. In Spark local mode the executors are this JVM, so the figures are
 * the executors'.
 */
public final class MemoryProbe implements AutoCloseable {
  /** Peak figures in bytes. */
  public record Peaks(long heapUsed, long heapLiveAfterGc, long offHeapJavacpp, long residentSet) {
    @Override
    public String toString() {
      return String.format("peak heap used %d MiB, peak live heap after GC %d MiB, peak ND4J/javacpp off-heap %d MiB, peak RSS %d MiB",
          heapUsed >> 20, heapLiveAfterGc >> 20, offHeapJavacpp >> 20, residentSet >> 20);
    }
  }

  private final Thread thread;
  private volatile boolean running = true;
  private long heapUsed;
  private long live;
  private long offHeap;
  private long rss;

  private MemoryProbe(long intervalMillis) {
    thread = new Thread(() -> {
      while (running) {
        sample();
        try {
          Thread.sleep(intervalMillis);
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "latentspark-memory-probe");
    thread.setDaemon(true);
  }

  public static MemoryProbe start(long intervalMillis) {
    MemoryProbe p = new MemoryProbe(intervalMillis);
    p.thread.start();
    return p;
  }

  private synchronized void sample() {
    heapUsed = Math.max(heapUsed, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
    long liveNow = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      MemoryUsage afterGc = pool.getType() == MemoryType.HEAP ? pool.getCollectionUsage() : null;
      if (afterGc != null) {
        liveNow += afterGc.getUsed();
      }
    }
    live = Math.max(live, liveNow);
    try {
      offHeap = Math.max(offHeap, Pointer.totalBytes());
      rss = Math.max(rss, Pointer.physicalBytes());
    } catch (Throwable t) {
      // javacpp not loaded: no off-heap figures
    }
  }

  public synchronized Peaks peaks() {
    sample();
    return new Peaks(heapUsed, live, offHeap, rss);
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
  }
}
