package io.latentspark.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.latentspark.TestData;
import io.latentspark.config.ConfigError;
import io.latentspark.config.LatentSparkConfig;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The denoising corruptions do what they say, pass gradients only where the input got through, and survive the config JSON. */
class CorruptionTest {
  static final int N = 200;
  static final int H = 10;
  static final int W = 10;

  /** Inputs in (0.2, 0.8): never exactly 0 or 1, so replaced values are recognisable. */
  static INDArray input() {
    Nd4j.getRandom().setSeed(11);
    return Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, N, H * W).muli(0.6).addi(0.2);
  }

  @Test
  void maskingZeroesTheFractionAndBlocksTheirGradient() {
    INDArray x = input();
    Corruption c = new Corruption("masking", 0.3, 0.4, 1, H, W);
    INDArray y = c.corrupt(x, x.dup());
    double zeros = y.eq(0).castTo(x.dataType()).meanNumber().doubleValue();
    assertEquals(0.3, zeros, 0.02);
    INDArray kept = y.neq(0).castTo(x.dataType());
    assertEquals(0.0, y.sub(x.mul(kept)).norm2Number().doubleValue(), 1e-6, "kept values are unchanged (no dropout rescaling)");
    // d(sum(g * out))/d(in) = g where the input got through, 0 where it was replaced
    INDArray g = Nd4j.rand(x.dataType(), N, H * W);
    INDArray back = c.backprop(g, g.dup(), 0, 0);
    assertEquals(0.0, back.sub(g.mul(kept)).norm2Number().doubleValue(), 1e-6);
  }

  @Test
  void saltAndPepperSetsHalfToZeroAndHalfToOne() {
    INDArray x = input();
    INDArray y = new Corruption("salt-pepper", 0.2, 0.4, 1, H, W).corrupt(x, x.dup());
    double ones = y.eq(1).castTo(x.dataType()).meanNumber().doubleValue();
    double zeros = y.eq(0).castTo(x.dataType()).meanNumber().doubleValue();
    assertEquals(0.1, ones, 0.015);
    assertEquals(0.1, zeros, 0.015);
    double unchanged = y.eq(x).castTo(x.dataType()).meanNumber().doubleValue();
    assertEquals(1.0, unchanged + ones + zeros, 1e-6); // float means
  }

  @Test
  void gaussianAddsNoiseOfTheGivenDeviation() {
    INDArray x = input();
    INDArray y = new Corruption("gaussian", 0.25, 0.4, 1, H, W).corrupt(x, x.dup());
    INDArray d = y.sub(x);
    assertEquals(0.0, d.meanNumber().doubleValue(), 0.01);
    assertEquals(0.25, d.stdNumber().doubleValue(), 0.01);
  }

  @Test
  void occlusionBlanksOneRectanglePerImageInEveryChannel() {
    Nd4j.getRandom().setSeed(5);
    INDArray x = Nd4j.ones(org.nd4j.linalg.api.buffer.DataType.FLOAT, 50, 3 * H * W);
    INDArray y = new Corruption("occlusion", 0.3, 0.4, 3, H, W).corrupt(x, x.dup());
    for (int i = 0; i < 50; i++) {
      float[] img = y.getRow(i).toFloatVector();
      int minX = W;
      int maxX = -1;
      int minY = H;
      int maxY = -1;
      int zeros = 0;
      for (int p = 0; p < H * W; p++) {
        assertTrue(img[p] == img[H * W + p] && img[p] == img[2 * H * W + p], "same rectangle in every channel");
        if (img[p] == 0) {
          zeros++;
          minX = Math.min(minX, p % W);
          maxX = Math.max(maxX, p % W);
          minY = Math.min(minY, p / W);
          maxY = Math.max(maxY, p / W);
        }
      }
      assertEquals(16, zeros, "a 4 x 4 rectangle (0.4 of 10 px)");
      assertEquals(4, maxX - minX + 1);
      assertEquals(4, maxY - minY + 1);
    }
  }

  @Test
  void denoisingNetworksCarryTheirCorruptionThroughJsonAndValidateSettings() {
    LatentSparkConfig cfg = TestData.config("model.type=denoising", "model.corruption.type=occlusion", "model.corruption.size=0.25");
    MultiLayerConfiguration conf = NetworkFactory.build(cfg);
    MultiLayerConfiguration back = MultiLayerConfiguration.fromJson(conf.toJson());
    assertEquals(new Corruption("occlusion", 0.3, 0.25, 1, 28, 28), ((BaseLayer) back.getConf(0).getLayer()).getIDropout());
    assertEquals(null, ((BaseLayer) NetworkFactory.build(TestData.config()).getConf(0).getLayer()).getIDropout(), "dense: none");
    var e = org.junit.jupiter.api.Assertions.assertThrows(ConfigError.class,
        () -> TestData.config("model.type=denoising", "model.corruption.type=masking", "model.corruption.amount=1.5"));
    assertEquals("Cannot set model.corruption.amount to 1.5: for masking it is a fraction: > 0 and < 1", e.getMessage());
  }
}
