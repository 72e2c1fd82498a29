package io.latentspark.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.latentspark.config.LatentSparkConfig;
import java.util.List;
import java.util.function.UnaryOperator;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Side-by-side checks of a network built with LatentSpark's layers against the same network built with DL4J's
 * ({@link FastDenseTest}, {@link FastConvolutionsTest}).
 */
final class SameAsDl4j {
  private SameAsDl4j() {}

  /**
   * {ours, theirs}: {@code cfg}'s network in {@code dtype}, and the same network with DL4J's layers ({@code toDl4j}
   * renames LatentSpark's layer classes in its JSON), both initialised.
   */
  static MultiLayerNetwork[] pair(LatentSparkConfig cfg, UnaryOperator<MultiLayerConfiguration> toDl4j, DataType dtype) {
    MultiLayerConfiguration ours = NetworkFactory.build(cfg);
    ours.setDataType(dtype);
    MultiLayerConfiguration theirs = toDl4j.apply(ours);
    theirs.setDataType(dtype);
    MultiLayerNetwork a = new MultiLayerNetwork(ours);
    a.init();
    MultiLayerNetwork b = new MultiLayerNetwork(theirs);
    b.init();
    return new MultiLayerNetwork[] {a, b};
  }

  /**
   * With the same random parameters (no zero biases: every term of every gradient matters), {@code ours} and
   * {@code theirs} give the same inference output, training score and gradient on {@code x}, to {@code tol} relative to
   * the largest entry (score: 10x, gradient: 50x that). Random draws (corruption, sampling) come from one seed on both.
   */
  static void assertSamePasses(MultiLayerNetwork ours, MultiLayerNetwork theirs, INDArray x, double tol, String what) {
    Nd4j.getRandom().setSeed(7);
    INDArray params = Nd4j.rand(x.dataType(), 1, ours.numParams()).subi(0.5).muli(0.2);
    ours.setParams(params);
    theirs.setParams(params.dup());
    INDArray outA = ours.output(x, false);
    INDArray outB = theirs.output(x, false);
    assertTrue(maxRelDiff(outA, outB) < tol, what + " output differs by " + maxRelDiff(outA, outB));
    for (MultiLayerNetwork n : List.of(ours, theirs)) {
      Nd4j.getRandom().setSeed(11);
      n.setInput(x);
      n.setLabels(x);
      n.computeGradientAndScore();
    }
    assertEquals(theirs.score(), ours.score(), Math.abs(theirs.score()) * tol * 10, what + " score");
    INDArray gA = ours.gradient().gradient();
    INDArray gB = theirs.gradient().gradient();
    assertTrue(gB.norm2Number().doubleValue() > 0, what);
    double d = maxRelDiff(gA, gB);
    assertTrue(d < tol * 50, what + " gradient differs by " + d + " (relative to its largest entry)");
  }

  /**
   * From the same parameters, {@code iterations} fits of the same minibatch array (as a Spark worker reuses its array)
   * keep both networks' scores within {@code scoreTol} and end with parameters within {@code paramTol} (relative).
   */
  static void assertTrainAlike(MultiLayerNetwork ours, MultiLayerNetwork theirs, DataSet minibatch, int iterations, double scoreTol,
      double paramTol, String what) {
    theirs.setParams(ours.params().dup());
    for (int i = 0; i < iterations; i++) {
      Nd4j.getRandom().setSeed(100 + i);
      ours.fit(minibatch);
      Nd4j.getRandom().setSeed(100 + i);
      theirs.fit(minibatch);
      assertEquals(theirs.score(), ours.score(), scoreTol * Math.abs(theirs.score()), what + " score of iteration " + i);
    }
    double d = maxRelDiff(ours.params(), theirs.params());
    assertTrue(d < paramTol, what + " parameters differ by " + d);
  }

  /** Max absolute difference over the largest magnitude of the reference. */
  static double maxRelDiff(INDArray a, INDArray b) {
    double scale = Math.max(b.amaxNumber().doubleValue(), 1e-12);
    return a.castTo(DataType.DOUBLE).sub(b.castTo(DataType.DOUBLE)).amaxNumber().doubleValue() / scale;
  }
}
