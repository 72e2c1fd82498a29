package io.latentspark.pipeline;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.latentspark.analysis.Variational;
import io.latentspark.config.LatentSparkConfig;
import io.latentspark.config.RunLayout;
import io.latentspark.data.ImageSchema;
import io.latentspark.export.SpriteSheet;
import io.latentspark.util.Outputs;
import java.io.OutputStream;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * For a variational autoencoder: the single-sample negative ELBO of the test images, and {@link #count} images
 * decoded from prior samples as a grid; writes {@code out/vae/} (elbo.json, samples.png) atomically.
 */
public final class VaeAction extends Action<VaeAction, VaeAction.Result> {
  private static final Logger LOG = LoggerFactory.getLogger(VaeAction.class);
  private int count = 100;

  /** The test negative ELBO (nats per image), its terms, and the file of images sampled from the prior. */
  @JsonPropertyOrder({"split", "rows", "negative_elbo_nats", "reconstruction_nats", "kl_nats", "samples", "samples_png"})
  public record Result(long rows, @JsonProperty("negative_elbo_nats") double negativeElbo,
      @JsonProperty("reconstruction_nats") double reconstruction, @JsonProperty("kl_nats") double kl, int samples, String samplesPng)
      implements ActionResult {
    /** The split measured. */
    @JsonProperty("split")
    public String split() {
      return ImageSchema.TEST;
    }

    @Override
    public String summary() {
      return String.format("test negative ELBO %.2f nats per image (reconstruction %.2f + KL %.2f) over %d images; %d samples: %s",
          negativeElbo, reconstruction, kl, rows, samples, samplesPng);
    }
  }

  public VaeAction(SparkSession spark, LatentSparkConfig cfg, RunLayout out) {
    super(spark, cfg, out);
  }

  /** Images to sample from the prior (1 to 10000; default 100). */
  public VaeAction count(int count) {
    this.count = count;
    return this;
  }

  @Override
  protected List<String> outputs() {
    return List.of(out.vae());
  }

  @Override
  protected void validate() {
    if (count <= 0 || count > 10000) {
      throw new IllegalArgumentException("Cannot sample " + count + " images: the number of samples must be 1 to 10000");
    }
  }

  @Override
  protected Result run() {
    Variational.require(model(), "The vae command");
    var e = Variational.elbo(model(), images(), ImageSchema.TEST, cfg.encode().batchSize(), cfg.seed());
    List<float[]> samples = Variational.samples(model(), count, cfg.seed());
    byte[] png = SpriteSheet.of(samples, cfg.data().channels(), cfg.data().height(), cfg.data().width()).png();
    Path target = new Path(out.vae());
    Result result = new Result(e.rows(), e.negativeElbo(), e.reconstruction(), e.kl(), count, new Path(target, "samples.png").toString());
    Outputs.writeAtomically(target, hadoop(), overwrite(), staging -> {
      FileSystem fs = Outputs.fs(staging, hadoop());
      fs.mkdirs(staging);
      try (OutputStream o = fs.create(new Path(staging, "samples.png"), true)) {
        o.write(png);
      }
      Outputs.writeString(new Path(staging, "elbo.json"), result.json(), hadoop());
    });
    LOG.info("VAE: test negative ELBO {} nats per image (reconstruction {}, KL {}) over {} images; {} prior samples in {}",
        String.format("%.2f", e.negativeElbo()), String.format("%.2f", e.reconstruction()), String.format("%.2f", e.kl()), e.rows(), count,
        result.samplesPng());
    return result;
  }
}
