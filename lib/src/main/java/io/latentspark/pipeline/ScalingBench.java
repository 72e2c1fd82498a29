package io.latentspark.pipeline;

import io.latentspark.config.LatentSparkConfig;
import io.latentspark.data.ImageSources;
import io.latentspark.data.LoadedImages;
import io.latentspark.train.SparkTrainer;
import io.latentspark.train.TrainingRun;
import io.latentspark.util.Json;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.SparkSession;

/**
 * How an averaging round's cost grows with the number of workers ({@code bench --scaling W1,W2,...}): for each W, one
 * epoch of the configured model with W workers, once with the driver summing all W results and once with the
 * executors summing them in a tree ({@code train.reduceFanIn}), measured by a Spark listener on the rounds' jobs:
 * wall time, the workers' task time, the bytes the driver took in (result tasks' results) and the bytes shuffled
 * between executors by the tree. On one machine the W tasks share its cores (time-sliced): the overhead per
 * round is the wall time minus the task time divided by the cores.
 */
public final class ScalingBench {
  private ScalingBench() {}

  /** One configuration's mean per averaging round. */
  public record Row(int workers, String reduce, int rounds, double wallMs, double taskMs, double overheadMs, double driverBytesIn,
      double shuffleBytes, double resultTasks) {}

  /** The rows and the parameters + updater values each worker returns. */
  public record Result(List<Row> rows, long values, int cores) {
    public String report() {
      StringBuilder b = new StringBuilder(String.format("%8s %8s %7s %10s %10s %12s %14s %14s %12s%n", "workers", "reduce", "rounds",
          "wall ms", "task ms", "overhead ms", "driver in MB", "shuffled MB", "results in"));
      for (Row r : rows) {
        b.append(String.format("%8d %8s %7d %10.1f %10.1f %12.1f %14.2f %14.2f %12.1f%n", r.workers(), r.reduce(), r.rounds(), r.wallMs(),
            r.taskMs(), r.overheadMs(), r.driverBytesIn() / 1e6, r.shuffleBytes() / 1e6, r.resultTasks()));
      }
      b.append(String.format("per round, mean; %d values (parameters + updater state) per worker result; %d cores%n", values, cores));
      return b + Json.line(Map.of("scaling", rows, "values_per_worker", values, "cores", cores));
    }
  }

  public static Result run(SparkSession spark, LatentSparkConfig cfg, List<Integer> workers) {
    LoadedImages loaded = ImageSources.load(spark, cfg.data(), cfg.seed());
    int cores = spark.sparkContext().defaultParallelism();
    List<Row> rows = new ArrayList<>();
    long values = 0;
    try {
      for (int w : workers) {
        for (boolean tree : new boolean[] {false, true}) {
          if (tree && w <= cfg.train().reduceFanIn()) {
            continue; // no tree below the fan-in: the same run as the driver's sum
          }
          int fanIn = tree ? cfg.train().reduceFanIn() : Math.max(2, w);
          LatentSparkConfig c = cfg.withOverrides(List.of("train.workers=" + w, "train.epochs=1", "train.engine=latentspark",
              "train.reduceFanIn=" + fanIn));
          Rounds listener = new Rounds();
          spark.sparkContext().addSparkListener(listener);
          try {
            var model = new SparkTrainer(c).train(spark, loaded.images(), new TrainingRun("scaling", null, null, null));
            values = model.parameterAndUpdaterValues();
            drain(spark);
          } finally {
            spark.sparkContext().removeSparkListener(listener);
          }
          rows.add(listener.row(w, w > fanIn ? "tree/" + fanIn : "driver", cores));
        }
      }
    } finally {
      loaded.unpersist();
    }
    return new Result(rows, values, cores);
  }

  private static void drain(SparkSession spark) {
    try {
      spark.sparkContext().listenerBus().waitUntilEmpty(60_000);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("Spark's listener bus did not drain in 60 s", e);
    }
  }

  /** Sums, per averaging-round job, its wall time, task time, result bytes and shuffle bytes. */
  private static final class Rounds extends SparkListener {
    private final Map<Integer, Long> started = new HashMap<>();
    private final Map<Integer, Integer> stageJob = new HashMap<>();
    private int rounds;
    private double wallMs;
    private double taskMs;
    private double resultBytes;
    private double shuffleBytes;
    private double resultTasks;

    @Override
    public synchronized void onJobStart(SparkListenerJobStart start) {
      String d = start.properties() == null ? null : start.properties().getProperty("spark.job.description");
      if (d != null && d.startsWith(SparkTrainer.ROUND_JOB)) {
        started.put(start.jobId(), start.time());
        scala.collection.Iterator<Object> ids = start.stageIds().iterator();
        while (ids.hasNext()) {
          stageJob.put((Integer) ids.next(), start.jobId());
        }
      }
    }

    @Override
    public synchronized void onTaskEnd(SparkListenerTaskEnd end) {
      if (!stageJob.containsKey(end.stageId()) || end.taskMetrics() == null) {
        return;
      }
      taskMs += end.taskMetrics().executorRunTime();
      shuffleBytes += end.taskMetrics().shuffleWriteMetrics().bytesWritten();
      if ("ResultTask".equals(end.taskType())) {
        resultBytes += end.taskMetrics().resultSize();
        resultTasks++;
      }
    }

    @Override
    public synchronized void onJobEnd(SparkListenerJobEnd end) {
      Long t = started.remove(end.jobId());
      if (t != null) {
        wallMs += end.time() - t;
        rounds++;
      }
    }

    synchronized Row row(int workers, String reduce, int cores) {
      int n = Math.max(1, rounds);
      double wall = wallMs / n;
      double task = taskMs / n;
      return new Row(workers, reduce, rounds, wall, task, wall - task / cores, resultBytes / n, shuffleBytes / n, resultTasks / n);
    }
  }
}
