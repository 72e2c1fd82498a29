package io.latentspark.model;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.latentspark.TestData;
import io.latentspark.config.LatentSparkConfig;
import java.util.List;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNConvHelper;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * LatentSpark's convolution layers compute what DL4J's own layers compute: the same network built with DL4J's
 * ConvolutionLayer / Deconvolution2D (same parameters) gives the same reconstructions, score and gradient of every
 * parameter, in float (LatentSpark's oneDNN path) and in double (where they fall back to DL4J's code). Shapes cover
 * kernels 3, 5 and 7, one and three channels, and odd feature-map sizes (9 x 7 before the first transposed convolution).
 */
class FastConvolutionsTest {
  static final String[][] CASES = {
      {"model.type=conv"},
      {"model.type=conv", "data.channels=3", "data.height=32", "data.width=32", "model.conv.channels=[8,16,32]", "model.conv.kernel=5"},
      {"model.type=conv", "data.height=36", "data.width=28", "model.conv.channels=[8,16]", "model.conv.kernel=7", "model.activation=leakyrelu"},
      {"model.type=conv-denoising", "model.corruption.type=gaussian", "model.corruption.amount=0.1", "model.conv.channels=[8,16]"},
  };

  static MultiLayerConfiguration dl4jLayers(MultiLayerConfiguration ours) {
    String json = ours.toJson();
    assertTrue(json.contains("FastConvolutions$Convolution") && json.contains("FastConvolutions$Deconvolution"), json);
    return MultiLayerConfiguration.fromJson(json
        .replace("\"io.latentspark.model.FastConvolutions$Convolution\"", "\"org.deeplearning4j.nn.conf.layers.ConvolutionLayer\"")
        .replace("\"io.latentspark.model.FastConvolutions$Deconvolution\"", "\"org.deeplearning4j.nn.conf.layers.Deconvolution2D\""));
  }

  @ParameterizedTest
  @ValueSource(strings = {"FLOAT", "DOUBLE"})
  void outputsScoresAndGradientsEqualDl4jsLayers(String type) {
    DataType dtype = DataType.valueOf(type);
    for (String[] sets : CASES) {
      LatentSparkConfig cfg = TestData.config(sets);
      MultiLayerNetwork[] nets = SameAsDl4j.pair(cfg, FastConvolutionsTest::dl4jLayers, dtype);
      MultiLayerNetwork a = nets[0];
      MultiLayerNetwork b = nets[1];
      String what = type + " " + List.of(sets);
      if (dtype == DataType.FLOAT) {
        boolean helper = false;
        for (Layer l : a.getLayers()) {
          if (l instanceof FastConvolutions.ConvolutionImpl) {
            assertInstanceOf(MKLDNNConvHelper.class, l.getHelper(), what);
            helper = true;
          }
        }
        assertTrue(helper, what);
      }
      SameAsDl4j.assertSamePasses(a, b, Nd4j.rand(dtype, 16, cfg.data().inputSize()), dtype == DataType.FLOAT ? 2e-5 : 1e-12, what);
    }
  }

  /**
   * Training for many iterations on the same input array (as a Spark worker reuses its minibatch array) follows DL4J's
   * layers: the pre-activations the float layers keep from a forward pass for the backward pass never stand in for
   * another pass's. Float (the kept path), so the trajectories agree to float rounding, far from what one stale array
   * would do.
   */
  @org.junit.jupiter.api.Test
  void trainingFollowsDl4jsLayersIterationAfterIteration() {
    LatentSparkConfig cfg = TestData.config("model.type=conv-denoising", "model.corruption.type=gaussian", "model.corruption.amount=0.1",
        "model.conv.channels=[8,16]");
    MultiLayerNetwork[] nets = SameAsDl4j.pair(cfg, FastConvolutionsTest::dl4jLayers, DataType.FLOAT);
    Nd4j.getRandom().setSeed(5);
    INDArray x = Nd4j.rand(DataType.FLOAT, 16, cfg.data().inputSize());
    SameAsDl4j.assertTrainAlike(nets[0], nets[1], new org.nd4j.linalg.dataset.DataSet(x, x), 20, 1e-4, 1e-3, "conv-denoising");
  }
}
