package io.latentspark.analysis;

import io.latentspark.spec.PixelMask;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.latentspark.SparkTestBase;
import io.latentspark.TestData;
import io.latentspark.config.EncodeConfig;
import io.latentspark.config.LatentSparkConfig;
import io.latentspark.data.ImageSchema;
import io.latentspark.data.SyntheticFolder;
import io.latentspark.encode.BatchEncoder;
import io.latentspark.encode.FeatureSchema;
import io.latentspark.encode.NetworkSnapshot;
import io.latentspark.encode.SparkEncoder;
import io.latentspark.pipeline.EvaluateAction;
import io.latentspark.pipeline.ImputeAction;
import io.latentspark.pipeline.PcaAction;
import io.latentspark.pipeline.SearchAction;
import io.latentspark.pipeline.Pipeline;
import io.latentspark.config.RunLayout;
import io.latentspark.util.Json;
import java.awt.image.BufferedImage;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The applications on a real small run: an image folder of synthetic PNGs through the pipeline on local[2]. */
class ApplicationsTest extends SparkTestBase {
  @TempDir
  static Path dir;
  static LatentSparkConfig cfg;
  static RunLayout out;
  static Pipeline.PipelineResult run;
  static Path images;

  @BeforeAll
  static void runPipeline() {
    images = dir.resolve("images");
    cfg = TestData.config("data.format=image-folder", "data.path=" + images, "data.height=16", "data.width=16", "data.testFraction=0.2",
        "model.encoderLayers=[64]", "model.latentSize=8", "train.epochs=4", "train.batchSizePerWorker=32", "export.sampleSize=300",
        "export.tsne.sampleSize=200", "export.tsne.iterations=300", "evaluate.k=3");
    SyntheticFolder.write(spark, cfg.data(), cfg.seed(), 1500, images.toString(), false);
    out = new RunLayout(dir.resolve("run").toString());
    run = Pipeline.run(spark, cfg, out, false);
  }

  @Test
  void exportHasSpriteAndTsneMap() throws Exception {
    Path export = Path.of(out.export());
    String pbtxt = Files.readString(export.resolve("projector_config.pbtxt"));
    assertTrue(pbtxt.contains("image_path: \"sprite.png\"") && pbtxt.contains("single_image_dim: 16"), pbtxt);
    BufferedImage sprite = ImageIO.read(export.resolve("sprite.png").toFile());
    int rows = run.exported().projector().rows();
    int columns = (int) Math.ceil(Math.sqrt(rows));
    assertEquals(columns * 16, sprite.getWidth());
    // the first thumbnail is the first exported row's image: compare with the decoded file
    String firstId = Files.readAllLines(export.resolve("metadata.tsv")).get(1).split("\t")[0];
    Row first = Pipeline.loadImages(spark, cfg).images().where(functions.col(ImageSchema.ID).equalTo(firstId)).first();
    assertNotNull(first);
    float[] px = ImageSchema.pixels(first, first.fieldIndex(ImageSchema.PIXELS));
    assertEquals(Math.round(px[5 * 16 + 7] * 255), sprite.getRGB(7, 5) & 0xff, 1);

    List<String> points = Files.readAllLines(Path.of(out.tsne(), "points.csv"));
    assertEquals("id,label,split,x,y", points.get(0));
    assertEquals(run.exported().tsne().points() + 1, points.size());
    assertTrue(Math.abs(run.exported().tsne().points() - 200) <= 10, "stratified sample of about 200: " + run.exported().tsne().points());
    assertNotNull(ImageIO.read(Path.of(out.tsne(), "scatter.png").toFile()));
  }

