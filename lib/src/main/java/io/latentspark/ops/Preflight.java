package io.latentspark.ops;

import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * Runs a tiny job with several tasks per executor slot, so that every executor runs at least one, and
 * reports what each executor can do: JDK, ND4J backend and whether its native libraries load and compute,
 * BLAS, CPU features, cores, heap and the off-heap limits ND4J will respect.
 */
public final class Preflight {
  private Preflight() {}

  /** What one executor reported. {@code error} is null when the native backend loaded and computed. */
  public record Report(String executor, String host, String java, String backend, String blas, String cpuFeatures, int cores,
      long maxHeap, long maxOffHeap, long maxPhysical, String error) implements Serializable {

    public boolean ok() {
      return error == null;
    }
  }

  /** Reports of every executor that ran a task, one per executor. */
  public static List<Report> run(SparkSession spark) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    int tasks = Math.max(4, jsc.defaultParallelism() * 4);
    List<Integer> ids = new ArrayList<>();
    for (int i = 0; i < tasks; i++) {
      ids.add(i);
    }
    // task results travel as plain maps: Spark's Kryo (4.x) cannot serialise Java records
    List<Report> all = jsc.parallelize(ids, tasks).map(i -> toMap(probe())).collect().stream().map(Preflight::fromMap).toList();
    Map<String, Report> byExecutor = new LinkedHashMap<>();
    all.stream().sorted(Comparator.comparing(Report::executor)).forEach(r -> byExecutor.merge(r.executor(), r, Preflight::moreTelling));
    return new ArrayList<>(byExecutor.values());
  }

  /**
   * Of two reports of one executor: a failure over a success, and the failure that carries the original cause
   * (only the first task that initialises ND4J sees it; later ones get "Could not initialize class").
   */
  static Report moreTelling(Report a, Report b) {
    if (a.ok() != b.ok()) {
      return a.ok() ? b : a;
    }
    if (!a.ok() && a.error().contains("Could not initialize class") && !b.error().contains("Could not initialize class")) {
      return b;
    }
    return a;
  }

  static java.util.HashMap<String, String> toMap(Report r) {
    java.util.HashMap<String, String> m = new java.util.HashMap<>();
    m.put("executor", r.executor());
    m.put("host", r.host());
    m.put("java", r.java());
    m.put("backend", r.backend());
    m.put("blas", r.blas());
    m.put("cpu", r.cpuFeatures());
    m.put("cores", Integer.toString(r.cores()));
    m.put("heap", Long.toString(r.maxHeap()));
    m.put("offHeap", Long.toString(r.maxOffHeap()));
    m.put("physical", Long.toString(r.maxPhysical()));
    if (r.error() != null) {
      m.put("error", r.error());
    }
    return m;
  }

  static Report fromMap(java.util.Map<String, String> m) {
    return new Report(m.get("executor"), m.get("host"), m.get("java"), m.get("backend"), m.get("blas"), m.get("cpu"),
        Integer.parseInt(m.get("cores")), Long.parseLong(m.get("heap")), Long.parseLong(m.get("offHeap")), Long.parseLong(m.get("physical")),
        m.get("error"));
  }

  /** Runs on an executor. */
  static Report probe() {
    SparkEnv env = SparkEnv.get();
    String executor = env == null ? "?" : env.executorId();
    String host = env == null ? "?" : env.blockManager().blockManagerId().host();
    String java = System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")";
    int cores = Runtime.getRuntime().availableProcessors();
    long heap = Runtime.getRuntime().maxMemory();
    String cpu = cpuFeatures();
    try {
      io.latentspark.model.NativeBackend.Info nd4j = io.latentspark.model.NativeBackend.check();
      return new Report(executor, host, java, nd4j.backend(), nd4j.blas(), cpu, cores, heap, org.bytedeco.javacpp.Pointer.maxBytes(),
          org.bytedeco.javacpp.Pointer.maxPhysicalBytes(), null);
    } catch (Throwable t) {
      Throwable root = t;
      while (root.getCause() != null) {
        root = root.getCause();
      }
      return new Report(executor, host, java, "-", "-", cpu, cores, heap, -1, -1,
          "the ND4J native backend cannot be loaded: " + t + (root != t ? " (cause: " + root + ")" : ""));
    }
  }

  private static String cpuFeatures() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("flags")) {
          TreeSet<String> wanted = new TreeSet<>();
          for (String f : line.substring(line.indexOf(':') + 1).trim().split("\\s+")) {
            if (f.matches("avx|avx2|avx512f|avx512bw|fma|sse4_2|neon|asimd")) {
              wanted.add(f);
            }
          }
          return String.join(" ", wanted);
        }
      }
    } catch (Exception e) {
      // not Linux, or not readable
    }
    return System.getProperty("os.arch");
  }

  /** A table of the reports, one line per executor. */
  public static String format(List<Report> reports) {
    StringBuilder sb = new StringBuilder(String.format("%-9s %-12s %-22s %-14s %-9s %5s %9s %10s  %s%n", "executor", "host", "java",
        "backend", "blas", "cores", "heap", "off-heap", "cpu / status"));
    for (Report r : reports) {
      sb.append(String.format("%-9s %-12s %-22s %-14s %-9s %5d %8dM %9s  %s%n", r.executor(), r.host(), r.java(), r.backend(), r.blas(),
          r.cores(), r.maxHeap() >> 20, r.maxOffHeap() < 0 ? "-" : (r.maxOffHeap() >> 20) + "M",
          r.ok() ? r.cpuFeatures() + "  ok" : "FAILED: " + r.error()));
    }
    return sb.toString().stripTrailing();
  }
}
