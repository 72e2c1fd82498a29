package io.latentspark.ml;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import io.latentspark.config.ConfigError;
import io.latentspark.config.LatentSparkConfig;
import io.latentspark.data.ImageSchema;
import io.latentspark.data.Splits;
import io.latentspark.model.AutoencoderModel;
import io.latentspark.train.SparkTrainer;
import io.latentspark.train.TrainingRun;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.storage.StorageLevel;
import scala.Tuple2;

/**
 * Spark ML Estimator that trains a LatentSpark autoencoder on a DataFrame column of pixel values in [0,1]
 * (array&lt;float&gt;, array&lt;double&gt; or ML vector) and returns an {@link AutoencoderTransformer}.
 * Model and training settings come from {@code config}: HOCON text with the same keys as a config file
 * (e.g. {@code "model.latentSize = 16\ntrain.epochs = 5"}), validated when set. Rows are split into train and
 * validation by a seeded hash of their position (data.validationFraction). The image shape is
 * height x width x channels; 0 = a flat vector (1 x length x 1).
 */
public final class AutoencoderEstimator extends Estimator<AutoencoderTransformer> implements DefaultParamsWritable {
  private static final long serialVersionUID = 1L;

  private final String uid;

  final Param<String> inputCol;
  final Param<String> outputCol;
  final Param<String> errorCol;
  final IntParam batchSize;
  final Param<String> config;
  final IntParam height;
  final IntParam width;
  final IntParam channels;
  final Param<String> checkpointDir;

  public AutoencoderEstimator(String uid) {
    this.uid = uid;
    this.outputCol = new Param<>(uid, "outputCol", "output column for the latent code (vector)", Checks.nonBlank());
    this.batchSize = new IntParam(uid, "batchSize", "rows run through the network at once when transforming", ParamValidators.gt(0));
    this.height = new IntParam(uid, "height", "image height (0 = flat vector)", ParamValidators.gtEq(0));
    this.channels = new IntParam(uid, "channels", "image channels, 1 or 3 (0 = flat vector)", ParamValidators.inArray(new int[] {0, 1, 3}));
    this.inputCol = new Param<>(uid, "inputCol", "input column: pixels in [0,1] (array<float>, array<double> or vector)",
        Checks.nonBlank());
    this.errorCol = new Param<>(uid, "errorCol", "output column for the reconstruction MSE (double)", Checks.nonBlank());
    this.config = new Param<>(uid, "config", "LatentSpark settings as HOCON text (model.*, train.*, data.normalize, ...)");
    this.width = new IntParam(uid, "width", "image width (0 = flat vector)", ParamValidators.gtEq(0));
    this.checkpointDir = new Param<>(uid, "checkpointDir", "directory for per-epoch checkpoints (\"\" = none)");
    setDefault(inputCol, "pixels");
    setDefault(outputCol, "z");
    setDefault(errorCol, "reconstruction_error");
    setDefault(batchSize, 512);
    setDefault(config, "");
    setDefault(height, 0);
    setDefault(width, 0);
    setDefault(channels, 0);
    setDefault(checkpointDir, "");
  }

  public AutoencoderEstimator() {
    this(Identifiable.randomUID("latentsparkAutoencoderEstimator"));
  }

  @Override
  public String uid() {
    return uid;
  }

  public Param<String> inputCol() {
    return inputCol;
  }

  public Param<String> outputCol() {
    return outputCol;
  }

  public Param<String> errorCol() {
    return errorCol;
  }

  public IntParam batchSize() {
    return batchSize;
  }

  public Param<String> config() {
    return config;
  }

  public IntParam height() {
    return height;
  }

  public IntParam width() {
    return width;
  }

  public IntParam channels() {
    return channels;
  }

  public Param<String> checkpointDir() {
    return checkpointDir;
  }

  public AutoencoderEstimator setInputCol(String v) {
    set(inputCol, v);
    return this;
  }

