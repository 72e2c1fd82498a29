package io.latentspark.ml;

import io.latentspark.encode.BatchEncoder;
import io.latentspark.encode.BatchedIterator;
import io.latentspark.model.AutoencoderModel;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWriter;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;

/**
 * A trained autoencoder as a Spark ML Transformer: {@code transform} adds the latent code (an ML vector,
 * {@code outputCol}) and the per-row reconstruction MSE ({@code errorCol}) to every row; it refuses output
 * columns that already exist. Input rows hold pixel values in [0,1] as array&lt;float&gt;, array&lt;double&gt;
 * or an ML vector. Saved as Spark ML's params metadata plus a LatentSpark model directory ({@code model/}),
 * so it loads with {@link #load(String)} and inside a saved {@code PipelineModel}.
 */
public final class AutoencoderTransformer extends Model<AutoencoderTransformer> implements MLWritable {
  private static final long serialVersionUID = 1L;
  static final String MODEL_DIR = "model";

  private final String uid;
  private final transient AutoencoderModel model;

  final Param<String> inputCol;
  final Param<String> outputCol;
  final Param<String> errorCol;
  final IntParam batchSize;
  final Param<String> engine;

  public AutoencoderTransformer(String uid, AutoencoderModel model) {
    this.uid = uid;
    this.outputCol = new Param<>(uid, "outputCol", "output column for the latent code (vector)", Checks.nonBlank());
    this.batchSize = new IntParam(uid, "batchSize", "rows run through the network at once", ParamValidators.gt(0));
    this.inputCol = new Param<>(uid, "inputCol", "input column: pixels in [0,1] (array<float>, array<double> or vector)",
        Checks.nonBlank());
    this.errorCol = new Param<>(uid, "errorCol", "output column for the reconstruction MSE (double)", Checks.nonBlank());
    this.engine = new Param<>(uid, "engine", "what runs the network: dl4j (the trained network) or onnx (ONNX Runtime on the model exported to ONNX)",
        ParamValidators.inArray(new String[] {"dl4j", "onnx"}));
    this.model = model;
    setDefault(engine, "dl4j");
    setDefault(inputCol, "pixels");
    setDefault(outputCol, "z");
    setDefault(errorCol, "reconstruction_error");
    setDefault(batchSize, 512);
  }

  public AutoencoderTransformer(AutoencoderModel model) {
    this(Identifiable.randomUID("latentsparkAutoencoder"), model);
  }

  @Override
  public String uid() {
    return uid;
  }

  /** The trained LatentSpark model (network, normaliser, config, history). */
  public AutoencoderModel autoencoder() {
    return model;
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

  public AutoencoderTransformer setInputCol(String v) {
    set(inputCol, v);
    return this;
  }

  public AutoencoderTransformer setOutputCol(String v) {
    set(outputCol, v);
    return this;
  }

  public AutoencoderTransformer setErrorCol(String v) {
    set(errorCol, v);
    return this;
  }

  public Param<String> engine() {
    return engine;
  }

  /** {@code dl4j} (default) or {@code onnx}: ONNX Runtime on the executors, same codes within 1e-5. */
  public AutoencoderTransformer setEngine(String v) {
    set(engine, v);
    return this;
  }

  public AutoencoderTransformer setBatchSize(int v) {
    set(batchSize, v);
    return this;
  }

  @Override
  public StructType transformSchema(StructType schema) {
    return VectorColumns.outputSchema(schema, $(inputCol), $(outputCol), $(errorCol));
  }

  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    StructType out = transformSchema(dataset.schema());
    Dataset<Row> df = dataset.toDF();
    io.latentspark.config.EncodeEngine kind = "onnx".equals($(engine)) ? io.latentspark.config.EncodeEngine.ONNX : io.latentspark.config.EncodeEngine.DL4J;
    io.latentspark.encode.FeatureEncoder encoder = io.latentspark.encode.SparkEncoder.engine(df.sparkSession(), model,
        new io.latentspark.config.EncodeConfig((Integer) $(batchSize), io.latentspark.config.EncodeConfig.LATENT, false).withEngine(kind));
    int in = df.schema().fieldIndex($(inputCol));
    int width = df.schema().size();
    int bs = (Integer) $(batchSize);
    String col = $(inputCol);
    JavaRDD<Row> rows = df.javaRDD().mapPartitions(it -> {
      io.latentspark.encode.FeatureEncoder.Batch enc = encoder.open();
      return new BatchedIterator<>(it, bs, batch -> {
        List<float[]> px = new ArrayList<>(batch.size());
        for (Row r : batch) {
          float[] f = VectorColumns.floats(r, in);
          if (f == null) {
            throw new IllegalArgumentException("Input column " + col + " is null in a row; every row needs pixel values");
          }
          px.add(f);
        }
        BatchEncoder.Result res = enc.encode(px);
        List<Row> result = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
          Object[] v = new Object[width + 2];
          for (int c = 0; c < width; c++) {
            v[c] = batch.get(i).get(c);
          }
          double[] z = new double[res.z()[i].length];
          for (int k = 0; k < z.length; k++) {
            z[k] = res.z()[i][k];
          }
          v[width] = Vectors.dense(z);
          v[width + 1] = res.mse()[i];
          result.add(RowFactory.create(v));
        }
        return result;
      });
    });
    return df.sparkSession().createDataFrame(rows, out);
  }

  @Override
  public AutoencoderTransformer copy(ParamMap extra) {
    AutoencoderTransformer copy = new AutoencoderTransformer(uid, model);
    return copyValues(copy, extra).setParent(parent());
  }

  @Override
  public MLWriter write() {
    return new Writer(this);
  }

  @Override
  public void save(String path) throws java.io.IOException {
    write().save(path);
  }

  public static MLReader<AutoencoderTransformer> read() {
    return new Reader();
  }

  public static AutoencoderTransformer load(String path) {
    return read().load(path);
  }

  private static final class Writer extends MLWriter {
    private final AutoencoderTransformer instance;

    Writer(AutoencoderTransformer instance) {
      this.instance = instance;
    }

    @Override
    public void saveImpl(String path) {
      DefaultParamsWriter.saveMetadata(instance, path, sc(), scala.Option.empty(), scala.Option.empty());
      instance.model.save(new Path(path, MODEL_DIR).toString(), sc().hadoopConfiguration(), false);
    }
  }

  private static final class Reader extends MLReader<AutoencoderTransformer> {
    @Override
    public AutoencoderTransformer load(String path) {
      DefaultParamsReader.Metadata meta = DefaultParamsReader.loadMetadata(path, sc(), AutoencoderTransformer.class.getName());
      AutoencoderModel m = AutoencoderModel.load(new Path(path, MODEL_DIR).toString(), sc().hadoopConfiguration());
      AutoencoderTransformer t = new AutoencoderTransformer(meta.uid(), m);
      meta.getAndSetParams(t, scala.Option.empty());
      return t;
    }
  }
}
