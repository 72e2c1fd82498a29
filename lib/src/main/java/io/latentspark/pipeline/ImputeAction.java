package io.latentspark.pipeline;

import io.latentspark.analysis.Imputer;
import io.latentspark.config.LatentSparkConfig;
import io.latentspark.config.RunLayout;
import io.latentspark.encode.SparkEncoder;
import java.util.List;
import org.apache.spark.sql.SparkSession;

/** Masks pixels of the impute.split images (impute.mask) and fills them with the model; writes {@code out/imputed}. */
public final class ImputeAction extends Action<ImputeAction, ImputeAction.Result> {

  /** Rows imputed and the MSE on the missing pixels, against filling them with the training mean. */
  public record Result(String table, long rows, double mseMissing, double mseMissingMeanFill, String mask, int iterations)
      implements ActionResult {
    @Override
    public String summary() {
      return String.format("imputed %d images (mask %s, %d passes): MSE on missing pixels %.5f (mean fill %.5f)", rows, mask, iterations,
          mseMissing, mseMissingMeanFill);
    }
  }

  public ImputeAction(SparkSession spark, LatentSparkConfig cfg, RunLayout out) {
    super(spark, cfg, out);
  }

  @Override
  protected List<String> outputs() {
    return List.of(out.imputed());
  }

  @Override
  protected void validate() {
    cfg.impute().mask(cfg.data()); // the mask must fit the images: fail before loading anything
  }

  @Override
  protected Result run() {
    Imputer.Result r = Imputer.run(spark, model(), images(), cfg.impute(), cfg.impute().mask(cfg.data()), cfg.data().channels(),
        cfg.encode().batchSize(), cfg.seed());
    SparkEncoder.writeParquet(r.table(), out.imputed(), hadoop(), overwrite());
    return new Result(out.imputed(), r.rows(), r.mseMissing(), r.mseMissingMeanFill(), cfg.impute().maskText(), cfg.impute().iterations());
  }
}
