package io.latentspark.pipeline;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonIgnore;
import io.latentspark.analysis.Evaluation;
import io.latentspark.config.LatentSparkConfig;
import io.latentspark.config.RunLayout;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * kNN accuracy and a linear probe of one or more feature tables (name -> directory), side by side; writes
 * {@code out/evaluation.json}.
 */
public final class EvaluateAction extends Action<EvaluateAction, EvaluateAction.Result> {
  private static final Logger LOG = LoggerFactory.getLogger(EvaluateAction.class);
  private final Map<String, String> tables = new LinkedHashMap<>();

  /** The scores of each table, by name, and the k of kNN. */
  public record Result(@JsonIgnore List<Evaluation.Scores> scores, int k) implements ActionResult {
    /** Each table's scores under its name. */
    @JsonAnyGetter
    public Map<String, Evaluation.Scores> byName() {
      Map<String, Evaluation.Scores> m = new LinkedHashMap<>();
      for (Evaluation.Scores s : scores) {
        m.put(s.name(), s);
      }
      return m;
    }

    /** A small aligned table for people. */
    @Override
    public String summary() {
      StringBuilder b = new StringBuilder(String.format("%-14s %5s %8s %8s %12s %14s %14s%n", "features", "dims", "train", "test",
          "kNN acc (k=" + k + ")", "linear probe", "test MSE"));
      for (Evaluation.Scores s : scores) {
        b.append(String.format("%-14s %5d %8d %8d %12.4f %14.4f %14.5f%n", s.name(), s.dimensions(), s.trainRows(), s.testRows(),
            s.knnAccuracy(), s.linearProbeAccuracy(), s.meanMseBySplit().getOrDefault("test", Double.NaN)));
      }
      return b.toString();
    }
  }

  public EvaluateAction(SparkSession spark, LatentSparkConfig cfg, RunLayout out) {
    super(spark, cfg, out);
  }

  /** Adds the feature table at {@code dir} under {@code name}. */
  public EvaluateAction table(String name, String dir) {
    tables.put(name, dir);
    return this;
  }

  /** Adds every (name, directory) of {@code named}. */
  public EvaluateAction tables(Map<String, String> named) {
    tables.putAll(named);
    return this;
  }

  @Override
  protected List<String> outputs() {
    return List.of(out.evaluation());
  }

  @Override
  protected void validate() {
    if (tables.isEmpty()) {
      throw new IllegalArgumentException("Give at least one feature table to evaluate");
    }
  }

  @Override
  protected Result run() {
    List<Evaluation.Scores> scores = new ArrayList<>();
    for (Map.Entry<String, String> t : tables.entrySet()) {
      Evaluation.Scores s = Evaluation.of(t.getKey(), table(t.getValue()), cfg.evaluate(), cfg.seed());
      LOG.info("{}: kNN accuracy {}, linear probe {}", t.getKey(), s.knnAccuracy(), s.linearProbeAccuracy());
      scores.add(s);
    }
    Result r = new Result(scores, cfg.evaluate().k());
    writeJson(new Path(out.evaluation()), r);
    return r;
  }
}
