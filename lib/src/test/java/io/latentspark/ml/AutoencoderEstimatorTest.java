package io.latentspark.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.latentspark.SparkTestBase;
import io.latentspark.TestData;
import io.latentspark.config.ConfigError;
import io.latentspark.config.LatentSparkConfig;
import io.latentspark.data.ImageSources;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AutoencoderEstimatorTest extends SparkTestBase {
  static final String SETTINGS = "model.encoderLayers = [32]\nmodel.latentSize = 6\ntrain.epochs = 3\ntrain.batchSizePerWorker = 32";
  static Dataset<Row> data;

  @BeforeAll
  static void loadData() {
    LatentSparkConfig cfg = TestData.config("data.synthetic.trainCount=800", "data.synthetic.testCount=200", "data.height=12",
        "data.width=12");
    // a plain DataFrame as a user would have one: an id, a label and an array<float> column named "image"
    data = ImageSources.load(spark, cfg.data(), cfg.seed()).images()
        .select(functions.col("id"), functions.col("label"), functions.col("pixels").as("image"))
        .cache();
  }

  private static AutoencoderEstimator estimator() {
    return new AutoencoderEstimator().setInputCol("image").setOutputCol("code").setConfig(SETTINGS).setImageShape(12, 12, 1);
  }

  @Test
  void fitTransformsSavesAndLoads(@TempDir Path dir) throws Exception {
    AutoencoderTransformer model = estimator().fit(data);
    assertEquals(3, model.autoencoder().history().size());
    List<EpochLoss> losses = model.autoencoder().history().stream().map(e -> new EpochLoss(e.validationMse())).toList();
    assertTrue(losses.get(2).mse() < losses.get(0).mse(), "validation loss must go down: " + losses);

    Dataset<Row> out = model.transform(data);
    assertEquals(List.of("id", "label", "image", "code", "reconstruction_error"), List.of(out.columns()));
    Row r = out.first();
    assertEquals(6, ((Vector) r.getAs("code")).size());
    assertTrue(r.<Double>getAs("reconstruction_error") > 0);

    String path = dir.resolve("ae").toString();
    model.write().save(path);
    AutoencoderTransformer loaded = AutoencoderTransformer.load(path);
    assertEquals(model.uid(), loaded.uid());
    assertEquals("code", loaded.getOrDefault(loaded.outputCol()));
    List<Row> a = out.orderBy("id").limit(50).select("code").collectAsList();
    List<Row> b = loaded.transform(data).orderBy("id").limit(50).select("code").collectAsList();
    for (int i = 0; i < a.size(); i++) {
      assertArrayEquals(((Vector) a.get(i).get(0)).toArray(), ((Vector) b.get(i).get(0)).toArray(), 0.0);
    }

    // the ONNX engine (ONNX Runtime on the executors), chosen as a param and saved with the transformer
    loaded.setEngine("onnx");
    loaded.write().overwrite().save(path);
    AutoencoderTransformer onnx = AutoencoderTransformer.load(path);
    assertEquals("onnx", onnx.getOrDefault(onnx.engine()));
    List<Row> c = onnx.transform(data).orderBy("id").limit(50).select("code", "reconstruction_error").collectAsList();
    List<Row> d = out.orderBy("id").limit(50).select("code", "reconstruction_error").collectAsList();
    for (int i = 0; i < c.size(); i++) {
      assertArrayEquals(((Vector) d.get(i).get(0)).toArray(), ((Vector) c.get(i).get(0)).toArray(), 1e-5);
      assertEquals(d.get(i).getDouble(1), c.get(i).getDouble(1), 1e-6);
    }
    assertThrows(IllegalArgumentException.class, () -> model.setEngine("tensorrt"));

    var clash = assertThrows(IllegalArgumentException.class, () -> model.transform(out));
    assertTrue(clash.getMessage().contains("Output column code already exists"), clash.getMessage());
    var wrongType = assertThrows(IllegalArgumentException.class, () -> model.setInputCol("label").transform(data));
    assertTrue(wrongType.getMessage().contains("Input column label has type string"), wrongType.getMessage());
  }

  record EpochLoss(double mse) {}

  @Test
  void worksInsideASavedPipeline(@TempDir Path dir) throws Exception {
    Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {
        estimator(),
        new StringIndexer().setInputCol("label").setOutputCol("y"),
        new LogisticRegression().setFeaturesCol("code").setLabelCol("y").setMaxIter(50)});
    PipelineModel fitted = pipeline.fit(data);
    Dataset<Row> predicted = fitted.transform(data);
    double accuracy = predicted.where("prediction = y").count() / (double) predicted.count();
    assertTrue(accuracy > 0.2, "a probe on 6-d codes of 10 shapes after 3 epochs beats chance (0.1) twice over: " + accuracy);

    String path = dir.resolve("pipeline").toString();
    fitted.write().save(path);
    PipelineModel back = PipelineModel.load(path);
    assertEquals(predicted.orderBy("id").select("id", "prediction").collectAsList(),
        back.transform(data).orderBy("id").select("id", "prediction").collectAsList());

    // an unfitted estimator saves and loads with its params
    String estPath = dir.resolve("estimator").toString();
    estimator().write().save(estPath);
    AutoencoderEstimator est = AutoencoderEstimator.load(estPath);
    assertEquals(SETTINGS, est.getOrDefault(est.config()));
    assertEquals(12, est.getOrDefault(est.height()));
  }

  @Test
  void refusesBadSettingsWhenSet() {
    var e = assertThrows(ConfigError.class, () -> new AutoencoderEstimator().setConfig("model.latentSize = -3"));
    assertTrue(e.getMessage().contains("model.latentSize") && e.getMessage().contains("-3"), e.getMessage());
    var shape = assertThrows(IllegalArgumentException.class,
        () -> new AutoencoderEstimator().setInputCol("image").setImageShape(10, 10, 1).fit(data));
    assertTrue(shape.getMessage().contains("has 100 values but input column image has 144"), shape.getMessage());
  }
}
