package io.latentspark.encode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.latentspark.SparkTestBase;
import io.latentspark.TestData;
import io.latentspark.config.LatentSparkConfig;
import io.latentspark.data.ImageSchema;
import io.latentspark.data.ImageSources;
import io.latentspark.export.ProjectorExport;
import io.latentspark.model.AutoencoderModel;
import io.latentspark.train.LocalTrainer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EncodeExportTest extends SparkTestBase {
  static LatentSparkConfig cfg;
  static AutoencoderModel model;
  static Dataset<Row> images;

  @BeforeAll
  static void trainSmallModel() {
    cfg = TestData.config("data.synthetic.trainCount=900", "data.synthetic.testCount=300", "data.height=12", "data.width=12",
        "model.encoderLayers=[32]", "model.latentSize=5", "train.epochs=2", "encode.batchSize=64", "export.sampleSize=200");
    images = ImageSources.load(spark, cfg.data(), cfg.seed()).images().cache();
    List<float[]> train = new ArrayList<>();
    for (Row r : images.where("split = 'train'").collectAsList()) {
      train.add(ImageSchema.pixels(r, r.fieldIndex(ImageSchema.PIXELS)));
    }
    model = new LocalTrainer(cfg).train(train, "synthetic");
  }

  @Test
  void encodesEveryRowLikeTheLocalNetwork(@TempDir Path dir) {
    Dataset<Row> features = SparkEncoder.encode(spark, model, images, cfg.encode().batchSize());
    String out = dir.resolve("features").toString();
    SparkEncoder.write(features, out, new Configuration(), false);
    Dataset<Row> back = spark.read().parquet(out);
    FeatureSchema.check(back.schema(), out);
    assertEquals(images.count(), back.count());
    assertEquals(0, back.select("id").except(images.select("id")).count());

    List<Row> rows = back.join(images.select("id", "pixels"), "id").orderBy("id").limit(100).collectAsList();
    List<float[]> px = new ArrayList<>();
    for (Row r : rows) {
      px.add(ImageSchema.pixels(r, r.fieldIndex("pixels")));
    }
    BatchEncoder.Result local = BatchEncoder.of(NetworkSnapshot.of(model)).encode(px);
    for (int i = 0; i < rows.size(); i++) {
      Row r = rows.get(i);
      assertEquals(5, r.getList(r.fieldIndex("z")).size());
      float[] z = new float[5];
      for (int k = 0; k < 5; k++) {
        z[k] = r.<Float>getList(r.fieldIndex("z")).get(k);
      }
      assertArrayEquals(local.z()[i], z, 1e-5f);
      double independent = 0;
      float[] recon = model.network().output(org.nd4j.linalg.factory.Nd4j.create(new float[][] {px.get(i)}), false).toFloatVector();
      for (int k = 0; k < recon.length; k++) {
        independent += (recon[k] - px.get(i)[k]) * (double) (recon[k] - px.get(i)[k]);
      }
      assertEquals(independent / recon.length, r.getDouble(r.fieldIndex("reconstruction_error")), 1e-6);
    }
    IllegalStateException again = assertThrows(IllegalStateException.class, () -> SparkEncoder.write(features, out, new Configuration(), false));
    assertTrue(again.getMessage().contains("already exists"));
  }

  @Test
  void lossesOfSeveralTablesInOneJobAreEachTablesOwn() {
    // a one-partition table beside a three-partition one: the partition numbers the masks are drawn from must be
    // each table's own, and each table's sums its own
    Dataset<Row> test = images.where("split = 'test'").coalesce(1);
    Dataset<Row> train = images.where("split = 'train'").repartition(3);
    var snap = jsc.broadcast(NetworkSnapshot.of(model));
    try {
      List<io.latentspark.spec.PixelMask> masks = List.of(io.latentspark.spec.PixelMask.parse("random:0.3", 12, 12));
      double[][] both = SparkEncoder.meanMse(snap, List.of(test, train), 64);
      double[][] bothMissing = SparkEncoder.meanMissingMse(snap, List.of(test, train), 64, masks, 1, 7);
      List<Dataset<Row>> tables = List.of(test, train);
      for (int t = 0; t < 2; t++) {
        double[] alone = SparkEncoder.meanMse(snap, tables.get(t), 64);
        assertEquals(alone[1], both[t][1], "images of table " + t);
        assertEquals(alone[0], both[t][0], 1e-12, "MSE of table " + t);
        double[] aloneMissing = SparkEncoder.meanMissingMse(snap, tables.get(t), 64, masks, 1, 7);
        assertEquals(aloneMissing[0], bothMissing[t][0], 1e-12, "masked MSE of table " + t);
      }
      assertEquals(test.count(), (long) both[0][1]);
      assertEquals(train.count(), (long) both[1][1]);
      assertTrue(Math.abs(both[0][0] - both[1][0]) > 1e-9, "the two tables' MSEs differ, so a mix-up would show");
    } finally {
      snap.destroy();
    }
  }

  /**
   * The encode command's one pass: a source that decodes no files is not kept, and the images are counted as they are
   * encoded, each once.
   */
  @Test
  void encodingCountsEachImageOnce(@TempDir Path dir) {
    io.latentspark.data.LoadedImages once = ImageSources.loadOnce(spark, cfg.data(), cfg.seed());
    io.latentspark.data.LoadedImages kept = ImageSources.load(spark, cfg.data(), cfg.seed());
    try {
      assertEquals(org.apache.spark.storage.StorageLevel.NONE(), once.images().storageLevel(), "streamed, not kept");
      assertTrue(once.cached() == null);
      assertFalse(kept.images().storageLevel().equals(org.apache.spark.storage.StorageLevel.NONE()), "load keeps it as data.cache says");
    } finally {
      kept.unpersist();
    }
    EncodeTally encoded = EncodeTally.register(spark.sparkContext(), "images encoded");
    String out = dir.resolve("features").toString();
    long[] staged = {-1};
    SparkEncoder.write(SparkEncoder.encode(spark, SparkEncoder.engine(spark, model, cfg.encode()), once.images().repartition(3),
        cfg.encode().batchSize(), encoded), out, new Configuration(), false, rows -> staged[0] = rows);
    assertEquals(1200L, encoded.images());
    assertEquals(1200L, staged[0], "rows counted from the staged files' footers");
    Dataset<Row> back = spark.read().parquet(out);
    assertEquals(1200L, back.count());
    // the tally's means by split are the table's own
    Map<String, EncodeTally.Split> bySplit = encoded.value();
    List<Row> means = back.groupBy("split").agg(org.apache.spark.sql.functions.avg(FeatureSchema.RECONSTRUCTION_ERROR),
        org.apache.spark.sql.functions.avg(FeatureSchema.RECONSTRUCTION_BCE), org.apache.spark.sql.functions.count("*")).collectAsList();
    assertEquals(means.size(), bySplit.size(), bySplit.toString());
    for (Row m : means) {
      EncodeTally.Split t = bySplit.get(m.getString(0));
      assertEquals(m.getLong(3), t.images(), m.getString(0));
      assertEquals(m.getDouble(1), t.meanMse(), 1e-12 * m.getDouble(1), "mean MSE of " + m.getString(0));
      assertEquals(m.getDouble(2), t.meanBce(), 1e-12 * m.getDouble(2), "mean BCE of " + m.getString(0));
      assertEquals(t.meanMse(), encoded.meanMse().get(m.getString(0)));
    }
  }

  /**
   * A table of many files (one per write task) is counted from all their footers, read by several threads; a file
   * whose footer cannot be read fails the count, naming it.
   */
  @Test
  void footerCountsCoverEveryFile(@TempDir Path dir) throws IOException {
    int files = 3 * SparkEncoder.FOOTER_READERS + 5;
    Path table = dir.resolve("many");
    images.repartition(files).write().parquet(table.toString());
    long parquetFiles;
    try (var listed = Files.list(table)) {
      parquetFiles = listed.filter(f -> f.getFileName().toString().endsWith(".parquet")).count();
    }
    assertEquals(files, parquetFiles, "one file per partition");
    long rows = images.count();
    assertEquals(rows, SparkEncoder.parquetRows(new org.apache.hadoop.fs.Path(table.toUri()), new Configuration()));
    Path bad = table.resolve("part-99999-truncated.parquet");
    Files.write(bad, new byte[] {'P', 'A', 'R', '1', 0, 0, 0});
    IOException e = assertThrows(IOException.class,
        () -> SparkEncoder.parquetRows(new org.apache.hadoop.fs.Path(table.toUri()), new Configuration()));
    assertTrue(e.getMessage().contains("part-99999-truncated.parquet"), e.getMessage());
    assertTrue(e.getMessage().contains("footer"), e.getMessage());
  }

  /** A check that fails before the commit leaves no table behind, and its error is the one thrown. */
  @Test
  void aFailedCheckBeforeCommitLeavesNoTable(@TempDir Path dir) {
    String out = dir.resolve("features").toString();
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> SparkEncoder.write(SparkEncoder.encode(spark, model, images, 64),
        out, new Configuration(), false, rows -> {
          throw new IllegalStateException("refused " + rows + " rows");
        }));
    assertEquals("refused 1200 rows", e.getMessage());
    assertFalse(Files.exists(Path.of(out)), "nothing at " + out);
    try (var left = Files.list(dir)) {
      assertEquals(List.of(), left.toList(), "no staging directory left either");
    } catch (IOException io) {
      throw new java.io.UncheckedIOException(io);
    }
  }

  /**
   * A dataset whose files are all bad (data.onError = skip) has nothing to encode: the command says so, naming the
   * dataset and the quarantine, and writes no feature table (an empty table would look like a finished encoding).
   */
  @Test
  void aDatasetWithNoUsableImagesFailsAndWritesNoFeatureTable(@TempDir Path dir) throws IOException {
    Path data = dir.resolve("all-bad");
    Files.createDirectories(data.resolve("a"));
    Files.writeString(data.resolve("a/one.png"), "not a picture");
    Files.writeString(data.resolve("a/two.png"), "not a picture either");
    String modelDir = dir.resolve("model").toString();
    model.save(modelDir, new Configuration(), false);
    LatentSparkConfig bad = TestData.config("data.format=image-folder", "data.path=" + data, "data.height=12", "data.width=12",
        "data.onError=skip");
    io.latentspark.config.RunLayout out = new io.latentspark.config.RunLayout(dir.resolve("run").toString());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> io.latentspark.pipeline.Pipeline.encode(spark, bad, modelDir, out, false));
    assertTrue(e.getMessage().contains(data.toString()) && e.getMessage().contains("has no usable images: nothing to encode (2 bad file(s) are listed in "),
        e.getMessage());
    assertFalse(Files.exists(Path.of(out.features())), "no feature table at " + out.features());
    assertEquals(2, spark.read().parquet(out.quarantine()).count());
  }

  /**
   * Feature tables keep Parquet dictionaries for label and split only. An engine whose codes and errors are all zero
   * makes the other columns as repetitive as they can be: a dictionary would be kept for them if one were written.
   */
  @Test
  void featureTablesHaveDictionariesOnlyForLabelAndSplit(@TempDir Path dir) throws IOException {
    FeatureEncoder zeros = new ZeroCodes();
    String out = dir.resolve("features").toString();
    SparkEncoder.write(SparkEncoder.encode(spark, zeros, images.withColumn("path", org.apache.spark.sql.functions.lit("same")), 64), out,
        new Configuration(), false);
    Map<String, String> encodings = new HashMap<>();
    try (var files = Files.list(Path.of(out))) {
      for (Path part : files.filter(f -> f.getFileName().toString().endsWith(".parquet")).toList()) {
        try (var reader = org.apache.parquet.hadoop.ParquetFileReader.open(
            org.apache.parquet.hadoop.util.HadoopInputFile.fromPath(new org.apache.hadoop.fs.Path(part.toUri()), new Configuration()))) {
          for (var block : reader.getFooter().getBlocks()) {
            for (var column : block.getColumns()) {
              encodings.merge(column.getPath().toDotString(), column.getEncodings().toString(), (a, b) -> a + b);
            }
          }
        }
      }
    }
    assertEquals(7, encodings.size(), encodings.toString());
    encodings.forEach((column, used) -> assertEquals(column.equals("label") || column.equals("split"), used.contains("DICTIONARY"),
        column + " " + used));
  }

  /** An engine whose codes (5) and errors are all zero. */
  private static final class ZeroCodes implements FeatureEncoder {
    @Override
    public Batch open() {
      return px -> new BatchEncoder.Result(new float[px.size()][5], new double[px.size()], new double[px.size()], null, null, null);
    }

    @Override
    public boolean logVar() {
      return false;
    }

    @Override
    public boolean errorMap() {
      return false;
    }
  }

  @Test
  void exportFilesParseBackAndAreStratified(@TempDir Path dir) throws IOException {
    String featuresDir = dir.resolve("features").toString();
    SparkEncoder.write(SparkEncoder.encode(spark, model, images, 64), featuresDir, new Configuration(), false);
    Dataset<Row> features = spark.read().parquet(featuresDir);
    Path out = dir.resolve("export");
    ProjectorExport.Result r = ProjectorExport.write(features, cfg.export(), cfg.seed(), out.toString(), new Configuration(), false);
    assertEquals(5, r.dimensions());

    List<String> vectors = Files.readAllLines(out.resolve("vectors.tsv"));
    List<String> meta = Files.readAllLines(out.resolve("metadata.tsv"));
    List<String> csv = Files.readAllLines(out.resolve("embedding.csv"));
    assertEquals(r.rows(), vectors.size());
    assertEquals("id\tlabel\tsplit\treconstruction_error", meta.get(0));
    assertEquals(r.rows() + 1, meta.size());
    assertEquals("id,label,split,reconstruction_error,z0,z1,z2,z3,z4", csv.get(0));
    assertEquals(r.rows() + 1, csv.size());
    assertTrue(Math.abs(r.rows() - 200) <= 10, "about export.sampleSize rows: " + r.rows());

    Map<String, Row> byId = new HashMap<>();
    for (Row f : features.collectAsList()) {
      byId.put(f.getString(0), f);
    }
    Map<String, Integer> perLabel = new HashMap<>();
    for (int i = 0; i < vectors.size(); i++) {
      String[] v = vectors.get(i).split("\t");
      String[] m = meta.get(i + 1).split("\t");
      String[] c = csv.get(i + 1).split(",");
      assertEquals(5, v.length);
      Row f = byId.get(m[0]);
      assertEquals(f.getString(2), m[1]);
      assertEquals(m[0], c[0]);
      assertEquals(f.getDouble(5), Double.parseDouble(m[3]), 0);
      for (int k = 0; k < 5; k++) {
        assertEquals(f.<Float>getList(4).get(k), Float.parseFloat(v[k]), 0f);
        assertEquals(Float.parseFloat(v[k]), Float.parseFloat(c[4 + k]), 0f);
      }
      perLabel.merge(m[1], 1, Integer::sum);
    }
    assertEquals(10, perLabel.size(), "every class is in the sample: " + perLabel);
    for (int n : perLabel.values()) {
      assertTrue(n >= 18 && n <= 22, "classes keep their share (20 each): " + perLabel);
    }
    String pbtxt = Files.readString(out.resolve("projector_config.pbtxt"));
    assertTrue(pbtxt.contains("tensor_shape: " + r.rows() + "\n  tensor_shape: 5"), pbtxt);
    assertTrue(pbtxt.contains("tensor_path: \"vectors.tsv\"") && pbtxt.contains("metadata_path: \"metadata.tsv\""), pbtxt);
    try (var s = Files.list(dir)) {
      assertFalse(s.anyMatch(p -> p.getFileName().toString().contains(".tmp-")), "no staging directories are left");
    }
  }

  /** A write that fails part-way (here: images of the wrong size for the model) leaves neither the output nor staging behind. */
  @Test
  void aFailedWriteLeavesNoOutputThatLooksComplete(@TempDir Path dir) throws IOException {
    LatentSparkConfig other = TestData.config("data.synthetic.trainCount=100", "data.synthetic.testCount=10", "data.height=10", "data.width=10");
    Dataset<Row> wrongSize = ImageSources.load(spark, other.data(), 1).images();
    String out = dir.resolve("features").toString();
    Exception e = assertThrows(Exception.class,
        () -> SparkEncoder.write(SparkEncoder.encode(spark, model, wrongSize, 16), out, new Configuration(), false));
    assertTrue(String.valueOf(e.getMessage()).contains("An image has 100 pixel values but the model expects 144"), e.getMessage());
    try (var s = Files.list(dir)) {
      assertEquals(List.of(), s.map(p -> p.getFileName().toString()).toList(), "nothing left in the output's parent");
    }
  }

  @Test
  void exportRefusesATableThatIsNotAFeatureTable(@TempDir Path dir) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ProjectorExport.write(images, cfg.export(), 1, dir.resolve("x").toString(), new Configuration(), false));
    assertEquals("The export input is not a feature table: column z is missing (columns are id, path, label, split, pixels)", e.getMessage());
  }
}
