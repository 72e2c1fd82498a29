package io.latentspark.encode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.latentspark.SparkTestBase;
import io.latentspark.TestData;
import io.latentspark.config.EncodeEngine;
import io.latentspark.config.LatentSparkConfig;
import io.latentspark.config.RunLayout;
import io.latentspark.data.ImageSchema;
import io.latentspark.data.ImageSources;
import io.latentspark.model.AutoencoderModel;
import io.latentspark.pipeline.Pipeline;
import io.latentspark.train.LocalTrainer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code encode.engine = onnx} (ONNX Runtime on the executors, local[2]) writes the feature table the DL4J engine
 * writes, column for column, for a trained dense and a trained VAE model; and an encoder trained in PyTorch
 * (fixtures/onnx, made by make_torch_fixture.py) encodes MNIST through {@code encode --onnx} into codes equal to
 * PyTorch's own within 1e-5, its decoder giving PyTorch's reconstruction errors.
 */
class OnnxEncodeTest extends SparkTestBase {
  static final Path FIXTURE = Paths.get("src/test/resources/fixtures/onnx");

  @Test
  void theOnnxEngineWritesTheTableTheDl4jEngineWrites() {
    for (List<String> sets : List.of(List.of("data.normalize=standardize", "model.outputActivation=identity"), List.of("model.type=vae", "model.loss=bce"))) {
      List<String> all = new ArrayList<>(List.of("data.synthetic.trainCount=600", "data.synthetic.testCount=200", "data.height=12",
          "data.width=12", "model.encoderLayers=[32]", "model.latentSize=5", "train.epochs=2", "encode.batchSize=50", "encode.errorMap=true"));
      all.addAll(sets);
      LatentSparkConfig cfg = TestData.config(all.toArray(String[]::new));
      Dataset<Row> images = ImageSources.load(spark, cfg.data(), cfg.seed()).images().cache();
      List<float[]> train = new ArrayList<>();
      for (Row r : images.where("split = 'train'").collectAsList()) {
        train.add(ImageSchema.pixels(r, r.fieldIndex(ImageSchema.PIXELS)));
      }
      AutoencoderModel model = new LocalTrainer(cfg).train(train, "synthetic");
      Dataset<Row> dl4j = SparkEncoder.encode(spark, model, images, cfg.encode());
      Dataset<Row> onnx = SparkEncoder.encode(spark, model, images, cfg.encode().withEngine(EncodeEngine.ONNX));
      assertEquals(dl4j.schema(), onnx.schema(), "same columns " + sets);
      Map<String, Row> byId = new HashMap<>();
      for (Row r : dl4j.collectAsList()) {
        byId.put(r.getString(0), r);
      }
      List<Row> rows = onnx.collectAsList();
      assertEquals(byId.size(), rows.size());
      List<String> arrays = new ArrayList<>(List.of(FeatureSchema.Z, FeatureSchema.ERROR_MAP));
      if (sets.contains("model.type=vae")) {
        arrays.add(FeatureSchema.Z_LOG_VAR);
      }
      for (Row o : rows) {
        Row d = byId.get(o.getString(0));
        for (int c = 0; c < 4; c++) {
          assertEquals(d.get(c), o.get(c), "column " + c + " of " + o.getString(0));
        }
        for (String col : arrays) {
          List<Float> a = d.getList(d.fieldIndex(col));
          List<Float> b = o.getList(o.fieldIndex(col));
          assertEquals(a.size(), b.size());
          for (int k = 0; k < a.size(); k++) {
            assertEquals(a.get(k), b.get(k), 1e-5, col + "[" + k + "] of " + o.getString(0) + " " + sets);
          }
        }
        assertEquals(d.getDouble(d.fieldIndex(FeatureSchema.RECONSTRUCTION_ERROR)), o.getDouble(o.fieldIndex(FeatureSchema.RECONSTRUCTION_ERROR)),
            1e-6, "reconstruction MSE of " + o.getString(0) + " " + sets);
        // the cross-entropy is compared for the sigmoid output only: an identity output's reconstructions cross 0, where
        // the clamp at 1e-7 turns their 1e-7 differences into differences of log(1e-7) vs log(2e-7)
        if (sets.contains("model.loss=bce")) {
          double bce = d.getDouble(d.fieldIndex(FeatureSchema.RECONSTRUCTION_BCE));
          assertEquals(bce, o.getDouble(o.fieldIndex(FeatureSchema.RECONSTRUCTION_BCE)), 1e-5 * Math.max(1, bce), "BCE of " + o.getString(0) + " " + sets);
        }
      }
      images.unpersist();
    }
  }

  @Test
  void aPyTorchEncoderEncodesMnistThroughOnnxIntoPyTorchsCodes(@TempDir Path dir) throws IOException {
    Path mnist = TestData.dataset("mnist");
    LatentSparkConfig cfg = TestData.config("data.format=idx", "data.path=" + mnist, "encode.onnx.mean=[0.1307]", "encode.onnx.std=[0.3081]",
        "encode.batchSize=500");
    RunLayout out = new RunLayout(dir.toString());
    var r = Pipeline.encodeOnnx(spark, cfg, FIXTURE.resolve("torch-conv-encoder.onnx").toString(),
        FIXTURE.resolve("torch-decoder.onnx").toString(), out, false);
    assertEquals(70000, r.rowsWritten());
    Map<String, String[]> expected = new HashMap<>();
    for (String line : Files.readAllLines(FIXTURE.resolve("torch-expected.csv")).subList(1, 33)) {
      String[] f = line.split(",");
      expected.put(f[0], f);
    }
    Dataset<Row> features = spark.read().parquet(out.features());
    FeatureSchema.check(features.schema(), out.features());
    List<Row> rows = features.where(features.col("id").isin(expected.keySet().toArray())).collectAsList();
    assertEquals(32, rows.size());
    for (Row row : rows) {
      String[] e = expected.get(row.getString(0));
      List<Float> z = row.getList(row.fieldIndex(FeatureSchema.Z));
      assertEquals(6, z.size());
      for (int k = 0; k < 6; k++) {
        assertEquals(Double.parseDouble(e[1 + k]), z.get(k), 1e-5, "z" + k + " of " + row.getString(0));
      }
      assertEquals(Double.parseDouble(e[7]), row.getDouble(row.fieldIndex(FeatureSchema.RECONSTRUCTION_ERROR)), 1e-6,
          "reconstruction MSE of " + row.getString(0));
    }
  }

  @Test
  void anEncoderThatDoesNotFitTheImagesFailsNamingTheFileAndShapes(@TempDir Path dir) {
    LatentSparkConfig cfg = TestData.config("data.synthetic.trainCount=20", "data.synthetic.testCount=10", "data.height=12", "data.width=12");
    String encoder = FIXTURE.resolve("torch-conv-encoder.onnx").toString();
    var e = assertThrows(IllegalArgumentException.class,
        () -> Pipeline.encodeOnnx(spark, cfg, encoder, null, new RunLayout(dir.toString()), false));
    assertTrue(e.getMessage().contains(encoder) && e.getMessage().contains("[-1, 1, 28, 28]") && e.getMessage().contains("1 x 12 x 12"),
        e.getMessage());
    var missing = assertThrows(IllegalArgumentException.class,
        () -> Pipeline.encodeOnnx(spark, cfg, dir.resolve("nope.onnx").toString(), null, new RunLayout(dir.toString()), false));
    assertTrue(missing.getMessage().contains("nope.onnx") && missing.getMessage().contains("does not exist"), missing.getMessage());
    assertTrue(!Files.exists(dir.resolve("features")), "nothing written");
  }
}
