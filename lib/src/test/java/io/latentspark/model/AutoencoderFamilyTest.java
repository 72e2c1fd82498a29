package io.latentspark.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.latentspark.TestData;
import io.latentspark.config.ConfigError;
import io.latentspark.config.LatentSparkConfig;
import java.util.List;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The networks of the convolutional, variational and sequence-to-sequence autoencoders: gradient checks of
 * LatentSpark's VAE sampling layer and sequence reshaping (and of the whole small networks that use them), the
 * VAE's score as the negative ELBO, shapes, and the configuration rules.
 */
class AutoencoderFamilyTest {

  private static MultiLayerNetwork vae(String loss, double beta) {
    return GradientChecks.network("model.type=vae", "model.encoderLayers=[5]", "model.latentSize=3", "model.activation=tanh",
        "model.loss=" + loss, "model.vae.beta=" + beta);
  }

  @ParameterizedTest
  @ValueSource(strings = {"bce", "mse"})
  void vaeGradientsMatchFiniteDifferences(String loss) {
    GradientChecks.inDouble(() -> {
      MultiLayerNetwork net = vae(loss, 0.7);
      Nd4j.getRandom().setSeed(5);
      assertTrue(GradientChecks.passesWithFixedNoise(net, Nd4j.rand(DataType.DOUBLE, 6, 8)), "gradient check of the " + loss + " VAE");
    });
  }

  /** At inference z = mu, and the score is the summed Bernoulli cross-entropy plus the closed-form KL, per image. */
  @Test
  void vaeScoreIsTheNegativeElboAndInferenceUsesMu() {
    GradientChecks.inDouble(() -> {
      MultiLayerNetwork net = vae("bce", 1.0);
      Nd4j.getRandom().setSeed(9);
      INDArray x = Nd4j.rand(DataType.DOUBLE, 6, 8);
      List<INDArray> acts = net.feedForward(x, false);
      INDArray muLogVar = acts.get(2);
      INDArray mu = muLogVar.get(NDArrayIndex.all(), NDArrayIndex.interval(0, 3));
      INDArray logVar = muLogVar.get(NDArrayIndex.all(), NDArrayIndex.interval(3, 6));
      assertEquals(mu, acts.get(3), "inference code = mu");
      INDArray p = acts.get(acts.size() - 1);
      double expected = 0;
      for (int i = 0; i < 6; i++) {
        for (int j = 0; j < 8; j++) {
          double y = x.getDouble(i, j);
          double q = p.getDouble(i, j);
          expected -= (y * Math.log(q) + (1 - y) * Math.log(1 - q)) / 6;
        }
        for (int j = 0; j < 3; j++) {
          double m = mu.getDouble(i, j);
          double v = logVar.getDouble(i, j);
          expected += 0.5 * (Math.exp(v) + m * m - 1 - v) / 6;
        }
      }
      assertEquals(expected, net.score(new DataSet(x, x), false), 1e-6, "score = negative ELBO per image (nats)");
      // training passes sample: two passes give different codes around mu
      INDArray z1 = net.feedForward(x, true).get(3);
      INDArray z2 = net.feedForward(x, true).get(3);
      assertNotEquals(z1, z2);
      assertNotEquals(mu, z1);
    });
  }

  @Test
  void sequenceReshapeTakesImageRowsAsTimeSteps() {
    // 2 channels, 3 rows, 4 columns: value = 100 c + 10 y + x
    INDArray flat = Nd4j.create(DataType.FLOAT, 1, 24);
    for (int c = 0; c < 2; c++) {
      for (int y = 0; y < 3; y++) {
        for (int x = 0; x < 4; x++) {
          flat.putScalar(new long[] {0, c * 12 + y * 4 + x}, 100 * c + 10 * y + x);
        }
      }
    }
    INDArray seq = SequenceReshape.flatToSequence(flat, 2, 3, 4);
    assertArrayEquals(new long[] {1, 8, 3}, seq.shape());
    for (int c = 0; c < 2; c++) {
      for (int y = 0; y < 3; y++) {
        for (int x = 0; x < 4; x++) {
          assertEquals(100 * c + 10 * y + x, seq.getFloat(0, c * 4 + x, y), "feature (c=" + c + ", x=" + x + ") at step y=" + y);
        }
      }
    }
    assertEquals(flat, SequenceReshape.sequenceToFlat(seq, 2, 3, 4));
  }

