package io.latentspark.analysis;

import io.latentspark.data.ImageSchema;
import io.latentspark.encode.NetworkSnapshot;
import io.latentspark.encode.PartitionSums;
import io.latentspark.model.AutoencoderModel;
import io.latentspark.model.Corruption;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;

/**
 * How well a model removes a corruption: the images of a split are corrupted (fresh noise per image, in the
 * network's input space, as in training), reconstructed, and compared with the clean images. Reports the mean
 * per-pixel MSE of the corrupted input itself, of the reconstruction from the corrupted input, and of the
 * reconstruction from the clean input.
 */
public final class Denoising {
  private Denoising() {}

  /** Mean per-pixel MSE against the clean images, over {@code rows} images. */
  public record Result(String corruption, long rows, double corruptedInputMse, double denoisedMse, double cleanReconstructionMse) {}

  public static Result run(AutoencoderModel model, Dataset<Row> images, String split, Corruption corruption, int batchSize) {
    ImageSchema.check(images.schema());
    Dataset<Row> rows = images.where(functions.col(ImageSchema.SPLIT).equalTo(split));
    double[] t = PartitionSums.of(rows, NetworkSnapshot.of(model), batchSize, 3, (enc, partition) -> (batch, sums) -> {
      for (double m : enc.encode(batch, corruption).mse()) {
        sums[1] += m;
      }
      for (double m : enc.encode(batch).mse()) {
        sums[2] += m;
      }
      float[][] noisy = enc.corrupt(batch, corruption);
      for (int i = 0; i < noisy.length; i++) {
        sums[0] += io.latentspark.encode.BatchEncoder.meanSquared(noisy[i], batch.get(i));
      }
    });
    if (t[3] == 0) {
      throw new IllegalArgumentException("No images in the " + split + " split to corrupt");
    }
    return new Result(corruption.toString(), (long) t[3], t[0] / t[3], t[1] / t[3], t[2] / t[3]);
  }
}
