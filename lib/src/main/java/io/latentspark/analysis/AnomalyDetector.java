package io.latentspark.analysis;

import io.latentspark.config.AnomalyConfig;
import io.latentspark.data.ImageSchema;
import io.latentspark.encode.FeatureSchema;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;

/**
 * Anomaly detection on a feature table: the score is a reconstruction error column; the threshold is a
 * quantile of the scores of normal training rows (one for all, or one per label); rows above it are flagged.
 * When the normal labels are known, the AUROC of the score on the chosen split says how well it separates
 * normal from anomalous images (positive = anomalous = label outside the normal list).
 */
public final class AnomalyDetector {
  public static final String SCORE = "score";
  public static final String THRESHOLD = "threshold";
  public static final String ANOMALY = "anomaly";
  /** Relative error of the quantile (Spark's approxQuantile); 0 would be exact but sorts everything. */
  static final double QUANTILE_ERROR = 1e-4;

  private AnomalyDetector() {}

  /**
   * Thresholds by label ("" = the one global threshold), counts, and the AUROC on {@code cfg.split()} (NaN when
   * no normal labels are given or that split lacks normal or anomalous rows).
   */
  public record Result(Map<String, Double> thresholds, long scoredRows, long flaggedRows, long anomalousRows, double auroc,
      Dataset<Row> flagged) {}

  public static Result run(Dataset<Row> features, AnomalyConfig cfg) {
    FeatureSchema.check(features.schema(), "The anomaly detection input");
    if (!java.util.Arrays.asList(features.columns()).contains(cfg.score())) {
      throw new IllegalArgumentException("Cannot set anomaly.score to " + cfg.score() + ": the feature table has no such column (columns: "
          + String.join(", ", features.columns()) + "); re-encode with this version to get reconstruction_bce");
    }
    Column score = functions.col(cfg.score());
    Dataset<Row> calibration = features.where(functions.col(ImageSchema.SPLIT).equalTo(ImageSchema.TRAIN));
    if (!cfg.normalLabels().isEmpty()) {
      calibration = calibration.where(functions.col(ImageSchema.LABEL).isin(cfg.normalLabels().toArray()));
    }
    Map<String, Double> thresholds = new TreeMap<>();
    if (cfg.perLabel()) {
      List<String> labels = new ArrayList<>();
      for (Row r : calibration.select(ImageSchema.LABEL).distinct().collectAsList()) {
        if (!r.isNullAt(0)) {
          labels.add(r.getString(0));
        }
      }
      for (String l : labels) {
        thresholds.put(l, quantile(calibration.where(functions.col(ImageSchema.LABEL).equalTo(l)), cfg));
      }
    } else {
      thresholds.put("", quantile(calibration, cfg));
    }
    if (thresholds.isEmpty() || thresholds.values().stream().anyMatch(v -> v.isNaN())) {
      throw new IllegalArgumentException("No train rows to calibrate the anomaly threshold on"
          + (cfg.normalLabels().isEmpty() ? "" : " with a label in anomaly.normalLabels = " + cfg.normalLabels())
          + (cfg.perLabel() ? " (anomaly.perLabel needs labelled train rows)" : ""));
    }
    Column threshold;
    if (cfg.perLabel()) {
      threshold = functions.lit(null).cast("double");
      for (Map.Entry<String, Double> e : thresholds.entrySet()) {
        threshold = functions.when(functions.col(ImageSchema.LABEL).equalTo(e.getKey()), e.getValue()).otherwise(threshold);
      }
    } else {
      threshold = functions.lit(thresholds.get(""));
    }
    Dataset<Row> scored = features.where(functions.col(ImageSchema.SPLIT).equalTo(cfg.split()))
        .select(functions.col(ImageSchema.ID), functions.col(ImageSchema.PATH), functions.col(ImageSchema.LABEL),
            functions.col(ImageSchema.SPLIT), score.as(SCORE))
        .withColumn(THRESHOLD, threshold)
        // a label without its own threshold (unseen in training) is anomalous by definition
        .withColumn(ANOMALY, functions.coalesce(functions.col(SCORE).gt(functions.col(THRESHOLD)), functions.lit(true)));
    long scoredRows = scored.count();
    long flaggedRows = scored.where(functions.col(ANOMALY)).count();
    double auroc = Double.NaN;
    long anomalous = -1;
    if (!cfg.normalLabels().isEmpty()) {
      Column positive = functions.not(functions.coalesce(functions.col(ImageSchema.LABEL).isin(cfg.normalLabels().toArray()),
          functions.lit(false)));
      anomalous = scored.where(positive).count();
      auroc = auroc(scored, positive);
    }
    return new Result(thresholds, scoredRows, flaggedRows, anomalous, auroc, scored);
  }

  private static double quantile(Dataset<Row> calibration, AnomalyConfig cfg) {
    return threshold(calibration, cfg.score(), cfg.quantile());
  }

  /** The {@code quantile} of {@code column} over {@code calibration} (relative error {@link #QUANTILE_ERROR}); NaN when empty. */
  public static double threshold(Dataset<Row> calibration, String column, double quantile) {
    double[] q = calibration.stat().approxQuantile(column, new double[] {quantile}, QUANTILE_ERROR);
    return q.length == 0 ? Double.NaN : q[0];
  }

  /** Exact AUROC of SCORE against {@code positive}: counts per distinct score, summed on the driver in score order. */
  static double auroc(Dataset<Row> scored, Column positive) {
    List<Auroc.Bucket> buckets = new ArrayList<>();
    Dataset<Row> counts = scored.groupBy(SCORE)
        .agg(functions.sum(functions.when(positive, 1L).otherwise(0L)), functions.sum(functions.when(positive, 0L).otherwise(1L)))
        .orderBy(SCORE);
    for (java.util.Iterator<Row> it = counts.toLocalIterator(); it.hasNext();) {
      Row r = it.next();
      buckets.add(new Auroc.Bucket(r.getDouble(0), r.getLong(1), r.getLong(2)));
    }
    return Auroc.of(buckets);
  }
}
