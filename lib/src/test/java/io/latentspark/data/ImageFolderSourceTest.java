package io.latentspark.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.latentspark.SparkTestBase;
import io.latentspark.TestData;
import io.latentspark.config.LatentSparkConfig;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFolderSourceTest extends SparkTestBase {

  private static LatentSparkConfig folder(Path dir, String... more) {
    String[] sets = Arrays.copyOf(new String[] {"data.format=image-folder", "data.path=" + dir}, 2 + more.length);
    System.arraycopy(more, 0, sets, 2, more.length);
    return TestData.config(sets);
  }

  @Test
  void attFacesPgmAtNativeSizeMatchesTheFileBytes() throws IOException {
    Path faces = TestData.dataset("att-faces");
    LatentSparkConfig cfg = folder(faces, "data.height=112", "data.width=92");
    Dataset<Row> df = ImageSources.load(spark, cfg.data(), cfg.seed()).images().cache();
    assertEquals(400, df.count());
    assertEquals(40, df.select("label").distinct().count());
    assertEquals(10, df.where(functions.col("label").equalTo("s17")).count());
    Row r = df.where(functions.col("id").equalTo("s17/3.pgm")).first();
    byte[] file = Files.readAllBytes(faces.resolve("s17/3.pgm"));
    float[] px = ImageSchema.pixels(r, r.fieldIndex("pixels"));
    assertEquals(112 * 92, px.length);
    int header = file.length - px.length; // P5\n92 112\n255\n
    for (int k = 0; k < px.length; k += 97) {
      assertEquals((file[header + k] & 0xFF) / 255f, px[k], 1e-7);
    }
    long test = df.where(functions.col("split").equalTo("test")).count();
    assertTrue(test > 20 && test < 70, "about 10% test: " + test);
    df.unpersist();
  }

  @Test
  void flowersJpegAsRgbResized() {
    Path flowers = TestData.dataset("flowers-small");
    LatentSparkConfig cfg = folder(flowers, "data.height=32", "data.width=32", "data.channels=3");
    Dataset<Row> df = ImageSources.load(spark, cfg.data(), cfg.seed()).images().cache();
    assertEquals(300, df.count());
    assertEquals(5, df.select("label").distinct().count());
    Row r = df.first();
    float[] px = ImageSchema.pixels(r, r.fieldIndex("pixels"));
    assertEquals(3 * 32 * 32, px.length);
    double[] channelMean = new double[3];
    for (int c = 0; c < 3; c++) {
      for (int i = 0; i < 1024; i++) {
        assertTrue(px[c * 1024 + i] >= 0 && px[c * 1024 + i] <= 1);
        channelMean[c] += px[c * 1024 + i] / 1024;
      }
    }
    assertTrue(channelMean[0] != channelMean[1] || channelMean[1] != channelMean[2], "colour channels differ");
    df.unpersist();
  }

  private static void writePng(Path file, int value) throws IOException {
    Files.createDirectories(file.getParent());
    BufferedImage img = new BufferedImage(8, 8, BufferedImage.TYPE_BYTE_GRAY);
    for (int y = 0; y < 8; y++) {
      for (int x = 0; x < 8; x++) {
        img.getRaster().setSample(x, y, 0, value);
      }
    }
    ImageIO.write(img, "png", file.toFile());
  }

  @Test
  void labelsFromSubfoldersAndNonImagesLeftOut(@TempDir Path dir) throws IOException {
    writePng(dir.resolve("cats/a.png"), 10);
    writePng(dir.resolve("cats/b.png"), 20);
    writePng(dir.resolve("dogs/c.png"), 200);
    Files.writeString(dir.resolve("README.txt"), "not an image");
    Files.writeString(dir.resolve("dogs/.hidden.png"), "ignored");
    LatentSparkConfig cfg = folder(dir, "data.height=4", "data.width=4");
    Dataset<Row> df = ImageSources.load(spark, cfg.data(), cfg.seed()).images();
    assertEquals(3, df.count());
    Row c = df.where(functions.col("id").equalTo("dogs/c.png")).first();
    assertEquals("dogs", c.getString(c.fieldIndex("label")));
    float[] px = ImageSchema.pixels(c, c.fieldIndex("pixels"));
    assertEquals(16, px.length);
    assertEquals(200 / 255f, px[5], 1e-6);
  }

  @Test
  void corruptImageFailsNamingTheFile(@TempDir Path dir) throws IOException {
    writePng(dir.resolve("ok/a.png"), 10);
    Files.createDirectories(dir.resolve("bad"));
    Files.write(dir.resolve("bad/broken.jpg"), new byte[] {(byte) 0xFF, (byte) 0xD8, 1, 2, 3});
    LatentSparkConfig cfg = folder(dir, "data.height=4", "data.width=4");
    Exception e = assertThrows(Exception.class, () -> ImageSources.load(spark, cfg.data(), cfg.seed()).images().count());
    ImageDecodeException cause = findCause(e);
    assertTrue(cause.file().endsWith("bad/broken.jpg"), cause.file());
    assertTrue(cause.getMessage().startsWith("Cannot decode image file:"), cause.getMessage());
  }

  @Test
  void missingOrEmptyFolderIsAnImmediateError(@TempDir Path dir) {
    IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
        () -> ImageSources.load(spark, folder(dir.resolve("absent")).data(), 42));
    assertTrue(missing.getMessage().endsWith("absent does not exist"), missing.getMessage());
    IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
        () -> ImageSources.load(spark, folder(dir).data(), 42));
    assertTrue(empty.getMessage().contains("holds no images"), empty.getMessage());
  }

  static ImageDecodeException findCause(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ImageDecodeException d) {
        return d;
      }
    }
    throw new AssertionError("no ImageDecodeException in the cause chain", e);
  }
}
