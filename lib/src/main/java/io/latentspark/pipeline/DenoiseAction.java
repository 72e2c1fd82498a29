package io.latentspark.pipeline;

import io.latentspark.analysis.Denoising;
import io.latentspark.config.LatentSparkConfig;
import io.latentspark.config.RunLayout;
import io.latentspark.data.ImageSchema;
import io.latentspark.model.NetworkFactory;
import java.util.List;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

/**
 * Corrupts the test images as model.corruption.* says (whatever the model's type), reconstructs them with the model
 * and measures the MSE against the clean images; writes {@code out/denoising.json}.
 */
public final class DenoiseAction extends Action<DenoiseAction, DenoiseAction.Result> {

  /** MSE against the clean images of the corrupted input, its reconstruction, and the clean reconstruction. */
  public record Result(String corruption, long rows, double corruptedInputMse, double denoisedMse, double cleanReconstructionMse)
      implements ActionResult {
    @Override
    public String summary() {
      return String.format("%s on %d test images: corrupted input MSE %.5f, denoised %.5f, clean reconstruction %.5f", corruption, rows,
          corruptedInputMse, denoisedMse, cleanReconstructionMse);
    }
  }

  public DenoiseAction(SparkSession spark, LatentSparkConfig cfg, RunLayout out) {
    super(spark, cfg, out);
  }

  @Override
  protected List<String> outputs() {
    return List.of(out.denoising());
  }

  @Override
  protected Result run() {
    var corruption = NetworkFactory.corruption(cfg.model().corruption(), cfg.data().shape());
    Denoising.Result r = Denoising.run(model(), images(), ImageSchema.TEST, corruption, cfg.encode().batchSize());
    Result result = new Result(r.corruption(), r.rows(), r.corruptedInputMse(), r.denoisedMse(), r.cleanReconstructionMse());
    writeJson(new Path(out.denoising()), result);
    return result;
  }
}