  @Test
  void featureTableHasBceAndOptionalLayerAndErrorMap() {
    Dataset<Row> features = spark.read().parquet(out.features());
    Row r = features.first();
    double mse = r.getDouble(r.fieldIndex(FeatureSchema.RECONSTRUCTION_ERROR));
    double bce = r.getDouble(r.fieldIndex(FeatureSchema.RECONSTRUCTION_BCE));
    assertTrue(bce > 0 && Double.isFinite(bce) && mse > 0);

    Dataset<Row> imgs = Pipeline.loadImages(spark, cfg).images();
    Row e = SparkEncoder.encode(spark, run.model(), imgs, new EncodeConfig(64, 0, true)).first();
    assertEquals(64, e.getList(e.fieldIndex(FeatureSchema.Z)).size(), "layer 0 is the 64-unit hidden layer");
    List<Float> map = e.getList(e.fieldIndex(FeatureSchema.ERROR_MAP));
    assertEquals(256, map.size());
    double mean = map.stream().mapToDouble(Float::doubleValue).average().orElseThrow();
    assertEquals(e.getDouble(e.fieldIndex(FeatureSchema.RECONSTRUCTION_ERROR)), mean, 1e-6);
    var err = assertThrows(IllegalArgumentException.class, () -> SparkEncoder.encode(spark, run.model(), imgs, new EncodeConfig(64, 2, false)));
    assertTrue(err.getMessage().contains("Cannot set encode.layer to 2: the model's encoder layers are 0..1"), err.getMessage());
  }

  @Test
  void evaluatesAutoencoderAndPcaSideBySide() {
    RunLayout eval = new RunLayout(dir.resolve("eval").toString());
    PcaAction.Result pca = new PcaAction(spark, cfg, eval).execute();
    assertEquals(8, pca.dimension());
    var r = new EvaluateAction(spark, cfg, eval).tables(Map.of("autoencoder", out.features(), "pca", eval.pcaFeatures())).execute();
    JsonNode json = Json.read(r.json());
    for (String name : List.of("autoencoder", "pca")) {
      JsonNode s = json.get(name);
      assertEquals(8, s.get("dimensions").asInt());
      assertEquals(10, s.get("labels").asInt());
      // 10 shape classes, chance is 0.1; a 4-epoch model on 1200 images is far from its best
      assertTrue(s.get("knn_accuracy").asDouble() > 0.4, name + " kNN " + s.get("knn_accuracy"));
      assertTrue(s.get("linear_probe_accuracy").asDouble() > 0.3, name + " probe " + s.get("linear_probe_accuracy"));
    }
    assertEquals(json.get("pca").get("mean_mse_by_split").get("test").asDouble(), pca.meanMseBySplit().get("test"), 1e-12);
  }

  @Test
  void anomalyThresholdsFlagsAndAurocAgreeWithALocalComputation() {
    LatentSparkConfig c = cfg.withOverrides(List.of("anomaly.normalLabels=[disc, square]", "anomaly.quantile=0.9"));
    Dataset<Row> features = spark.read().parquet(out.features());
    AnomalyDetector.Result r = AnomalyDetector.run(features, c.anomaly());
    double t = r.thresholds().get("");
    // about 10% of the normal training rows lie above the 0.9 quantile
    List<Row> calib = features.where("split = 'train' and label in ('disc', 'square')").select(FeatureSchema.RECONSTRUCTION_ERROR).collectAsList();
    long above = calib.stream().filter(x -> x.getDouble(0) > t).count();
    assertEquals(0.1, (double) above / calib.size(), 0.02);
    // AUROC computed on Spark equals the one computed here from the collected scores
    List<Row> test = features.where("split = 'test'").select(FeatureSchema.RECONSTRUCTION_ERROR, ImageSchema.LABEL).collectAsList();
    double[] scores = test.stream().mapToDouble(x -> x.getDouble(0)).toArray();
    boolean[] positive = new boolean[scores.length];
    for (int i = 0; i < positive.length; i++) {
      String l = test.get(i).getString(1);
      positive[i] = !l.equals("disc") && !l.equals("square");
    }
    assertEquals(Auroc.of(scores, positive), r.auroc(), 1e-12);
    assertEquals(test.size(), r.scoredRows());
    assertEquals(r.flagged().where("anomaly").count(), r.flaggedRows());

    AnomalyDetector.Result perLabel = AnomalyDetector.run(features, cfg.withOverrides(List.of("anomaly.perLabel=true")).anomaly());
    assertEquals(10, perLabel.thresholds().size());
    assertNotEquals(perLabel.thresholds().get("disc"), perLabel.thresholds().get("cross"));
  }

