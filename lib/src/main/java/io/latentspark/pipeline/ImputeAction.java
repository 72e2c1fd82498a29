package io.latentspark.pipeline;

import io.latentspark.analysis.Compression;
import io.latentspark.analysis.Imputer;
import io.latentspark.config.LatentSparkConfig;
import io.latentspark.config.RunLayout;
import io.latentspark.encode.SparkEncoder;
import java.util.List;
import org.apache.spark.sql.SparkSession;

/** Masks pixels of the impute.split images (impute.mask) and fills them with the model; writes {@code out/imputed}. */
public final class ImputeAction extends Action<ImputeAction, ImputeAction.Result> {

  /**
   * Rows imputed and the MSE on the missing pixels, against filling them with the training mean; the PSNRs are
   * 10 log10(1 / MSE) of those mean MSEs (pixels in [0,1]). {@code iterations} is 1 for an inpainting model (one pass).
   */
  public record Result(String table, long rows, double mseMissing, double mseMissingMeanFill, double psnrMissing, double psnrMeanFill,
      String mask, String method, int iterations) implements ActionResult {
    @Override
    public String summary() {
      return String.format("imputed %d images (mask %s, %s, %d pass%s): MSE on missing pixels %.5f, PSNR %.2f dB (mean fill %.5f, %.2f dB)",
          rows, mask, method, iterations, iterations == 1 ? "" : "es", mseMissing, psnrMissing, mseMissingMeanFill, psnrMeanFill);
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
    return new Result(out.imputed(), r.rows(), r.mseMissing(), r.mseMissingMeanFill(), Compression.psnr(r.mseMissing()),
        Compression.psnr(r.mseMissingMeanFill()), cfg.impute().maskText(), r.inpainting() ? "inpainting model" : "reconstruction",
        r.inpainting() ? 1 : cfg.impute().iterations());
  }
}
