package io.latentspark.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.latentspark.SparkTestBase;
import io.latentspark.TestData;
import io.latentspark.config.LatentSparkConfig;
import io.latentspark.config.RunLayout;
import io.latentspark.data.ImageSchema;
import io.latentspark.data.ImageSources;
import io.latentspark.encode.BatchEncoder;
import io.latentspark.encode.NetworkSnapshot;
import io.latentspark.model.AutoencoderModel;
import io.latentspark.pipeline.LatentMapAction;
import io.latentspark.train.SparkTrainer;
import io.latentspark.train.TrainingRun;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** latent-map on a 2-D model trained on Spark: the pictures show what the decoder makes of the codes they claim to. */
class LatentMapsTest extends SparkTestBase {

  @Test
  void drawsScatterManifoldAndInterpolationsOfTheDecoder(@TempDir Path dir) throws Exception {
    LatentSparkConfig cfg = TestData.config("data.synthetic.trainCount=600", "data.synthetic.testCount=120", "data.height=16", "data.width=16",
        "model.encoderLayers=[32]", "model.latentSize=2", "train.epochs=2", "train.batchSizePerWorker=32", "latentMap.points=100",
        "latentMap.grid=5", "latentMap.pairs=3", "latentMap.steps=4");
    Dataset<Row> images = ImageSources.load(spark, cfg.data(), cfg.seed()).images().cache();
    AutoencoderModel m = new SparkTrainer(cfg).train(spark, images, new TrainingRun("synthetic", null, null, null));
    RunLayout out = new RunLayout(dir.toString());
    m.save(out.model(), new Configuration(), false);
    LatentMapAction.Result r = new LatentMapAction(spark, cfg, out).execute();
    assertEquals(List.of("codes.png", "pca.png", "manifold.png", "interpolation.png", "points.csv"), r.files());
    assertEquals(2, r.latentSize());
    Path map = Path.of(out.latentMap());

    BatchEncoder enc = BatchEncoder.of(NetworkSnapshot.of(m));
    // the manifold's top-left tile is the decoding of (first x, first y = the top of the range)
    BufferedImage manifold = ImageIO.read(map.resolve("manifold.png").toFile());
    assertEquals(5 * 16, manifold.getWidth());
    assertEquals(5 * 16, manifold.getHeight());
    double[][] axes = r.manifoldAxes();
    assertTrue(axes[0][0] < axes[0][4] && axes[1][0] > axes[1][4], "x grows to the right, y upwards");
    float[] corner = enc.decode(new float[][] {{(float) axes[0][0], (float) axes[1][0]}})[0];
    float[] farCorner = enc.decode(new float[][] {{(float) axes[0][4], (float) axes[1][4]}})[0];
    for (int p : new int[] {0, 17, 100, 255}) {
      assertEquals(Math.round(Math.min(1, Math.max(0, corner[p])) * 255), manifold.getRGB(p % 16, p / 16) & 0xff, 1);
      assertEquals(Math.round(Math.min(1, Math.max(0, farCorner[p])) * 255), manifold.getRGB(64 + p % 16, 64 + p / 16) & 0xff, 1);
    }

    // points.csv holds each drawn image's code
    List<String> lines = Files.readAllLines(map.resolve("points.csv"));
    assertEquals("id,label,z0,z1,pc0,pc1", lines.get(0));
    assertEquals(r.points() + 1, lines.size());
    String[] first = lines.get(1).split(",");
    Row img = images.where(ImageSchema.ID + " = '" + first[0] + "'").first();
    float[] px = ImageSchema.pixels(img, img.fieldIndex(ImageSchema.PIXELS));
    float[] z = enc.encode(List.of(px)).z()[0];
    assertEquals(z[0], Float.parseFloat(first[2]), 1e-5);
    assertEquals(z[1], Float.parseFloat(first[3]), 1e-5);

    // each strip: image A, the decodings of 4 points from z(A) to z(B), image B; its second tile is A's reconstruction
    BufferedImage strips = ImageIO.read(map.resolve("interpolation.png").toFile());
    assertEquals(6 * 32, strips.getWidth());
    assertEquals(3 * (32 + 6), strips.getHeight());
    String[] pair = r.interpolatedPairs().get(0);
    Row a = images.where(ImageSchema.ID + " = '" + pair[0] + "'").first();
    Row b = images.where(ImageSchema.ID + " = '" + pair[1] + "'").first();
    assertTrue(!a.getString(a.fieldIndex(ImageSchema.LABEL)).equals(b.getString(b.fieldIndex(ImageSchema.LABEL))), "pairs cross labels");
    float[] pa = ImageSchema.pixels(a, a.fieldIndex(ImageSchema.PIXELS));
    float[] pb = ImageSchema.pixels(b, b.fieldIndex(ImageSchema.PIXELS));
    float[] recA = enc.encode(List.of(pa)).reconstruction()[0];
    float[] recB = enc.encode(List.of(pb)).reconstruction()[0];
    for (int p : new int[] {0, 40, 136, 255}) {
      int x = 2 * (p % 16);
      int y = 2 * (p / 16);
      assertEquals(Math.round(pa[p] * 255), strips.getRGB(x, y) & 0xff, 1);
      assertEquals(Math.round(Math.min(1, Math.max(0, recA[p])) * 255), strips.getRGB(32 + x, y) & 0xff, 1);
      assertEquals(Math.round(Math.min(1, Math.max(0, recB[p])) * 255), strips.getRGB(4 * 32 + x, y) & 0xff, 1);
      assertEquals(Math.round(pb[p] * 255), strips.getRGB(5 * 32 + x, y) & 0xff, 1);
    }
    assertTrue(ImageIO.read(map.resolve("codes.png").toFile()).getWidth() == 800);
  }
}