  @Test
  void searchReturnsTheQueryImageFirst() throws Exception {
    Path query;
    try (Stream<Path> files = Files.walk(images.resolve("ring"))) {
      query = files.filter(p -> p.toString().endsWith(".png")).sorted().findFirst().orElseThrow();
    }
    RunLayout s = new RunLayout(dir.resolve("search").toString());
    var hits = new SearchAction(spark, cfg.withOverrides(List.of("search.k=5")), s).model(out.model()).features(out.features())
        .queries(List.of(query.toString())).execute().hits();
    assertEquals(5, hits.size());
    assertTrue(hits.get(0).path().endsWith(query.getFileName().toString()) && hits.get(0).path().contains("ring"), hits.get(0).toString());
    assertEquals(0.0, hits.get(0).distance(), 1e-5);
    for (int i = 1; i < hits.size(); i++) {
      assertTrue(hits.get(i).distance() >= hits.get(i - 1).distance());
      assertEquals(i + 1, hits.get(i).rank());
    }
    assertEquals(6, Files.readAllLines(Path.of(s.search())).size());
    var missing = assertThrows(RuntimeException.class, () -> new SearchAction(spark, cfg, new RunLayout(dir.resolve("search2").toString()))
        .model(out.model()).features(out.features()).queries(List.of(dir.resolve("nope.png").toString())).execute());
    assertTrue(missing.getMessage().contains("nope.png"), missing.getMessage());
  }

  @Test
  void imputationKeepsObservedPixelsAndFillsMissingOnes() {
    BatchEncoder enc = BatchEncoder.of(NetworkSnapshot.of(run.model()));
    Dataset<Row> imgs = Pipeline.loadImages(spark, cfg).images().where("split = 'test'").limit(20);
    List<float[]> truth = new ArrayList<>();
    for (Row r : imgs.collectAsList()) {
      truth.add(ImageSchema.pixels(r, r.fieldIndex(ImageSchema.PIXELS)));
    }
    PixelMask mask = PixelMask.parse("bottom:0.5", 16, 16);
    List<float[]> work = new ArrayList<>();
    List<boolean[]> missing = new ArrayList<>();
    for (float[] t : truth) {
      float[] w = t.clone();
      boolean[] m = mask.missing(1, 1);
      for (int p = 0; p < w.length; p++) {
        if (m[p]) {
          w[p] = -1; // a value no imputation produces
        }
      }
      work.add(w);
      missing.add(m);
    }
    float[] start = new float[256];
    java.util.Arrays.fill(start, 0.25f);
    enc.fill(work, missing, start, 3);
    for (int i = 0; i < truth.size(); i++) {
      for (int p = 0; p < 256; p++) {
        if (missing.get(i)[p]) {
          assertTrue(work.get(i)[p] >= 0 && work.get(i)[p] <= 1);
        } else {
          assertEquals(truth.get(i)[p], work.get(i)[p]);
        }
      }
    }
    assertFalse(java.util.Arrays.equals(truth.get(0), work.get(0)));

    RunLayout imp = new RunLayout(dir.resolve("impute").toString());
    var r = new ImputeAction(spark, cfg, imp).model(out.model()).execute();
    assertEquals(spark.read().parquet(out.features()).where("split = 'test'").count(), r.rows());
    assertTrue(Double.isFinite(r.mseMissing()) && r.mseMissing() > 0 && Double.isFinite(r.mseMissingMeanFill()));
    var bad = assertThrows(io.latentspark.config.ConfigError.class,
        () -> new ImputeAction(spark, cfg.withOverrides(List.of("impute.mask=\"rect:10,10,8,8\"")), imp).model(out.model()).overwrite(true).execute());
    assertTrue(bad.getMessage().contains("impute.mask") && bad.getMessage().contains("inside the 16x16 image"), bad.getMessage());
    assertTrue(new File(imp.imputed()).isDirectory());
  }

