package io.latentspark.analysis;

import io.latentspark.data.ImageSchema;
import io.latentspark.encode.BatchEncoder;
import io.latentspark.encode.NetworkSnapshot;
import io.latentspark.encode.PartitionSums;
import io.latentspark.model.AutoencoderModel;
import io.latentspark.spec.Loss;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;

/**
 * What only a variational autoencoder does: decode samples from the prior N(0, I) into new images, and measure
 * the negative evidence lower bound (ELBO) of images in nats, with one posterior sample per image as in the
 * usual single-sample estimate: -ELBO = reconstruction term (Bernoulli cross-entropy summed over pixels for
 * model.loss = bce; summed squared error for mse) + KL(q(z|x) || N(0, I)) (beta is not applied: this is the bound itself).
 */
public final class Variational {
  private Variational() {}

  /** Fails clearly unless {@code model} is a VAE. */
  public static void require(AutoencoderModel model, String what) {
    if (!model.config().model().spec().variational()) {
      throw new IllegalArgumentException(what + " needs a variational autoencoder (model.type = vae); the model is a "
          + model.config().model().type() + " autoencoder");
    }
  }

  /** {@code count} images (pixel space, CHW) decoded from codes drawn from N(0, I) with {@code seed}. */
  public static List<float[]> samples(AutoencoderModel model, int count, long seed) {
    require(model, "Sampling from the prior");
    return new ArrayList<>(Arrays.asList(BatchEncoder.of(NetworkSnapshot.of(model)).decodePrior(count, model.config().model().latentSize(), seed)));
  }

  /** Means per image, in nats: negative ELBO, its reconstruction term and its KL term; over {@code rows} images. */
  public record Elbo(long rows, double negativeElbo, double reconstruction, double kl) {}

  /** The single-sample negative ELBO of the {@code split} images, computed on the executors (noise seeded per partition). */
  public static Elbo elbo(AutoencoderModel model, Dataset<Row> images, String split, int batchSize, long seed) {
    require(model, "The ELBO");
    ImageSchema.check(images.schema());
    Dataset<Row> rows = images.where(functions.col(ImageSchema.SPLIT).equalTo(split));
    boolean bernoulli = model.config().model().loss() == Loss.BCE;
    double[] t = PartitionSums.of(rows, NetworkSnapshot.of(model), batchSize, 2, (enc, partition) -> {
      BatchEncoder.Noise noise = new BatchEncoder.Noise(seed * 31 + partition);
      return (px, sums) -> {
        double[] e = enc.elbo(px, noise, bernoulli);
        sums[0] += e[0];
        sums[1] += e[1];
      };
    });
    if (t[2] == 0) {
      throw new IllegalArgumentException("No images in the " + split + " split to measure the ELBO on");
    }
    return new Elbo((long) t[2], (t[0] + t[1]) / t[2], t[0] / t[2], t[1] / t[2]);
  }
}
