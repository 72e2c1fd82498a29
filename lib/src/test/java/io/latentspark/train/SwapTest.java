package io.latentspark.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.latentspark.SparkTestBase;
import io.latentspark.TestData;
import io.latentspark.analysis.FaceSwap;
import io.latentspark.config.LatentSparkConfig;
import io.latentspark.config.RunLayout;
import io.latentspark.data.ImageSchema;
import io.latentspark.data.ImageSources;
import io.latentspark.data.Splits;
import io.latentspark.model.SwapModel;
import io.latentspark.pipeline.SwapAction;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The face swap network: each decoder learns only from its identity's images, the encoder from all; on Spark the
 * decoders reconstruct their own identity better than its mean image, and a swapped image looks like the target.
 */
class SwapTest extends SparkTestBase {

  private static LatentSparkConfig config(String... more) {
    String[] base = {"data.synthetic.trainCount=1200", "data.synthetic.testCount=300", "data.height=16", "data.width=16",
        "model.encoderLayers=[64]", "model.latentSize=16", "train.batchSizePerWorker=32", "train.learningRate=0.003", "train.workers=2",
        "swap.identities=[disc, square]", "swap.epochs=60", "swap.heldOut=0.25"};
    return TestData.config(java.util.stream.Stream.concat(java.util.Arrays.stream(base), java.util.Arrays.stream(more)).toArray(String[]::new));
  }

  /** The gradient of every parameter, by DL4J's name (layer_param). */
  private static Map<String, INDArray> gradients(ComputationGraph g, MultiDataSet batch) {
    g.setInputs(batch.getFeatures());
    g.setLabels(batch.getLabels());
    g.setLayerMaskArrays(null, batch.getLabelsMaskArrays());
    g.computeGradientAndScore();
    Map<String, INDArray> out = new TreeMap<>();
    g.gradient().gradientForVariable().forEach((k, v) -> out.put(k, v.dup()));
    return out;
  }

  @Test
  void eachDecoderLearnsOnlyFromItsIdentity() {
    LatentSparkConfig cfg = config("model.type=conv", "model.conv.channels=[4, 8]");
    ComputationGraph g = SwapModel.network(cfg, 2);
    assertEquals(2, g.getNumOutputArrays());
    int n = cfg.data().inputSize();
    int[] who = {0, 1, 0, 1, 1, 0};
    INDArray x = Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, who.length, n);
    Map<String, INDArray> before = gradients(g, SwapTrainer.minibatch(x, who, 2));
    INDArray other = x.dup();
    for (int i = 0; i < who.length; i++) {
      if (who[i] == 1) {
        other.putRow(i, Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, 1, n));
      }
    }
    Map<String, INDArray> after = gradients(g, SwapTrainer.minibatch(other, who, 2));
    int decoder0 = 0;
    for (String p : before.keySet()) {
      boolean same = before.get(p).equals(after.get(p));
      if (p.startsWith("decoder0_")) {
        decoder0++;
        assertTrue(same, "decoder 0's gradient " + p + " does not depend on identity 1's images");
      } else {
        assertFalse(same, p + " learns from identity 1's images");
        assertTrue(before.get(p).amaxNumber().doubleValue() > 0, p);
      }
    }
    assertTrue(decoder0 >= 4, "decoder 0 has its own layers: " + before.keySet());
    assertTrue(before.keySet().stream().anyMatch(p -> p.startsWith("encoder")), before.keySet().toString());
    assertTrue(before.keySet().stream().anyMatch(p -> p.startsWith("decoder1_")), before.keySet().toString());
  }

  @Test
  void mirrorFlipsEachRowOfEachChannel() {
    var shape = new io.latentspark.spec.ImageShape(2, 2, 3);
    float[] px = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
    assertArrayEquals(new float[] {3, 2, 1, 6, 5, 4, 9, 8, 7, 12, 11, 10}, SwapTrainer.mirror(px, shape));
  }

  @Test
  void heldOutImagesAreDrawnPerIdentity() {
    LatentSparkConfig cfg = config();
    Dataset<Row> images = Splits.holdOutPerLabel(ImageSources.load(spark, cfg.data(), cfg.seed()).images(), List.of("disc", "ring"), 0.25, 7);
    for (Row r : images.groupBy(ImageSchema.LABEL).pivot(ImageSchema.SPLIT).count().collectAsList()) {
      String label = r.getString(0);
      long test = r.getAs(ImageSchema.TEST);
      long train = r.getAs(ImageSchema.TRAIN);
      if (label.equals("disc") || label.equals("ring")) {
        assertEquals(Math.round(0.25 * (test + train)), test, label + ": a quarter held out, none in validation");
      }
    }
  }

  @Test
  void swapOnSparkTrainsJudgesAndWritesTheGrids(@TempDir Path dir) throws Exception {
    LatentSparkConfig cfg = config();
    RunLayout out = new RunLayout(dir.toString());
    SwapAction.Result r = new SwapAction(spark, cfg, out).execute();
    FaceSwap.Result s = r.swap();
    assertEquals(List.of("disc", "square"), s.identities().stream().map(FaceSwap.Identity::label).toList());
    for (FaceSwap.Identity i : s.identities()) {
      assertTrue(i.heldOutImages() > 20 && i.trainImages() > 60, i.toString());
      assertTrue(i.ownMse() < 0.8 * i.meanFaceMse(), "decoder " + i.label() + " reconstructs its own held-out images: " + i);
    }
    assertEquals(2, s.pairs().size());
    assertEquals(10, s.classifierLabels());
    assertTrue(s.realAccuracy() > 0.8, "the classifier knows the real shapes: " + s.realAccuracy());
    for (FaceSwap.Pair p : s.pairs()) {
      assertTrue(p.assignedToTarget() > 0.6 && p.assignedToSource() < 0.3, "a swap looks like the target: " + p);
    }
    Path swap = Path.of(out.swap());
    for (String f : List.of("disc-as-square.png", "square-as-disc.png", "swap.json", "model/swap.json", "model/network.zip")) {
      assertTrue(Files.size(swap.resolve(f)) > 100, f);
    }
    assertEquals(60, SwapModel.load(swap.resolve("model").toString(), new org.apache.hadoop.conf.Configuration()).history().size());

    SwapAction.Result again = new SwapAction(spark, cfg, new RunLayout(dir.resolve("again").toString())).network(swap.resolve("model").toString())
        .execute();
    assertEquals(s.pairs(), again.swap().pairs(), "the saved network judged again: the same held-out images, the same swaps");
    assertEquals(s.identities(), again.swap().identities());

    var one = assertThrows(IllegalArgumentException.class,
        () -> new SwapAction(spark, config("swap.identities=[]"), new RunLayout(dir.resolve("x").toString())).execute());
    assertTrue(one.getMessage().contains("swap.identities"), one.getMessage());
    var none = assertThrows(IllegalArgumentException.class,
        () -> new SwapAction(spark, config("swap.identities=[disc, nobody]"), new RunLayout(dir.resolve("y").toString())).execute());
    assertTrue(none.getMessage().contains("nobody") && none.getMessage().contains("disc"), none.getMessage());
  }
}
