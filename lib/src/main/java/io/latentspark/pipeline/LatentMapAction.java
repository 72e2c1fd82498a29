package io.latentspark.pipeline;

import io.latentspark.analysis.LatentMaps;
import io.latentspark.config.LatentSparkConfig;
import io.latentspark.config.RunLayout;
import io.latentspark.export.Charts;
import io.latentspark.export.StratifiedSample;
import io.latentspark.util.Outputs;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Draws the latent space ({@link LatentMaps}) and writes {@code out/latent-map/} atomically: interpolation.png and
 * points.csv for every model; codes.png, pca.png and manifold.png when the code has two dimensions.
 */
public final class LatentMapAction extends Action<LatentMapAction, LatentMapAction.Result> {

  /** What was written. */
  public record Result(String dir, int latentSize, int points, List<String> files, List<String[]> interpolatedPairs, double[][] manifoldAxes)
      implements ActionResult {
    @Override
    public String summary() {
      return String.format("latent map of %d test images (%d-D codes): %s in %s%s", points, latentSize, String.join(", ", files), dir,
          latentSize == 2 ? "" : " (scatter and manifold need 2-D codes: model.latentSize = 2)");
    }
  }

  public LatentMapAction(SparkSession spark, LatentSparkConfig cfg, RunLayout out) {
    super(spark, cfg, out);
  }

  @Override
  protected List<String> outputs() {
    return List.of(out.latentMap());
  }

  @Override
  protected Result run() {
    Dataset<Row> sample = StratifiedSample.of(LatentMaps.testImages(images()), cfg.latentMap().points(), cfg.seed());
    LatentMaps.Result r = LatentMaps.run(model(), images(), sample, cfg.latentMap(), cfg.data().shape(), cfg.seed());
    byte[] scatter = null;
    byte[] pca = null;
    if (r.principal() != null) {
      scatter = Charts.scatterPng((r.variational() ? "VAE means" : "Autoencoder codes") + " of " + r.points() + " test images", r.labels(),
          r.codes(), 800, 700);
      pca = Charts.scatterPng("First two principal components of the same images", r.labels(), r.principal(), 800, 700);
    }
    byte[] codes = scatter;
    byte[] principal = pca;
    Path target = new Path(out.latentMap());
    List<String> files = new ArrayList<>();
    Outputs.writeAtomically(target, hadoop(), overwrite(), staging -> {
      put(staging, "codes.png", codes, files);
      put(staging, "pca.png", principal, files);
      put(staging, "manifold.png", r.manifold() == null ? null : Charts.png(r.manifold()), files);
      put(staging, "interpolation.png", r.interpolation() == null ? null : Charts.png(r.interpolation()), files);
      Outputs.writeString(new Path(staging, "points.csv"), r.pointsCsv(), hadoop());
      files.add("points.csv");
    });
    return new Result(target.toString(), r.latentSize(), r.points(), files, r.pairs(), r.manifoldAxes());
  }

  private void put(Path dir, String name, byte[] png, List<String> files) {
    if (png != null) {
      Outputs.writeBytes(new Path(dir, name), png, hadoop());
      files.add(name);
    }
  }
}
