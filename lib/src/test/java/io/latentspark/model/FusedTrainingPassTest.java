package io.latentspark.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.latentspark.TestData;
import io.latentspark.config.LatentSparkConfig;
import java.util.List;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.impl.LossMSE;

/**
 * The two shortcuts of a float training pass change nothing that training reads: {@link SigmoidSquaredError} gives
 * DL4J's MSE gradient through a sigmoid bit for bit and its score to float rounding, and {@link TrainingNetwork}
 * leaves the parameter gradients as they are while skipping the input gradient that {@code fit} throws away (and still
 * returns it to callers that ask for it).
 */
class FusedTrainingPassTest {

  @Test
  void sigmoidSquaredErrorIsDl4jsMseGradientBitForBit() {
    Nd4j.getRandom().setSeed(3);
    INDArray z = Nd4j.rand(DataType.FLOAT, 37, 784).subi(0.5).muli(12); // saturated and central values
    INDArray y = Nd4j.rand(DataType.FLOAT, 37, 784);
    y.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 5), org.nd4j.linalg.indexing.NDArrayIndex.all()).assign(0); // exact 0s, 1s
    y.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(5, 9), org.nd4j.linalg.indexing.NDArrayIndex.all()).assign(1);
    OutputLayer conf = new OutputLayer.Builder(new LossMSE()).nIn(4).nOut(784).activation(new FastActivations.Sigmoid()).build();
    assertTrue(SigmoidSquaredError.applies(conf, z, y, null));
    INDArray expected = new LossMSE().computeGradient(y, z.dup(), new FastActivations.Sigmoid(), null);
    double expectedScore = new LossMSE().computeScore(y, z.dup(), new FastActivations.Sigmoid(), null, false);
    INDArray fused = z.dup();
    double sum = new SigmoidSquaredError().gradientInPlace(fused, y);
    assertArrayEquals(expected.data().asFloat(), fused.data().asFloat(), 0f, "gradient");
    assertEquals(expectedScore, sum / 784, Math.abs(expectedScore) * 1e-5, "score (libnd4j sums floats, this loop doubles)");
  }

  @Test
  void sigmoidSquaredErrorDeclinesWhatItDoesNotCompute() {
    INDArray z = Nd4j.rand(DataType.FLOAT, 4, 10);
    INDArray y = Nd4j.rand(DataType.FLOAT, 4, 10);
    OutputLayer mse = new OutputLayer.Builder(new LossMSE()).nIn(4).nOut(10).activation(new FastActivations.Sigmoid()).build();
    assertTrue(SigmoidSquaredError.applies(mse, z, y, null));
    assertTrue(!SigmoidSquaredError.applies(mse, z, y, Nd4j.ones(DataType.FLOAT, 4, 10)), "mask");
    assertTrue(!SigmoidSquaredError.applies(mse, z.castTo(DataType.DOUBLE), y.castTo(DataType.DOUBLE), null), "double");
    assertTrue(!SigmoidSquaredError.applies(mse, z.dup('f'), y, null), "column-major");
    OutputLayer weighted = new OutputLayer.Builder(new LossMSE(Nd4j.ones(DataType.FLOAT, 1, 10))).nIn(4).nOut(10)
        .activation(new FastActivations.Sigmoid()).build();
    assertTrue(!SigmoidSquaredError.applies(weighted, z, y, null), "weighted loss");
    OutputLayer dl4jSigmoid = new OutputLayer.Builder(new LossMSE()).nIn(4).nOut(10)
        .activation(org.nd4j.linalg.activations.Activation.SIGMOID).build();
    assertTrue(!SigmoidSquaredError.applies(dl4jSigmoid, z, y, null), "DL4J's sigmoid (another backprop)");
  }

  /** The same gradients with and without the skipped input gradient; callers that want it still get it. */
  @ParameterizedTest
  @ValueSource(strings = {"dense", "denoising", "stacked"})
  void trainingNetworkKeepsEveryParameterGradient(String type) {
    LatentSparkConfig cfg = TestData.config("model.type=" + type);
    MultiLayerConfiguration conf = NetworkFactory.build(cfg);
    MultiLayerNetwork plain = new MultiLayerNetwork(conf.clone());
    plain.init();
    MultiLayerNetwork ours = new TrainingNetwork(conf.clone());
    ours.init();
    ours.setParams(plain.params().dup());
    Nd4j.getRandom().setSeed(9);
    INDArray x = Nd4j.rand(DataType.FLOAT, 16, cfg.data().inputSize());
    for (MultiLayerNetwork n : List.of(plain, ours)) {
      Nd4j.getRandom().setSeed(11);
      n.setInput(x);
      n.setLabels(x);
      n.computeGradientAndScore();
    }
    assertEquals(plain.score(), ours.score(), 0.0, type + " score");
    assertArrayEquals(plain.gradient().gradient().data().asFloat(), ours.gradient().gradient().data().asFloat(), 0f, type + " gradient");

    Nd4j.getRandom().setSeed(11);
    Pair<Gradient, INDArray> a = plain.calculateGradients(x, x, null, null);
    Nd4j.getRandom().setSeed(11);
    Pair<Gradient, INDArray> b = ours.calculateGradients(x, x, null, null);
    assertNotNull(b.getSecond(), type + ": calculateGradients returns the input gradient");
    assertArrayEquals(a.getSecond().data().asFloat(), b.getSecond().data().asFloat(), 0f, type + " input gradient");
  }

  /** Forty float iterations on one reused minibatch array with both shortcuts follow DL4J's own layers. */
  @Test
  void floatTrainingFollowsDl4jsLayers() {
    LatentSparkConfig cfg = TestData.config();
    MultiLayerConfiguration conf = NetworkFactory.build(cfg);
    MultiLayerNetwork ours = new TrainingNetwork(conf);
    ours.init();
    MultiLayerNetwork theirs = new MultiLayerNetwork(FastDenseTest.dl4jLayers(conf));
    theirs.init();
    Nd4j.getRandom().setSeed(5);
    INDArray x = Nd4j.rand(DataType.FLOAT, 24, cfg.data().inputSize());
    SameAsDl4j.assertTrainAlike(ours, theirs, new DataSet(x, x), 40, 1e-5, 1e-4, "float dense");
  }
}
