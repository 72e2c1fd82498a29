package io.latentspark.model;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.latentspark.TestData;
import io.latentspark.config.LatentSparkConfig;
import java.util.List;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * LatentSpark's dense and output layers compute what DL4J's own layers compute: the same network built with DL4J's
 * DenseLayer / OutputLayer (same parameters) gives the same reconstructions, score and gradient of every parameter,
 * in float and double. The cases cover layers on both sides of {@link FastDense#LARGE} (both product layouts),
 * MSE and cross-entropy, corruption (dropout on a layer's input), the sparsity and VAE layers between dense ones,
 * dense layers applied per time step (seq2seq), and the dense layers of the conv model.
 */
class FastDenseTest {
  static final String[][] CASES = {
      {},
      {"model.loss=bce", "model.encoderLayers=[300,40]", "model.latentSize=10"},
      {"model.type=denoising", "model.corruption.type=gaussian", "model.corruption.amount=0.2"},
      {"model.type=sparse", "model.latentActivation=sigmoid"},
      {"model.type=stacked", "model.activation=tanh"},
      {"model.type=vae", "model.loss=bce"},
      {"model.type=seq2seq", "model.seq2seq.hidden=16"},
      {"model.type=conv", "model.conv.channels=[4,8]"},
  };

  static MultiLayerConfiguration dl4jLayers(MultiLayerConfiguration ours) {
    String json = ours.toJson();
    assertTrue(json.contains("FastDense$Dense") || json.contains("FastDense$Output"), json);
    return MultiLayerConfiguration.fromJson(json
        .replace("\"io.latentspark.model.FastDense$Dense\"", "\"org.deeplearning4j.nn.conf.layers.DenseLayer\"")
        .replace("\"io.latentspark.model.FastDense$Output\"", "\"org.deeplearning4j.nn.conf.layers.OutputLayer\""));
  }

  @ParameterizedTest
  @ValueSource(strings = {"FLOAT", "DOUBLE"})
  void outputsScoresAndGradientsEqualDl4jsLayers(String type) {
    DataType dtype = DataType.valueOf(type);
    boolean large = false;
    boolean small = false;
    for (String[] sets : CASES) {
      LatentSparkConfig cfg = TestData.config(sets);
      MultiLayerNetwork[] nets = SameAsDl4j.pair(cfg, FastDenseTest::dl4jLayers, dtype);
      MultiLayerNetwork a = nets[0];
      MultiLayerNetwork b = nets[1];
      String what = type + " " + List.of(sets);
      int fast = 0;
      for (Layer l : a.getLayers()) {
        Layer inner = l instanceof org.deeplearning4j.nn.layers.recurrent.TimeDistributedLayer t ? t.getUnderlying() : l;
        if (inner instanceof FastDense.DenseImpl || inner instanceof FastDense.OutputImpl) {
          fast++;
          long weights = inner.getParam("W").length();
          large |= weights >= FastDense.LARGE;
          small |= weights < FastDense.LARGE;
        }
      }
      assertTrue(fast >= 2, what + ": " + fast + " LatentSpark dense layers");
      INDArray x = Nd4j.rand(dtype, 16, cfg.data().inputSize());
      SameAsDl4j.assertSamePasses(a, b, x, dtype == DataType.FLOAT ? 2e-5 : 1e-12, what);
    }
    assertTrue(large && small, "both product layouts covered");
  }

  /**
   * Training for many iterations on the same input array (as a Spark worker reuses its minibatch array) follows DL4J's
   * layers: the pre-activations kept from one pass never stand in for another's. Double precision, so that the two
   * trajectories agree closely enough to show a single stale array.
   */
  @ParameterizedTest
  @ValueSource(strings = {"dense", "denoising", "vae"})
  void trainingFollowsDl4jsLayersIterationAfterIteration(String type) {
    LatentSparkConfig cfg = TestData.config("model.type=" + type);
    MultiLayerNetwork[] nets = SameAsDl4j.pair(cfg, FastDenseTest::dl4jLayers, DataType.DOUBLE);
    Nd4j.getRandom().setSeed(5);
    INDArray x = Nd4j.rand(DataType.DOUBLE, 24, cfg.data().inputSize());
    SameAsDl4j.assertTrainAlike(nets[0], nets[1], new DataSet(x, x), 30, 1e-9, 1e-9, type);
  }
}
