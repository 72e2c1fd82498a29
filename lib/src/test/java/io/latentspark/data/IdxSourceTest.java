package io.latentspark.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.latentspark.SparkTestBase;
import io.latentspark.TestData;
import io.latentspark.config.LatentSparkConfig;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxSourceTest extends SparkTestBase {

  /** Image i of a tiny IDX set: pixel k = (i * 7 + k) mod 256. */
  static byte[][] images(int n, int rows, int cols) {
    byte[][] out = new byte[n][rows * cols];
    for (int i = 0; i < n; i++) {
      for (int k = 0; k < rows * cols; k++) {
        out[i][k] = (byte) ((i * 7 + k) % 256);
      }
    }
    return out;
  }

  static void writeIdx(Path dir, String prefix, int n, boolean gzip) throws IOException {
    Files.createDirectories(dir);
    String suffix = gzip ? ".gz" : "";
    byte[] labels = new byte[n];
    for (int i = 0; i < n; i++) {
      labels[i] = (byte) (i % 10);
    }
    try (OutputStream raw = Files.newOutputStream(dir.resolve(prefix + "-images-idx3-ubyte" + suffix));
        OutputStream out = gzip ? new GZIPOutputStream(raw) : raw) {
      IdxFormat.writeImages(out, images(n, 4, 5), 4, 5);
    }
    try (OutputStream raw = Files.newOutputStream(dir.resolve(prefix + "-labels-idx1-ubyte" + suffix));
        OutputStream out = gzip ? new GZIPOutputStream(raw) : raw) {
      IdxFormat.writeLabels(out, labels);
    }
  }

  private static LatentSparkConfig idxConfig(Path dir, String... more) {
    String[] sets = new String[more.length + 4];
    sets[0] = "data.format=idx";
    sets[1] = "data.path=" + dir.toUri();
    sets[2] = "data.height=4";
    sets[3] = "data.width=5";
    System.arraycopy(more, 0, sets, 4, more.length);
    return TestData.config(sets);
  }

  @Test
  void readsGzippedAndPlainIdxWithSplitsAndExactPixels(@TempDir Path dir) throws IOException {
    writeIdx(dir, "train", 50, true);
    writeIdx(dir, "t10k", 20, false);
    LatentSparkConfig cfg = idxConfig(dir, "data.validationFraction=0.2");
    Dataset<Row> df = ImageSources.load(spark, cfg.data(), cfg.seed()).images();
    assertEquals(70, df.count());
    Map<String, Long> bySplit = new HashMap<>();
    for (Row r : df.groupBy("split").count().collectAsList()) {
      bySplit.put(r.getString(0), r.getLong(1));
    }
    assertEquals(20L, bySplit.get("test"));
    assertEquals(50L, bySplit.get("train") + bySplit.get("validation"));
    assertTrue(bySplit.get("validation") > 2 && bySplit.get("validation") < 20, bySplit.toString());
    Row r = df.where(functions.col("id").equalTo("train-00013")).first();
    assertEquals("3", r.getString(r.fieldIndex("label")));
    float[] px = ImageSchema.pixels(r, r.fieldIndex("pixels"));
    byte[] expected = images(14, 4, 5)[13];
    for (int k = 0; k < px.length; k++) {
      assertEquals((expected[k] & 0xFF) / 255f, px[k], 1e-7);
    }
    // splits are a pure function of seed and id: loading again gives the same assignment
    Dataset<Row> again = ImageSources.load(spark, cfg.data(), cfg.seed()).images();
    assertEquals(0, df.select("id", "split").except(again.select("id", "split")).count());
  }

  @Test
  void everyPartitionCountReadsEachImageOnceWithItsPixels(@TempDir Path dir) throws IOException {
    writeIdx(dir, "train", 50, true);
    writeIdx(dir, "t10k", 20, false);
    for (int partitions : new int[] {1, 2, 3, 7, 70, 200}) {
      LatentSparkConfig cfg = idxConfig(dir, "data.partitions=" + partitions, "data.cache=none");
      Dataset<Row> df = ImageSources.load(spark, cfg.data(), cfg.seed()).images();
      assertEquals(Math.min(partitions, 70), df.rdd().getNumPartitions(), "partitions for data.partitions=" + partitions);
      List<Row> rows = df.collectAsList();
      assertEquals(70, rows.size());
      assertEquals(70, rows.stream().map(r -> r.getString(0)).distinct().count(), "each image once, data.partitions=" + partitions);
      for (Row r : rows) {
        String id = r.getString(r.fieldIndex("id"));
        int i = Integer.parseInt(id.substring(id.indexOf('-') + 1));
        assertTrue(id.matches("(train|t10k)-\\d{5}"), id);
        assertEquals(Integer.toString(i % 10), r.getString(r.fieldIndex("label")), id);
        assertTrue(r.getString(r.fieldIndex("path")).endsWith("-images-idx3-ubyte" + (id.startsWith("train") ? ".gz" : "") + "#" + i), r.getString(1));
        float[] px = ImageSchema.pixels(r, r.fieldIndex("pixels"));
        byte[] expected = images(i + 1, 4, 5)[i];
        for (int k = 0; k < px.length; k++) {
          assertEquals((expected[k] & 0xFF) / 255f, px[k], 0, id + " pixel " + k + ", data.partitions=" + partitions);
        }
      }
    }
  }

  @Test
  void missingAndInconsistentFilesFailClearly(@TempDir Path dir) throws IOException {
    IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
        () -> ImageSources.load(spark, idxConfig(dir.resolve("nope")).data(), 42));
    assertTrue(missing.getMessage().matches("data.path .*nope does not exist"), missing.getMessage());

    Files.createDirectories(dir.resolve("empty"));
    IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
        () -> ImageSources.load(spark, idxConfig(dir.resolve("empty")).data(), 42));
    assertTrue(none.getMessage().contains("holds no IDX dataset"), none.getMessage());

    Path bad = dir.resolve("bad");
    writeIdx(bad, "train", 10, false);
    try (OutputStream out = Files.newOutputStream(bad.resolve("train-labels-idx1-ubyte"))) {
      IdxFormat.writeLabels(out, new byte[9]);
    }
    Exception e = assertThrows(Exception.class, () -> ImageSources.load(spark, idxConfig(bad).data(), 42).images().count());
    assertTrue(rootMessage(e).contains("has 10 images but") && rootMessage(e).contains("has 9 labels"), rootMessage(e));

    Path swapped = dir.resolve("swapped");
    writeIdx(swapped, "train", 10, false);
    Files.copy(swapped.resolve("train-labels-idx1-ubyte"), swapped.resolve("train-images-idx3-ubyte"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Exception m = assertThrows(Exception.class, () -> ImageSources.load(spark, idxConfig(swapped).data(), 42).images().count());
    assertTrue(rootMessage(m).contains("has magic 0x801 but an image file must have 0x00000803"), rootMessage(m));
  }

  static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t.getMessage();
  }

  @Test
  void readsRealMnist() {
    Path mnist = TestData.dataset("mnist");
    LatentSparkConfig cfg = TestData.config("data.format=idx", "data.path=" + mnist, "data.validationFraction=0");
    Dataset<Row> df = ImageSources.load(spark, cfg.data(), cfg.seed()).images().cache();
    assertEquals(70_000, df.count());
    // label counts published with the dataset (shared/datasets/README.md)
    long[] train = {5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949};
    long[] test = {980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009};
    for (Row r : df.groupBy("split", "label").count().collectAsList()) {
      int label = Integer.parseInt(r.getString(1));
      assertEquals(r.getString(0).equals("train") ? train[label] : test[label], r.getLong(2), r.toString());
    }
    List<Row> stats = df.select(functions.explode(functions.col("pixels")).as("p"))
        .agg(functions.min("p"), functions.max("p"), functions.avg("p")).collectAsList();
    assertEquals(0.0, stats.get(0).getFloat(0), 0);
    assertEquals(1.0, stats.get(0).getFloat(1), 0);
    assertEquals(0.1307, stats.get(0).getDouble(2), 0.002); // the well-known MNIST pixel mean
    df.unpersist();
  }
}
