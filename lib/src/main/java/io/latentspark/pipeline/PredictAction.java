package io.latentspark.pipeline;

import io.latentspark.config.LatentSparkConfig;
import io.latentspark.config.RunLayout;
import io.latentspark.encode.Predictions;
import io.latentspark.encode.SparkEncoder;
import io.latentspark.model.ClassifierModel;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** Runs a fine-tuned classifier over the configured images and writes {@code out/predictions}; reports accuracy per split. */
public final class PredictAction extends Action<PredictAction, PredictAction.Result> {
  private String classifierDir;

  /** Where the table went, and the accuracy of each split that has labels. */
  public record Result(String predictions, long rows, Map<String, Double> accuracyBySplit) implements ActionResult {
    @Override
    public String summary() {
      return String.format("predicted %d images: %s; accuracy by split %s", rows, predictions, accuracyBySplit);
    }
  }

  public PredictAction(SparkSession spark, LatentSparkConfig cfg, RunLayout out) {
    super(spark, cfg, out);
  }

  /** The classifier directory (default: the run's classifier/). */
  public PredictAction classifier(String dir) {
    this.classifierDir = dir;
    return this;
  }

  @Override
  protected List<String> outputs() {
    return List.of(out.predictions());
  }

  @Override
  protected Result run() {
    String dir = classifierDir != null ? classifierDir : out.classifier();
    ClassifierModel c = ClassifierModel.load(dir, hadoop());
    int expected = c.config().data().inputSize();
    if (expected != cfg.data().inputSize()) {
      throw new IllegalArgumentException("The classifier " + dir + " takes " + expected + " input values per image, but data.* gives "
          + cfg.data().inputSize() + " (" + cfg.data().channels() + "x" + cfg.data().height() + "x" + cfg.data().width() + ")");
    }
    Dataset<Row> table = Predictions.table(spark, c, images(), cfg.encode().batchSize());
    SparkEncoder.writeParquet(table, out.predictions(), hadoop(), overwrite());
    Dataset<Row> written = spark.read().parquet(out.predictions());
    return new Result(out.predictions(), written.count(), Predictions.accuracyBySplit(written));
  }
}
