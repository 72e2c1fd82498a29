package io.latentspark.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.latentspark.TestData;
import io.latentspark.config.ConfigError;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Gradient checks of the sparsity layer (penalty in the score, its gradient through backprop), and its behaviour. */
class SparsityLayerTest {

  static MultiLayerNetwork network(String penalty, String latentActivation) {
    return GradientChecks.network("model.type=sparse", "model.encoderLayers=[5]", "model.latentSize=4", "model.activation=sigmoid",
        "model.latentActivation=" + latentActivation, "model.sparsity.penalty=" + penalty, "model.sparsity.weight=0.7",
        "model.sparsity.target=0.2", "model.sparsity.k=2");
  }

  @ParameterizedTest
  @ValueSource(strings = {"kl", "l1", "l2", "k-sparse"})
  void gradientsMatchFiniteDifferences(String penalty) {
    GradientChecks.inDouble(() -> {
      MultiLayerNetwork net = network(penalty, penalty.equals("kl") ? "sigmoid" : "tanh");
      Nd4j.getRandom().setSeed(3);
      assertTrue(GradientChecks.passes(net, Nd4j.rand(DataType.DOUBLE, 6, 8)), "gradient check of the " + penalty + " sparsity layer");
    });
  }

  @Test
  void penaltyIsPartOfTheScoreAndKSparseKeepsK() {
    INDArray x = Nd4j.rand(DataType.DOUBLE, 6, 8);
    MultiLayerNetwork kl = network("kl", "sigmoid");
    double withPenalty = kl.score(new org.nd4j.linalg.dataset.DataSet(x, x), true);
    INDArray codes = kl.feedForward(x, false).get(3);
    double rho = 0.2;
    double expected = 0;
    for (int j = 0; j < 4; j++) {
      double r = codes.getColumn(j).meanNumber().doubleValue();
      expected += rho * Math.log(rho / r) + (1 - rho) * Math.log((1 - rho) / (1 - r));
    }
    // the same network and parameters without the penalty (weight 0) scores exactly 0.7 x KL less
    MultiLayerConfiguration noPenalty = kl.getLayerWiseConfigurations().clone();
    SparsityLayer layer = (SparsityLayer) noPenalty.getConf(2).getLayer();
    noPenalty.getConf(2).setLayer(new SparsityLayer(layer.penalty(), 0.0, layer.target(), layer.k()));
    MultiLayerNetwork plain = new MultiLayerNetwork(noPenalty);
    plain.init(kl.params().dup(), false);
    double without = plain.score(new org.nd4j.linalg.dataset.DataSet(x, x), true);
    assertTrue(expected > 0);
    assertEquals(0.7 * expected, withPenalty - without, 1e-6, "score difference = weight x KL");

    MultiLayerNetwork ks = network("k-sparse", "tanh");
    INDArray sparse = ks.feedForward(x, false).get(3);
    for (int i = 0; i < 6; i++) {
      int nonZero = 0;
      for (int j = 0; j < 4; j++) {
        nonZero += sparse.getDouble(i, j) != 0 ? 1 : 0;
      }
      assertEquals(2, nonZero, "k = 2 units kept in row " + i);
    }
  }

  @Test
  void settingsAreChecked() {
    var kl = assertThrows(ConfigError.class, () -> TestData.config("model.type=sparse", "model.sparsity.penalty=kl"));
    assertTrue(kl.getMessage().contains("set model.latentActivation = sigmoid"), kl.getMessage());
    var k = assertThrows(ConfigError.class, () -> TestData.config("model.type=sparse", "model.sparsity.penalty=k-sparse", "model.sparsity.k=32"));
    assertTrue(k.getMessage().startsWith("Cannot set model.sparsity.k to 32"), k.getMessage());
  }
}