  /**
   * compress: the bytes in the table are the codes a receiver decodes (the stored code decodes to the levels of the
   * image's own code, and the network's decoding of the dequantised levels has the table's error); more bits cost
   * more bytes and give lower error; JPEG rows hold real JPEG files of the images.
   */
  @Test
  void compressionStoresDecodableCodesAndMeasuresTheirError() throws Exception {
    LatentSparkConfig c = cfg.withOverrides(List.of("compress.bits=[2, 6]", "compress.jpegQualities=[10, 90]"));
    RunLayout co = new RunLayout(dir.resolve("compress").toString());
    var r = new io.latentspark.pipeline.CompressAction(spark, c, co).model(out.model()).execute();
    Map<String, Compression.Point> byKey = new java.util.HashMap<>();
    for (Compression.Point p : r.points()) {
      byKey.put(p.codec() + p.setting(), p);
    }
    assertEquals(5, byKey.size(), r.points().toString());
    long testRows = Pipeline.loadImages(spark, cfg).images().where("split = 'test'").count();
    for (Compression.Point p : r.points()) {
      assertEquals(testRows, p.images(), p.toString());
    }
    Compression.Point two = byKey.get("autoencoder2");
    Compression.Point six = byKey.get("autoencoder6");
    Compression.Point flt = byKey.get("autoencoder-float3232");
    assertTrue(two.bitsPerImage() < six.bitsPerImage() && six.bitsPerImage() < 8 * 6 + 16, two + " / " + six);
    assertTrue(two.mse() > six.mse() && six.mse() > flt.mse() * 0.98, two + " / " + six + " / " + flt);
    assertTrue(byKey.get("jpeg10").mse() > byKey.get("jpeg90").mse() && byKey.get("jpeg90").bitsPerImage() > byKey.get("jpeg90").scanBitsPerImage());
    Path dirOut = Path.of(co.compression());
    String csv = Files.readString(dirOut.resolve("rate-distortion.csv"));
    assertTrue(csv.startsWith("codec,setting,images,bits_per_image") && csv.contains("autoencoder,6,"), csv);
    assertTrue(ImageIO.read(dirOut.resolve("rate-distortion.png").toFile()).getWidth() == 800);

    // decode the stored codes with codec.json alone, as a receiver would
    JsonNode codec = Json.read(Files.readString(dirOut.resolve("codec.json")));
    int d = codec.get("latentSize").asInt();
    float[] lo = new float[d];
    float[] hi = new float[d];
    int[][] tables = new int[d][];
    for (int k = 0; k < d; k++) {
      lo[k] = (float) codec.get("lo").get(k).asDouble();
      hi[k] = (float) codec.get("hi").get(k).asDouble();
      JsonNode t = codec.get("tables").get("6").get(k);
      tables[k] = new int[t.size()];
      for (int j = 0; j < t.size(); j++) {
        tables[k][j] = t.get(j).asInt();
      }
    }
    Dataset<Row> codes = spark.read().parquet(dirOut.resolve("codes").toString());
    List<Row> six20 = codes.where("codec = 'autoencoder' and setting = 6").orderBy("id").limit(20).collectAsList();
    Map<String, float[]> pixels = new java.util.HashMap<>();
    for (Row img : Pipeline.loadImages(spark, cfg).images().where("split = 'test'").collectAsList()) {
      pixels.put(img.getString(img.fieldIndex(ImageSchema.ID)), ImageSchema.pixels(img, img.fieldIndex(ImageSchema.PIXELS)));
    }
    BatchEncoder enc = BatchEncoder.of(NetworkSnapshot.of(run.model()));
    for (Row row : six20) {
      byte[] code = row.getAs("code");
      assertEquals(code.length, (int) row.getAs("bytes"));
      int[] levels = ArithmeticCoder.decode(code, d, tables);
      float[] own = enc.encode(List.of(pixels.get(row.getString(0)))).z()[0];
      float[] z = new float[d];
      for (int k = 0; k < d; k++) {
        int expected = (int) Math.max(0, Math.min(63, Math.round((own[k] - lo[k]) / (hi[k] - lo[k]) * 63)));
        assertEquals(expected, levels[k], "dimension " + k + " of " + row.getString(0));
        z[k] = lo[k] + (hi[k] - lo[k]) * levels[k] / 63;
      }
      double mse = Compression.mse(enc.decode(new float[][] {z})[0], pixels.get(row.getString(0)));
      assertEquals((double) row.getAs("mse"), mse, 1e-6);
    }
    Row jpeg = codes.where("codec = 'jpeg' and setting = 90").first();
    byte[] file = jpeg.getAs("code");
    BufferedImage back = ImageIO.read(new java.io.ByteArrayInputStream(file));
    assertEquals(16, back.getWidth());
    assertEquals(file.length, (int) jpeg.getAs("bytes"));
    assertEquals((double) jpeg.getAs("mse"), Compression.mse(Compression.fromJpeg(file, cfg.data().shape()), pixels.get(jpeg.getString(0))), 1e-9);
    var again = assertThrows(io.latentspark.util.OutputExistsException.class,
        () -> new io.latentspark.pipeline.CompressAction(spark, c, co).model(out.model()).execute());
    assertTrue(again.getMessage().contains("compression"), again.getMessage());
  }
}
