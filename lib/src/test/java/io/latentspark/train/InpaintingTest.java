package io.latentspark.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.latentspark.SparkTestBase;
import io.latentspark.TestData;
import io.latentspark.analysis.Imputer;
import io.latentspark.config.ConfigError;
import io.latentspark.config.LatentSparkConfig;
import io.latentspark.data.ImageSources;
import io.latentspark.model.AutoencoderModel;
import io.latentspark.model.EpochStats;
import io.latentspark.model.NetworkFactory;
import io.latentspark.spec.PixelMask;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/** model.type = inpainting: masks drawn per minibatch, a loss over the missing pixels only, and fills better than the mean. */
class InpaintingTest extends SparkTestBase {

  private static final String[] SMALL = {
      "data.synthetic.trainCount=1200", "data.synthetic.testCount=200", "data.height=16", "data.width=16",
      "model.type=inpainting", "model.inpainting.masks=[\"centre:0.5\", \"bottom:0.5\", \"random:0.5\"]",
      "model.encoderLayers=[64]", "model.latentSize=8", "train.batchSizePerWorker=32", "train.learningRate=0.003"};

  private static LatentSparkConfig config(String... more) {
    return TestData.config(java.util.stream.Stream.concat(java.util.Arrays.stream(SMALL), java.util.Arrays.stream(more)).toArray(String[]::new));
  }

  /** The gradient of the flat parameters for one minibatch (features, labels, labels mask). */
  private static INDArray gradient(MultiLayerNetwork net, DataSet ds) {
    net.setInput(ds.getFeatures());
    net.setLabels(ds.getLabels());
    net.setLayerMaskArrays(null, ds.getLabelsMaskArray());
    net.computeGradientAndScore();
    return net.gradient().gradient().dup();
  }

  @Test
  void maskedBatchesHideTheMissingPixelsAndTheLossCountsOnlyThem() {
    LatentSparkConfig cfg = config();
    List<PixelMask> masks = cfg.model().spec().trainingMasks(cfg.data().shape());
    assertEquals(3, masks.size());
    INDArray x = Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, 32, 256);
    DataSet ds = Batches.masked(x, masks, 1, 11);
    float[] f = ds.getFeatures().data().asFloat();
    float[] l = ds.getLabels().data().asFloat();
    float[] m = ds.getLabelsMaskArray().data().asFloat();
    float[] xs = x.data().asFloat();
    int missing = 0;
    for (int i = 0; i < xs.length; i++) {
      assertEquals(xs[i], l[i], "labels are the complete images");
      assertEquals(m[i] == 1 ? 0f : xs[i], f[i], "features are the images with the missing values at 0");
      missing += (int) m[i];
    }
    assertTrue(missing > 0.2 * xs.length && missing < 0.8 * xs.length, "about half the values are missing: " + missing);
    assertArrayEquals(m, Batches.masked(x, masks, 1, 11).getLabelsMaskArray().data().asFloat(), "the same seed draws the same masks");
    assertNotEquals(java.util.Arrays.toString(m), java.util.Arrays.toString(Batches.masked(x, masks, 1, 12).getLabelsMaskArray().data().asFloat()));

    MultiLayerNetwork net = new MultiLayerNetwork(NetworkFactory.build(cfg));
    net.init();
    INDArray g = gradient(net, ds);
    double score = net.score();
    // change the target at every observed value: neither the loss nor its gradient moves
    INDArray otherObserved = ds.getLabels().add(Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, 32, 256).mul(ds.getLabelsMaskArray().rsub(1)));
    INDArray g2 = gradient(net, new DataSet(ds.getFeatures(), otherObserved, null, ds.getLabelsMaskArray()));
    assertEquals(score, net.score(), 1e-9);
    assertEquals(0.0, g.sub(g2).amaxNumber().doubleValue(), 1e-9);
    // and so does fit(DataSet), the call the trainers make: one step from the same start lands on the same parameters
    INDArray start = net.params().dup();
    net.fit(ds);
    INDArray after = net.params().dup();
    MultiLayerNetwork twin = new MultiLayerNetwork(NetworkFactory.build(cfg));
    twin.init(start.dup(), true);
    twin.fit(new DataSet(ds.getFeatures(), otherObserved, null, ds.getLabelsMaskArray()));
    assertEquals(0.0, after.sub(twin.params()).amaxNumber().doubleValue(), 1e-7);
    assertTrue(after.sub(start).amaxNumber().doubleValue() > 1e-6, "the step moved the parameters");
    net.setParams(start);
    // change the target at the missing values: both do
    INDArray otherMissing = ds.getLabels().add(ds.getLabelsMaskArray().mul(0.5));
    INDArray g3 = gradient(net, new DataSet(ds.getFeatures(), otherMissing, null, ds.getLabelsMaskArray()));
    assertNotEquals(score, net.score(), 1e-6);
    assertTrue(g.sub(g3).amaxNumber().doubleValue() > 1e-6);
  }

  @Test
  void inpaintingModelTrainsOnSparkAndFillsHolesBetterThanTheMean() {
    LatentSparkConfig cfg = config("train.epochs=6", "train.workers=2");
    Dataset<Row> images = ImageSources.load(spark, cfg.data(), cfg.seed()).images().cache();
    AutoencoderModel m = new SparkTrainer(cfg).train(spark, images, new TrainingRun("synthetic", null, null, null));
    List<EpochStats> h = m.history();
    assertTrue(h.get(5).validationMse() < 0.8 * h.get(0).validationMse(), "the masked-pixel validation MSE must fall: " + h);
    for (String mask : List.of("centre:0.5", "bottom:0.5", "random:0.5")) {
      LatentSparkConfig c = TestData.config(concat(SMALL, "impute.mask=\"" + mask + "\""));
      Imputer.Result r = Imputer.run(spark, m, images, c.impute(), c.impute().mask(c.data()), 1, 64, c.seed());
      assertEquals(200, r.rows());
      assertTrue(r.mseMissing() < 0.8 * r.mseMissingMeanFill(), mask + ": inpainted " + r.mseMissing() + " vs mean fill " + r.mseMissingMeanFill());
    }
  }

  @Test
  void masksThatDoNotFitTheImagesAreConfigErrors() {
    var e = assertThrows(ConfigError.class, () -> config("model.inpainting.masks=[\"rect:10,10,8,8\"]"));
    assertTrue(e.getMessage().contains("model.inpainting.masks") && e.getMessage().contains("rect:10,10,8,8")
        && e.getMessage().contains("inside the 16x16 image"), e.getMessage());
    var empty = assertThrows(ConfigError.class, () -> config("model.inpainting.masks=[]"));
    assertTrue(empty.getMessage().contains("model.inpainting.masks"), empty.getMessage());
    var bad = assertThrows(ConfigError.class, () -> config("model.inpainting.masks=[\"boxes:0,0.3\"]"));
    assertTrue(bad.getMessage().contains("boxes:0,0.3") && bad.getMessage().contains("1 <= n <= 64"), bad.getMessage());
  }

  private static String[] concat(String[] a, String... b) {
    return java.util.stream.Stream.concat(java.util.Arrays.stream(a), java.util.Arrays.stream(b)).toArray(String[]::new);
  }
}
