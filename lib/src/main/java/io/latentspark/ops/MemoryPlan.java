package io.latentspark.ops;

import io.latentspark.config.LatentSparkConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * Sizes an executor's off-heap memory for training: ND4J keeps parameters, gradients, updater state,
 * activations and prefetched minibatches outside the Java heap, per concurrently running task, plus its
 * native libraries. The result is the javacpp caps and the spark.executor.memoryOverhead that leave room for
 * them, with the reasoning as text.
 */
public final class MemoryPlan {
  /** Native libraries (OpenBLAS, libnd4j), their thread buffers and JVM non-heap (metaspace, stacks). */
  static final long NATIVE_BASE = 512L << 20;
  static final double SAFETY = 1.5;

  private MemoryPlan() {}

  /** A plan: the caps to pass and why. */
  public record Plan(long offHeapPerTask, long offHeapBytes, long maxPhysicalBytes, long memoryOverheadMiB, List<String> reasoning) {

    /** NAME=VALUE lines the submit/ scripts read (plain numbers and units, safe to eval). */
    public List<String> shellVariables() {
      return List.of("LS_EXECUTOR_MEMORY_OVERHEAD=" + memoryOverheadMiB + "m", "LS_OFFHEAP=" + offHeapBytes, "LS_MAXPHYSICAL=" + maxPhysicalBytes);
    }
  }

  /** Plans for executors of {@code cores} concurrent tasks and {@code heapBytes} of Java heap each. */
  public static Plan plan(LatentSparkConfig cfg, int cores, long heapBytes) {
    int in = cfg.data().inputSize();
    // parameters and activation values per example of the network model.type builds (dense, conv, LSTM alike)
    io.latentspark.model.NetworkSize size = io.latentspark.model.NetworkSize.of(cfg);
    long params = size.params();
    long widths = size.activationsPerExample();
    int batch = cfg.train().batchSizePerWorker();
    int prefetch = cfg.train().prefetchBatches();
    boolean adam = cfg.train().optimizer() == io.latentspark.config.Optimizer.ADAM || cfg.train().optimizer() == io.latentspark.config.Optimizer.RMSPROP;
    long stateCopies = 2 /* params + gradients */ + (adam ? 2 : 1) /* updater state */ + 2 /* broadcast + averaging copies */;
    long paramBytes = params * 4 * stateCopies;
    long activationBytes = (long) batch * widths * 4 * 3; // forward, backward, workspace slack
    long prefetchBytes = (long) (prefetch + 1) * batch * in * 4 * 2; // features + labels per minibatch
    long perTask = paramBytes + activationBytes + prefetchBytes;
    long offHeap = (long) ((perTask * cores + NATIVE_BASE) * SAFETY);
    long overheadMiB = Math.max(384, (offHeap >> 20) + 384);
    long maxPhysical = heapBytes + offHeap + (384L << 20);
    List<String> why = new ArrayList<>();
    why.add(String.format("model: %,d parameters (%s: %s), batch %d per worker, %d prefetched, optimizer %s", params, cfg.model().type(),
        cfg.model().spec().describe(cfg.data().shape()), batch, prefetch, cfg.train().optimizer().configName()));
    why.add(String.format("per task: parameters x %d copies (params, gradients, updater state, broadcast, averaging) = %d MiB; "
        + "activations batch x %,d units x 4 B x 3 = %d MiB; prefetched minibatches = %d MiB; total %d MiB",
        stateCopies, paramBytes >> 20, widths, activationBytes >> 20, prefetchBytes >> 20, perTask >> 20));
    why.add(String.format("per executor: %d task(s) x %d MiB + %d MiB native libraries, x %.1f safety = %d MiB off-heap "
        + "(org.bytedeco.javacpp.maxbytes)", cores, perTask >> 20, NATIVE_BASE >> 20, SAFETY, offHeap >> 20));
    why.add(String.format("spark.executor.memoryOverhead = off-heap + 384 MiB JVM non-heap = %d MiB; maxphysicalbytes = heap %d MiB + "
        + "off-heap + 384 MiB = %d MiB", overheadMiB, heapBytes >> 20, maxPhysical >> 20));
    return new Plan(perTask, offHeap, maxPhysical, overheadMiB, why);
  }

  /** Parses a Spark memory string (512m, 4g, 1024k, or bytes). */
  public static long parseBytes(String s) {
    String t = s.trim().toLowerCase(java.util.Locale.ROOT);
    long unit = 1;
    if (t.endsWith("k") || t.endsWith("m") || t.endsWith("g") || t.endsWith("t")) {
      unit = switch (t.charAt(t.length() - 1)) {
        case 'k' -> 1L << 10;
        case 'm' -> 1L << 20;
        case 'g' -> 1L << 30;
        default -> 1L << 40;
      };
      t = t.substring(0, t.length() - 1);
    }
    try {
      long v = Long.parseLong(t);
      if (v <= 0) {
        throw new NumberFormatException();
      }
      return v * unit;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("Cannot read the memory size \"" + s + "\": use a positive number with k, m, g or t, e.g. 4g");
    }
  }
}
