package io.latentspark.encode;

import io.latentspark.config.EncodeConfig;
import io.latentspark.data.ImageSchema;
import io.latentspark.model.AutoencoderModel;
import io.latentspark.util.Outputs;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/** Encodes image tables on Spark with a trained model and writes feature tables. */
public final class SparkEncoder {
  private SparkEncoder() {}

  /** The feature table of {@code images} with latent features and no error map (lazy; one row per input row). */
  public static Dataset<Row> encode(SparkSession spark, AutoencoderModel model, Dataset<Row> images, int batchSize) {
    return encode(spark, model, images, new EncodeConfig(batchSize, EncodeConfig.LATENT, false));
  }

  /** The feature table of {@code images} as {@code encode.*} says, on the engine it names (lazy; one row per input row). */
  public static Dataset<Row> encode(SparkSession spark, AutoencoderModel model, Dataset<Row> images, EncodeConfig cfg) {
    return encode(spark, engine(spark, model, cfg), images, cfg.batchSize());
  }

  /** The engine {@code encode.engine} names for {@code model} (its network broadcast, or exported to ONNX and broadcast). */
  public static FeatureEncoder engine(SparkSession spark, AutoencoderModel model, EncodeConfig cfg) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    return switch (cfg.engine()) {
      case DL4J -> Dl4jFeatures.of(jsc, model, cfg.layer(), cfg.errorMap());
      case ONNX -> OnnxFeatures.exported(jsc, model, cfg);
    };
  }

  /** The feature table of {@code images} made by {@code engine} in batches of {@code batchSize} (lazy; one row per input row). */
  public static Dataset<Row> encode(SparkSession spark, FeatureEncoder engine, Dataset<Row> images, int batchSize) {
    ImageSchema.check(images.schema());
    boolean errorMap = engine.errorMap();
    boolean logVar = engine.logVar();
    int pixelsIdx = images.schema().fieldIndex(ImageSchema.PIXELS);
    int idIdx = images.schema().fieldIndex(ImageSchema.ID);
    int pathIdx = images.schema().fieldIndex(ImageSchema.PATH);
    int labelIdx = images.schema().fieldIndex(ImageSchema.LABEL);
    int splitIdx = images.schema().fieldIndex(ImageSchema.SPLIT);
    JavaRDD<Row> rows = images.javaRDD().mapPartitions(it -> {
      FeatureEncoder.Batch enc = engine.open();
      return new BatchedIterator<>(it, batchSize, batch -> {
        List<float[]> px = new ArrayList<>(batch.size());
        for (Row r : batch) {
          px.add(ImageSchema.pixels(r, pixelsIdx));
        }
        BatchEncoder.Result res = enc.encode(px);
        List<Row> out = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
          Row r = batch.get(i);
          Object[] values = new Object[7 + (logVar ? 1 : 0) + (errorMap ? 1 : 0)];
          values[0] = r.getString(idIdx);
          values[1] = r.getString(pathIdx);
          values[2] = r.isNullAt(labelIdx) ? null : r.getString(labelIdx);
          values[3] = r.getString(splitIdx);
          values[4] = res.z()[i];
          values[5] = res.mse()[i];
          values[6] = res.bce()[i];
          int next = 7;
          if (logVar) {
            values[next++] = res.logVar()[i];
          }
          if (errorMap) {
            values[next] = res.errorMap()[i];
          }
          out.add(RowFactory.create(values));
        }
        return out;
      });
    });
    return spark.createDataFrame(rows, FeatureSchema.written(errorMap, logVar));
  }

  /** Mean per-pixel reconstruction MSE of {@code images} and their count, computed on the executors. */
  public static double[] meanMse(JavaSparkContext jsc, Broadcast<NetworkSnapshot> snap, Dataset<Row> images, int batchSize) {
    double[] t = PartitionSums.of(images, snap, batchSize, 1, (enc, partition) -> (px, sums) -> {
      for (double m : enc.encode(px).mse()) {
        sums[0] += m;
      }
    });
    return new double[] {t[1] == 0 ? Double.NaN : t[0] / t[1], t[1]};
  }

  /**
   * Writes a feature table as Parquet at {@code dir}, atomically: Spark writes into a hidden staging
   * directory that is renamed into place after the write committed. Existing output is refused unless overwrite.
   */
  public static void write(Dataset<Row> features, String dir, Configuration conf, boolean overwrite) {
    FeatureSchema.check(features.schema(), "The feature table to write");
    writeParquet(features, dir, conf, overwrite);
  }

  /** Writes any table as Parquet at {@code dir}, atomically (see {@link Outputs#writeAtomically}). */
  public static void writeParquet(Dataset<Row> table, String dir, Configuration conf, boolean overwrite) {
    Outputs.writeAtomically(new Path(dir), conf, overwrite,
        staging -> table.write().mode(SaveMode.ErrorIfExists).parquet(staging.toString()));
  }
}
