package io.latentspark.analysis;

import io.latentspark.data.ImageSchema;
import io.latentspark.encode.BatchEncoder;
import io.latentspark.encode.NetworkSnapshot;
import io.latentspark.model.AutoencoderModel;
import io.latentspark.model.Corruption;
import io.latentspark.model.InputNormalizer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.nd4j.linalg.factory.Nd4j;

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
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(images.sparkSession().sparkContext());
    Broadcast<NetworkSnapshot> snap = jsc.broadcast(NetworkSnapshot.of(model));
    int px = rows.schema().fieldIndex(ImageSchema.PIXELS);
    // plain arrays as task results (Kryo on clusters cannot serialise records)
    List<double[]> parts = rows.javaRDD().mapPartitions((Iterator<Row> it) -> {
      BatchEncoder enc = BatchEncoder.of(snap.value());
      InputNormalizer norm = snap.value().normalizer();
      double[] sums = new double[4];
      List<float[]> batch = new ArrayList<>();
      while (it.hasNext()) {
        batch.add(ImageSchema.pixels(it.next(), px));
        if (batch.size() == batchSize || !it.hasNext()) {
          for (double m : enc.encode(batch, corruption).mse()) {
            sums[1] += m;
          }
          for (double m : enc.encode(batch).mse()) {
            sums[2] += m;
          }
          for (float[] p : batch) {
            float[] x = norm.apply(p.clone());
            float[] noisy = corruption.corrupt(Nd4j.create(x).reshape(1, x.length), Nd4j.create(x).reshape(1, x.length)).toFloatVector();
            corruption.clear();
            float[] back = norm.invert(noisy);
            double s = 0;
            for (int i = 0; i < p.length; i++) {
              double d = back[i] - p[i];
              s += d * d;
            }
            sums[0] += s / p.length;
          }
          sums[3] += batch.size();
          batch.clear();
        }
      }
      return List.of(sums).iterator();
    }).collect();
    snap.destroy();
    double[] t = new double[4];
    for (double[] p : parts) {
      for (int i = 0; i < 4; i++) {
        t[i] += p[i];
      }
    }
    if (t[3] == 0) {
      throw new IllegalArgumentException("No images in the " + split + " split to corrupt");
    }
    return new Result(corruption.toString(), (long) t[3], t[0] / t[3], t[1] / t[3], t[2] / t[3]);
  }
}
