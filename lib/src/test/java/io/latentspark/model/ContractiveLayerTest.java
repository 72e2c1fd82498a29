package io.latentspark.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.latentspark.TestData;
import io.latentspark.config.ConfigError;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/** Gradient checks of the contractive latent layer, and its penalty against a direct computation of ||J||_F^2. */
class ContractiveLayerTest {

  static MultiLayerNetwork network(String hidden, double lambda) {
    return GradientChecks.network("model.type=contractive", "model.encoderLayers=" + hidden, "model.latentSize=3", "model.activation=tanh",
        "model.latentActivation=sigmoid", "model.contractive.lambda=" + lambda);
  }

  @ParameterizedTest
  @ValueSource(strings = {"[]", "[5]"})
  void gradientsMatchFiniteDifferences(String hidden) {
    GradientChecks.inDouble(() -> {
      MultiLayerNetwork net = network(hidden, 0.8);
      Nd4j.getRandom().setSeed(4);
      assertTrue(GradientChecks.passes(net, Nd4j.rand(DataType.DOUBLE, 5, 8)), "gradient check, encoder layers " + hidden);
    });
  }

  /** The score difference to lambda = 0 equals lambda x the mean squared Frobenius norm of the Jacobian, by finite differences. */
  @Test
  void penaltyIsTheJacobianNorm() {
    GradientChecks.inDouble(() -> {
      MultiLayerNetwork net = network("[]", 0.5);
      MultiLayerNetwork plain = network("[]", 0.0);
      plain.setParams(net.params().dup());
      INDArray x = Nd4j.rand(DataType.DOUBLE, 4, 8);
      double diff = net.score(new DataSet(x, x), true) - plain.score(new DataSet(x, x), true);
      double jacobian = 0;
      double eps = 1e-6;
      for (int n = 0; n < 4; n++) {
        for (int i = 0; i < 8; i++) {
          INDArray up = x.getRow(n).dup().reshape(1, 8);
          INDArray down = up.dup();
          up.putScalar(0, i, up.getDouble(0, i) + eps);
          down.putScalar(0, i, down.getDouble(0, i) - eps);
          INDArray d = net.feedForward(up, false).get(1).sub(net.feedForward(down, false).get(1)).divi(2 * eps);
          jacobian += d.mul(d).sumNumber().doubleValue();
        }
      }
      assertEquals(0.5 * jacobian / 4, diff, 1e-6);
    });
  }

  @Test
  void needsSigmoidLatentUnits() {
    var e = assertThrows(ConfigError.class, () -> TestData.config("model.type=contractive"));
    assertTrue(e.getMessage().startsWith("Cannot set model.latentActivation to \"identity\""), e.getMessage());
  }
}
