package io.latentspark.analysis;

import io.latentspark.spec.PixelMask;
import io.latentspark.config.ImputeConfig;
import io.latentspark.data.ImageSchema;
import io.latentspark.data.Splits;
import io.latentspark.encode.BatchEncoder;
import io.latentspark.encode.BatchedIterator;
import io.latentspark.encode.NetworkSnapshot;
import io.latentspark.model.AutoencoderModel;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Fills missing pixels with the autoencoder's reconstruction: missing pixels start at the per-pixel mean of
 * the training images, then {@code iterations} times the image is reconstructed and only its missing pixels
 * are replaced (observed pixels never change). A model trained to inpaint ({@code model.type = inpainting})
 * fills them in one pass, from the input it was trained on ({@link BatchEncoder#inpaint}). On a table, the known truth of the masked pixels gives the
 * error of this imputation and of the mean fill it started from.
 */
public final class Imputer {
  public static final String IMPUTED = "imputed";
  public static final String MSE_MISSING = "mse_missing";
  public static final String MSE_MISSING_MEAN_FILL = "mse_missing_mean_fill";

  private Imputer() {}

  /**
   * Summary: rows imputed and the mean squared error over missing pixels, of the imputation and of the mean fill;
   * {@code inpainting} when the model is an inpainting model (one pass from its training input).
   */
  public record Result(long rows, double mseMissing, double mseMissingMeanFill, boolean inpainting, Dataset<Row> table) {}

  /**
   * Masks and imputes the rows of {@code cfg.split()} in {@code images}; the table has id, label, split,
   * imputed pixels and both errors per row (lazy until the result's counts, which are computed here).
   */
  public static Result run(SparkSession spark, AutoencoderModel model, Dataset<Row> images, ImputeConfig cfg, PixelMask mask, int channels,
      int batchSize, long seed) {
    ImageSchema.check(images.schema());
    float[] mean = trainMean(images);
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Broadcast<NetworkSnapshot> snap = jsc.broadcast(NetworkSnapshot.of(model));
    Dataset<Row> rows = images.where(functions.col(ImageSchema.SPLIT).equalTo(cfg.split()));
    int idIdx = rows.schema().fieldIndex(ImageSchema.ID);
    int labelIdx = rows.schema().fieldIndex(ImageSchema.LABEL);
    int splitIdx = rows.schema().fieldIndex(ImageSchema.SPLIT);
    int pxIdx = rows.schema().fieldIndex(ImageSchema.PIXELS);
    int iterations = cfg.iterations();
    boolean inpainting = !model.config().model().spec().trainingMasks(model.config().data().shape()).isEmpty();
    var out = rows.javaRDD().mapPartitions(it -> {
      BatchEncoder enc = BatchEncoder.of(snap.value());
      return new BatchedIterator<>(it, batchSize, batch -> {
        List<float[]> truth = new ArrayList<>();
        List<float[]> work = new ArrayList<>();
        List<boolean[]> missing = new ArrayList<>();
        for (Row r : batch) {
          float[] p = ImageSchema.pixels(r, pxIdx);
          truth.add(p);
          work.add(p.clone());
          missing.add(mask.missing(channels, (long) (Splits.unitHash(seed, r.getString(idIdx)) * Long.MAX_VALUE)));
        }
        if (inpainting) {
          work = new ArrayList<>(List.of(enc.inpaint(truth, missing)));
        } else {
          enc.fill(work, missing, mean, iterations);
        }
        List<Row> res = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
          Row r = batch.get(i);
          res.add(RowFactory.create(r.getString(idIdx), r.isNullAt(labelIdx) ? null : r.getString(labelIdx), r.getString(splitIdx),
              work.get(i), BatchEncoder.missingMse(work.get(i), truth.get(i), missing.get(i)), BatchEncoder.missingMse(mean, truth.get(i), missing.get(i))));
        }
        return res;
      });
    });
    StructType schema = new StructType()
        .add(ImageSchema.ID, DataTypes.StringType, false)
        .add(ImageSchema.LABEL, DataTypes.StringType, true)
        .add(ImageSchema.SPLIT, DataTypes.StringType, false)
        .add(IMPUTED, DataTypes.createArrayType(DataTypes.FloatType, false), false)
        .add(MSE_MISSING, DataTypes.DoubleType, false)
        .add(MSE_MISSING_MEAN_FILL, DataTypes.DoubleType, false);
    Dataset<Row> table = spark.createDataFrame(out, schema);
    Row agg = table.agg(functions.count(functions.lit(1)), functions.avg(MSE_MISSING), functions.avg(MSE_MISSING_MEAN_FILL)).first();
    long n = agg.getLong(0);
    if (n == 0) {
      throw new IllegalArgumentException("Nothing to impute: the dataset has no rows in the " + cfg.split() + " split (impute.split)");
    }
    return new Result(n, agg.getDouble(1), agg.getDouble(2), inpainting, table);
  }

  /** Per-pixel mean of the train split. */
  static float[] trainMean(Dataset<Row> images) {
    int px = images.schema().fieldIndex(ImageSchema.PIXELS);
    Dataset<Row> train = images.where(functions.col(ImageSchema.SPLIT).equalTo(ImageSchema.TRAIN));
    if (train.isEmpty()) {
      throw new IllegalArgumentException("Imputation starts missing pixels at the training mean, but the dataset has no train rows");
    }
    double[] sum = train.javaRDD()
        .map(r -> {
          float[] p = ImageSchema.pixels(r, px);
          double[] d = new double[p.length + 1];
          for (int i = 0; i < p.length; i++) {
            d[i] = p[i];
          }
          d[p.length] = 1;
          return d;
        })
        .reduce((a, b) -> {
          for (int i = 0; i < a.length; i++) {
            a[i] += b[i];
          }
          return a;
        });
    float[] mean = new float[sum.length - 1];
    for (int i = 0; i < mean.length; i++) {
      mean[i] = (float) (sum[i] / sum[sum.length - 1]);
    }
    return mean;
  }
}
