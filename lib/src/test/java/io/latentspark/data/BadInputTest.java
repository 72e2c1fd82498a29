package io.latentspark.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.latentspark.SparkTestBase;
import io.latentspark.TestData;
import io.latentspark.config.LatentSparkConfig;
import io.latentspark.pipeline.Pipeline;
import io.latentspark.config.RunLayout;
import io.latentspark.util.Json;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real images (flowers-small JPEGs and AT&T face PGMs copied into a temporary folder) mixed with planted
 * bad files (empty, truncated JPEG and PGM, text named .png; an unreadable file is tested on HDFS in RemoteStorageTest):
 * data.onError = fail names the first bad file; skip quarantines exactly the planted files.
 */
class BadInputTest extends SparkTestBase {
  @TempDir
  static Path root;
  static Path data;
  /** planted file (relative path) -> the start of the reason it must be quarantined with */
  static final Map<String, String> PLANTED = new HashMap<>();

  @BeforeAll
  static void mixedFolder() throws IOException {
    Path flowers = TestData.dataset("flowers-small");
    Path faces = TestData.dataset("att-faces");
    data = root.resolve("mixed");
    for (String cls : List.of("daisy", "tulips")) {
      Files.createDirectories(data.resolve(cls));
      try (Stream<Path> s = Files.list(flowers.resolve(cls))) {
        for (Path p : s.sorted().limit(10).toList()) {
          Files.copy(p, data.resolve(cls).resolve(p.getFileName()));
        }
      }
    }
    Files.createDirectories(data.resolve("s5"));
    for (int i = 1; i <= 10; i++) {
      Files.copy(faces.resolve("s5/" + i + ".pgm"), data.resolve("s5/" + i + ".pgm"));
    }
    byte[] jpeg = Files.readAllBytes(data.resolve("daisy").resolve(Files.list(data.resolve("daisy")).sorted().findFirst().orElseThrow().getFileName()));
    byte[] pgm = Files.readAllBytes(faces.resolve("s5/1.pgm"));
    plant("daisy/empty.jpg", new byte[0], "the file is empty (0 bytes)");
    plant("daisy/truncated.jpg", Arrays.copyOf(jpeg, jpeg.length / 3), "corrupt or truncated image data");
    plant("s5/truncated.pgm", Arrays.copyOf(pgm, 3000), "truncated PNM data");
    plant("tulips/notes.png", "this is not a picture".getBytes(StandardCharsets.UTF_8), "not an image in a supported format");
    Files.writeString(data.resolve("README.txt"), "not an image by name: ignored, not quarantined");
  }

  static void plant(String rel, byte[] bytes, String reason) throws IOException {
    Files.write(data.resolve(rel), bytes);
    PLANTED.put(rel, reason);
  }

  static LatentSparkConfig cfg(String... more) {
    List<String> sets = new java.util.ArrayList<>(List.of("data.format=image-folder", "data.path=" + data, "data.height=16",
        "data.width=16", "model.encoderLayers=[32]", "model.latentSize=4", "train.epochs=1", "train.batchSizePerWorker=8",
        "export.sampleSize=20", "data.testFraction=0.2"));
    sets.addAll(List.of(more));
    return TestData.config(sets.toArray(String[]::new));
  }

  @Test
  void failNamesTheFirstBadFileAndHowManyThereAre() {
    ImageDecodeException e = assertThrows(ImageDecodeException.class, () -> ImageSources.load(spark, cfg().data(), 42));
    assertTrue(e.file().endsWith("daisy/empty.jpg"), "first bad file by path: " + e.file());
    assertTrue(e.getMessage().startsWith("Cannot decode image file:") && e.getMessage().contains("daisy/empty.jpg: the file is empty (0 bytes) (4 bad file(s) under "),
        e.getMessage());
  }

  @Test
  void skipQuarantinesExactlyThePlantedFilesAndTheCountsAddUp(@TempDir Path out) throws IOException {
    LatentSparkConfig c = cfg("data.onError=skip");
    Pipeline.PipelineResult r = Pipeline.run(spark, c, new RunLayout(out.toString()), false);
    assertEquals(34, r.encoded().rowsIn(), "20 flowers + 10 faces + 4 planted files");
    assertEquals(30, r.encoded().rowsWritten());
    assertEquals(4, r.encoded().rowsQuarantined());
    List<Row> q = spark.read().parquet(out.resolve("quarantine").toString()).collectAsList();
    Map<String, String> reasons = new HashMap<>();
    for (Row row : q) {
      String path = row.getString(row.fieldIndex("path"));
      reasons.put(path.substring(path.indexOf("mixed/") + 6), row.getString(row.fieldIndex("reason")));
    }
    assertEquals(PLANTED.keySet(), reasons.keySet());
    PLANTED.forEach((file, reason) -> assertTrue(reasons.get(file).startsWith(reason), file + ": " + reasons.get(file)));
    JsonNode summary = Json.read(Files.readString(out.resolve("summary.json")));
    assertEquals(34, summary.get("rowsIn").asLong());
    assertEquals(summary.get("rowsIn").asLong(), summary.get("rowsEncoded").asLong() + summary.get("rowsQuarantined").asLong());
  }

  @Test
  void channelMismatchRejectQuarantinesGreyImagesInAnRgbDataset() {
    LoadedImages loaded = ImageSources.load(spark, cfg("data.onError=skip", "data.channels=3", "data.channelMismatch=reject").data(), 42);
    List<Row> q = loaded.quarantine().where("label = 's5'").collectAsList();
    assertEquals(11, q.size(), "10 grey faces + the truncated PGM");
    assertTrue(q.stream().filter(r -> !r.getString(1).endsWith("truncated.pgm"))
        .allMatch(r -> r.getString(3).equals("it has 1 channel(s) but data.channels = 3 (data.channelMismatch = reject)")), q.toString());
    assertEquals(20, loaded.images().count());
    loaded.unpersist();
  }

  @Test
  void aTruncatedJpegIsNotSilentlyGreyFilled() throws IOException {
    BufferedImage img = ImageIO.read(data.resolve("daisy/truncated.jpg").toFile());
    assertTrue(img != null, "ImageIO alone decodes the truncated JPEG without an error");
    ImageDecodeException e = assertThrows(ImageDecodeException.class,
        () -> ImageDecoder.decode(Files.readAllBytes(data.resolve("daisy/truncated.jpg")), "daisy/truncated.jpg", 16, 16, 1));
    assertTrue(e.reason().contains("Truncated File - Missing EOI marker"), e.reason());
  }
}