  @Test
  void sequenceToSequenceGradientsMatchFiniteDifferences() {
    GradientChecks.inDouble(() -> {
      MultiLayerNetwork net = GradientChecks.network("model.type=seq2seq", "model.latentSize=2", "model.seq2seq.hidden=3");
      Nd4j.getRandom().setSeed(7);
      INDArray x = Nd4j.rand(DataType.DOUBLE, 4, 8);
      assertArrayEquals(new long[] {4, 8}, net.output(x).shape(), "flat reconstruction");
      assertTrue(GradientChecks.passes(net, x), "gradient check of the LSTM sequence-to-sequence autoencoder");
    });
  }

  @ParameterizedTest
  @ValueSource(strings = {"conv", "vae"})
  void convolutionalGradientsMatchFiniteDifferences(String type) {
    GradientChecks.inDouble(() -> {
      MultiLayerNetwork net = GradientChecks.network("model.type=" + type, "model.vae.architecture=conv", "data.height=4", "data.width=4",
          "model.conv.channels=[2]", "model.latentSize=2", "model.activation=tanh");
      Nd4j.getRandom().setSeed(3);
      INDArray x = Nd4j.rand(DataType.DOUBLE, 3, 16);
      assertArrayEquals(new long[] {3, 16}, net.output(x).shape(), "flat reconstruction");
      assertTrue(GradientChecks.passesWithFixedNoise(net, x), "gradient check of the " + type + " convolutional network");
    });
  }

  @Test
  void convolutionalNetworksFitColourImagesAndNameTheirShapeRule() {
    LatentSparkConfig cfg = TestData.config("model.type=conv", "data.channels=3", "data.height=32", "data.width=24", "model.conv.channels=[8, 16, 16]");
    MultiLayerNetwork net = new MultiLayerNetwork(NetworkFactory.build(cfg));
    net.init();
    INDArray x = Nd4j.rand(DataType.FLOAT, 2, 3 * 32 * 24);
    assertArrayEquals(new long[] {2, 3 * 32 * 24}, net.output(x).shape());
    assertArrayEquals(new long[] {2, 32}, net.feedForward(x, false).get(NetworkFactory.latentLayerIndex(cfg) + 1).shape());
    ConfigError e = assertThrows(ConfigError.class, () -> TestData.config("model.type=conv", "data.height=28", "data.width=28",
        "model.conv.channels=[8, 16, 16]"));
    assertEquals("Cannot set model.conv.channels to [8, 16, 16]: each of the 3 stride-2 convolutions halves the image, so data.height and "
        + "data.width must be divisible by 8 (they are 28 x 28): resize the images (data.height, data.width) or use fewer convolutions",
        e.getMessage());
    ConfigError k = assertThrows(ConfigError.class, () -> TestData.config("model.type=conv", "model.conv.kernel=4"));
    assertTrue(k.getMessage().startsWith("Cannot set model.conv.kernel to 4: the kernel side must be odd"), k.getMessage());
  }

  /**
   * The score DL4J reports after a fit step (the training loss, which the divergence guard reads) is the loss of
   * the network's actual output; a sigmoid inside DL4J's LossLayer once made it the loss of a garbled output.
   */
  @ParameterizedTest
  @ValueSource(strings = {"conv", "seq2seq"})
  void trainingScoreIsTheLossOfTheOutput(String type) {
    LatentSparkConfig cfg = TestData.config("model.type=" + type, "data.height=16", "data.width=16", "model.conv.channels=[8, 16]",
        "model.latentSize=8");
    MultiLayerNetwork net = new MultiLayerNetwork(NetworkFactory.build(cfg));
    net.init();
    Nd4j.getRandom().setSeed(1);
    INDArray x = Nd4j.rand(DataType.FLOAT, 32, 256).muli(0.3);
    DataSet ds = new DataSet(x, x);
    for (int i = 0; i < 20; i++) {
      net.fit(ds);
    }
    double now = net.score(ds);
    assertEquals(now, net.score(), 0.1 * now, "training score after the last step vs the loss of the output");
  }

  /** Every new type's network configuration, custom layers and preprocessors included, survives DL4J's JSON. */
  @ParameterizedTest
  @ValueSource(strings = {"conv", "vae", "seq2seq", "stacked"})
  void configurationsSurviveJson(String type) {
    MultiLayerConfiguration conf = NetworkFactory.build(TestData.config("model.type=" + type));
    assertEquals(conf, MultiLayerConfiguration.fromJson(conf.toJson()));
    MultiLayerConfiguration convVae = NetworkFactory.build(TestData.config("model.type=vae", "model.vae.architecture=conv"));
    assertEquals(convVae, MultiLayerConfiguration.fromJson(convVae.toJson()));
  }
}
