import io.latentspark.config.LatentSparkConfig;
import io.latentspark.config.RunLayout;
import io.latentspark.pipeline.Pipeline;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.SparkSession;

/**
 * The encode command's path (Pipeline.encode with a model directory: load, encode, write, row check, per-split means),
 * timed RUNS times in one Spark session after WARM untimed runs, for each engine in turn (interleaved). Compiled by
 * bench/encode-builds.sh against the build it measures; it uses only that public call, so it runs on older builds too.
 *   EncodeRuns CONFIG MODEL_DIR WARM RUNS ENGINE[,ENGINE...] [key=value ...]
 */
public final class EncodeRuns {
  public static void main(String[] a) throws Exception {
    SparkSession spark = SparkSession.builder().appName("encode-runs").getOrCreate();
    List<String> engines = Arrays.asList(a[4].split(","));
    int warm = Integer.parseInt(a[2]);
    int runs = Integer.parseInt(a[3]);
    List<String> overrides = Arrays.asList(a).subList(5, a.length);
    double[][] rates = new double[engines.size()][runs];
    for (int r = -warm; r < runs; r++) {
      for (int e = 0; e < engines.size(); e++) {
        List<String> set = new ArrayList<>(overrides);
        set.add("encode.engine=" + engines.get(e));
        LatentSparkConfig cfg = LatentSparkConfig.load(Path.of(a[0]), set);
        Path out = Files.createTempDirectory("encode-runs");
        long start = System.nanoTime();
        Pipeline.EncodeResult res = Pipeline.encode(spark, cfg, a[1], new RunLayout(out.toUri().toString()), false);
        double rate = res.rowsWritten() / ((System.nanoTime() - start) / 1e9);
        if (r >= 0) {
          rates[e][r] = rate;
        }
        System.out.printf("%s run %d: %d rows, %.0f rows/s%s%n", engines.get(e), r, res.rowsWritten(), rate, r < 0 ? " (warm-up)" : "");
        try (var files = Files.walk(out)) {
          files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
      }
    }
    for (int e = 0; e < engines.size(); e++) {
      double[] s = rates[e].clone();
      Arrays.sort(s);
      System.out.printf("RESULT %s median %.0f best %.0f rows/s over %d runs%n", engines.get(e), s[s.length / 2], s[s.length - 1], runs);
    }
    spark.stop();
  }
}
