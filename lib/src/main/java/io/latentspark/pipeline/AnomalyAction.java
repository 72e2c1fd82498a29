package io.latentspark.pipeline;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.latentspark.analysis.AnomalyDetector;
import io.latentspark.config.LatentSparkConfig;
import io.latentspark.config.RunLayout;
import io.latentspark.encode.SparkEncoder;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/** Scores and flags the rows of a feature table (anomaly.*); writes {@code out/anomalies}. */
public final class AnomalyAction extends Action<AnomalyAction, AnomalyAction.Result> {
  private String features;

  /**
   * Thresholds, rows scored and flagged; with anomaly.normalLabels, the anomalous rows and the AUROC (-1 and NaN
   * otherwise, and then left out of the JSON).
   */
  @JsonPropertyOrder({"table", "score", "quantile", "thresholds", "scoredRows", "flaggedRows", "anomalousRows", "auroc"})
  public record Result(String table, Map<String, Double> thresholds, long scoredRows, long flaggedRows,
      @JsonInclude(value = JsonInclude.Include.CUSTOM, valueFilter = Negative.class) long anomalousRows,
      @JsonInclude(value = JsonInclude.Include.CUSTOM, valueFilter = NotANumber.class) double auroc, String score, double quantile,
      @com.fasterxml.jackson.annotation.JsonIgnore String split)
      implements ActionResult {
    @Override
    public String summary() {
      return String.format("flagged %d of %d %s rows (threshold(s) %s)%s", flaggedRows, scoredRows, split, thresholds,
          Double.isNaN(auroc) ? "" : String.format("; AUROC %.4f (%d anomalous rows)", auroc, anomalousRows));
    }
  }

  /** Jackson value filter: leaves out negative counts (unknown). */
  static final class Negative {
    @Override
    public boolean equals(Object o) {
      return o instanceof Number n && n.longValue() < 0;
    }

    @Override
    public int hashCode() {
      return 0;
    }
  }

  /** Jackson value filter: leaves out NaN (not measured). */
  static final class NotANumber {
    @Override
    public boolean equals(Object o) {
      return o instanceof Double d && d.isNaN();
    }

    @Override
    public int hashCode() {
      return 0;
    }
  }

  public AnomalyAction(SparkSession spark, LatentSparkConfig cfg, RunLayout out) {
    super(spark, cfg, out);
  }

  /** The feature table to score (default: the run's features/). */
  public AnomalyAction features(String dir) {
    this.features = dir;
    return this;
  }

  @Override
  protected List<String> outputs() {
    return List.of(out.anomalies());
  }

  @Override
  protected Result run() {
    AnomalyDetector.Result r = AnomalyDetector.run(table(features != null ? features : out.features()), cfg.anomaly());
    SparkEncoder.writeParquet(r.flagged(), out.anomalies(), hadoop(), overwrite());
    return new Result(out.anomalies(), r.thresholds(), r.scoredRows(), r.flaggedRows(), r.anomalousRows(), r.auroc(),
        cfg.anomaly().score(), cfg.anomaly().quantile(), cfg.anomaly().split());
  }
}
