package io.latentspark.pipeline;

import io.latentspark.analysis.PcaBaseline;
import io.latentspark.config.LatentSparkConfig;
import io.latentspark.config.RunLayout;
import io.latentspark.encode.FeatureSchema;
import io.latentspark.encode.SparkEncoder;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** PCA baseline: fits PCA with model.latentSize components on the train split and writes its feature table to {@code out/pca-features}. */
public final class PcaAction extends Action<PcaAction, PcaAction.Result> {
  private static final Logger LOG = LoggerFactory.getLogger(PcaAction.class);

  /** Dimension, explained variance and mean reconstruction MSE by split. */
  public record Result(String features, int dimension, double explainedVariance, Map<String, Double> meanMseBySplit) implements ActionResult {
    @Override
    public String summary() {
      return String.format("PCA: %d components explain %.4f of the training variance; mean reconstruction MSE by split %s", dimension,
          explainedVariance, meanMseBySplit);
    }
  }

  public PcaAction(SparkSession spark, LatentSparkConfig cfg, RunLayout out) {
    super(spark, cfg, out);
  }

  @Override
  protected List<String> outputs() {
    return List.of(out.pcaFeatures());
  }

  @Override
  protected Result run() {
    PcaBaseline pca = PcaBaseline.fit(images(), cfg.model().latentSize());
    SparkEncoder.write(pca.features(spark, images()), out.pcaFeatures(), hadoop(), overwrite());
    Map<String, Double> mse = PcaBaseline.meanBySplit(spark.read().parquet(out.pcaFeatures()), FeatureSchema.RECONSTRUCTION_ERROR);
    double explained = 0;
    for (double v : pca.explainedVariance()) {
      explained += v;
    }
    LOG.info("PCA with {} components explains {} of the training variance; mean reconstruction MSE by split {}", pca.dimension(),
        String.format("%.4f", explained), mse);
    return new Result(out.pcaFeatures(), pca.dimension(), explained, mse);
  }
}
