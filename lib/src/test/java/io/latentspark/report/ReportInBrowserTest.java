package io.latentspark.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.latentspark.SparkTestBase;
import io.latentspark.TestData;
import io.latentspark.config.LatentSparkConfig;
import io.latentspark.pipeline.Pipeline;
import io.latentspark.config.RunLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report of a real small run, opened in headless Chromium: every image loads, the console stays clean,
 * and nothing is fetched from anywhere (the page is self-contained). The screenshot is kept in
 * lib/target/report-screenshot.png (README's picture was made this way).
 */
class ReportInBrowserTest extends SparkTestBase {

  @Test
  void reportOfARealRunLoadsCleanlyInChromium(@TempDir Path dir) throws Exception {
    assertTrue(Files.isExecutable(HeadlessChromium.executable()), "Chromium is not installed at " + HeadlessChromium.executable()
        + ": Maven runs " + HeadlessChromium.SETUP + " before the tests to install it (as root, with apt-get)");
    LatentSparkConfig cfg = TestData.config("data.synthetic.trainCount=1500", "data.synthetic.testCount=300", "model.encoderLayers=[64]",
        "model.latentSize=8", "train.epochs=3", "train.batchSizePerWorker=32", "export.sampleSize=300", "export.tsne.sampleSize=300",
        "export.tsne.iterations=300");
    RunLayout out = new RunLayout(dir.resolve("run").toString());
    Pipeline.run(spark, cfg, out, false);

    Path report = Path.of(out.report());
    for (String png : List.of("loss.png", "reconstructions.png", "error-histogram.png", "tsne.png")) {
      assertTrue(ImageIO.read(report.resolve(png).toFile()).getWidth() > 100, png);
    }
    String html = Files.readString(report.resolve(RunReport.INDEX));
    assertTrue(!html.contains("http://") && !html.contains("https://") && !html.contains("<script"), "self-contained, no scripts");
    Path shot = Path.of("target", "report-screenshot.png");
    try (HeadlessChromium chromium = new HeadlessChromium()) {
      HeadlessChromium.PageCheck page = chromium.open(report.resolve(RunReport.INDEX), shot);
      assertEquals(4, page.images(), "the four plots are on the page");
      assertEquals(List.of(), page.brokenImages(), "images that did not load");
      assertEquals(List.of(), page.problems(), "console errors, exceptions or failed loads");
    }
    assertTrue(ImageIO.read(shot.toFile()).getWidth() >= 1000, "screenshot taken");
  }

  /** The check itself can fail: a missing image, a console error and a script exception are all caught. */
  @Test
  void theBrowserCheckCatchesBrokenPages(@TempDir Path dir) throws Exception {
    assertTrue(Files.isExecutable(HeadlessChromium.executable()), "Chromium is not installed at " + HeadlessChromium.executable());
    Path page = dir.resolve("broken.html");
    Files.writeString(page, "<!DOCTYPE html><html><body><img alt=\"gone\" src=\"missing.png\">"
        + "<script>console.error('boom'); undefinedFunction();</script></body></html>");
    try (HeadlessChromium chromium = new HeadlessChromium()) {
      HeadlessChromium.PageCheck check = chromium.open(page, null);
      assertEquals(List.of("gone"), check.brokenImages());
      String all = String.join("\n", check.problems());
      assertTrue(all.contains("boom") && all.contains("undefinedFunction") && all.contains("missing.png") || all.contains("ERR_FILE_NOT_FOUND"),
          all);
    }
  }

  /** A denoising model's grid has three rows per group (corrupted input, output, clean); a plain model's two. */
  @Test
  void denoisingGridShowsCorruptedOutputAndClean() throws Exception {
    for (String type : List.of("denoising", "dense")) {
      LatentSparkConfig cfg = TestData.config("model.type=" + type, "model.corruption.type=gaussian", "data.synthetic.trainCount=300",
          "data.synthetic.testCount=100", "data.height=16", "data.width=16", "model.encoderLayers=[16]", "model.latentSize=4",
          "train.epochs=1");
      var images = io.latentspark.data.ImageSources.load(spark, cfg.data(), cfg.seed()).images();
      var model = new io.latentspark.train.LocalTrainer(cfg).untrained();
      var grid = ImageIO.read(new java.io.ByteArrayInputStream(RunReport.reconstructionsPng(model, images, cfg)));
      int cell = 16 * 6 + 4; // 16 px images drawn 6x, 4 px gap
      int bands = type.equals("denoising") ? 3 : 2;
      assertEquals(2 * (bands * cell + 14), grid.getHeight(), type + ": 16 images in 2 groups of " + bands + " rows");
    }
  }
}