  public AutoencoderEstimator setOutputCol(String v) {
    set(outputCol, v);
    return this;
  }

  public AutoencoderEstimator setErrorCol(String v) {
    set(errorCol, v);
    return this;
  }

  public AutoencoderEstimator setBatchSize(int v) {
    set(batchSize, v);
    return this;
  }

  /** Sets and validates the settings (unknown keys and bad values throw {@link ConfigError} naming the key). */
  public AutoencoderEstimator setConfig(String hocon) {
    parseConfig(hocon);
    set(config, hocon);
    return this;
  }

  public AutoencoderEstimator setImageShape(int h, int w, int c) {
    set(height, h);
    set(width, w);
    set(channels, c);
    return this;
  }

  public AutoencoderEstimator setCheckpointDir(String v) {
    set(checkpointDir, v);
    return this;
  }

  static LatentSparkConfig parseConfig(String hocon) {
    try {
      return LatentSparkConfig.fromConfig(ConfigFactory.parseString(hocon == null ? "" : hocon));
    } catch (ConfigException e) {
      throw new ConfigError("The estimator's config is not valid HOCON: " + e.getMessage());
    }
  }

  @Override
  public org.apache.spark.sql.types.StructType transformSchema(org.apache.spark.sql.types.StructType schema) {
    return VectorColumns.outputSchema(schema, $(inputCol), $(outputCol), $(errorCol));
  }

  @Override
  public AutoencoderTransformer fit(Dataset<?> dataset) {
    transformSchema(dataset.schema());
    Dataset<Row> df = dataset.toDF();
    String col = $(inputCol);
    int in = df.schema().fieldIndex(col);
    Row first = df.where(df.col(col).isNotNull()).select(col).first();
    int n = VectorColumns.floats(first, 0).length;
    int h = (Integer) $(height);
    int w = (Integer) $(width);
    int c = (Integer) $(channels);
    if (h == 0 && w == 0 && c == 0) {
      h = 1;
      w = n;
      c = 1;
    } else if (h * w * c != n) {
      throw new IllegalArgumentException("Image shape " + c + "x" + h + "x" + w + " (channels x height x width) has " + (h * w * c)
          + " values but input column " + col + " has " + n);
    }
    LatentSparkConfig cfg = parseConfig($(config)).withOverrides(List.of("data.height=" + h, "data.width=" + w, "data.channels=" + c));
    long seed = cfg.seed();
    double validation = cfg.data().validationFraction();
    JavaRDD<Row> rows = df.javaRDD().zipWithIndex().map((Tuple2<Row, Long> t) -> {
      float[] px = VectorColumns.floats(t._1(), in);
      if (px == null || px.length != n) {
        throw new IllegalArgumentException("Row " + t._2() + " of input column " + col + " has "
            + (px == null ? "no value" : px.length + " values") + "; every row needs " + n);
      }
      String id = "row-" + t._2();
      return RowFactory.create(id, "", null, Splits.trainOrValidation(seed, id, validation), px);
    });
    Dataset<Row> images = df.sparkSession().createDataFrame(rows, ImageSchema.SCHEMA).persist(StorageLevel.MEMORY_AND_DISK());
    try {
      String checkpoints = $(checkpointDir).isEmpty() ? null : $(checkpointDir);
      AutoencoderModel model = new SparkTrainer(cfg).train(df.sparkSession(), images,
          new TrainingRun("spark-ml:" + uid, checkpoints, null, null));
      AutoencoderTransformer t = new AutoencoderTransformer(model);
      copyValues(t, ParamMap.empty());
      return t.setParent(this);
    } finally {
      images.unpersist();
    }
  }

  @Override
  public AutoencoderEstimator copy(ParamMap extra) {
    return defaultCopy(extra);
  }

  public static MLReader<AutoencoderEstimator> read() {
    return new DefaultParamsReader<>();
  }

  public static AutoencoderEstimator load(String path) {
    return read().load(path);
  }
}
