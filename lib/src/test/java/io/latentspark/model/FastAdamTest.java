package io.latentspark.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.latentspark.TestData;
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
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.schedule.ExponentialSchedule;
import org.nd4j.linalg.schedule.ScheduleType;

/**
 * LatentSpark's Adam computes DL4J's Adam exactly: the same updates and moments, bit for bit, over thousands of
 * iterations (the bias corrections change every one), on views at an offset inside larger arrays (as DL4J's
 * updater blocks hand them over), in both orderings, with a learning-rate schedule, and in whole networks.
 */
class FastAdamTest {

  /** Runs {@code iterations} updates through both updaters on the same gradients; returns the number compared. */
  static int compare(IUpdater ours, IUpdater theirs, char order, int n, int iterations) {
    // both moments live in the second half of a larger array, as a network's updater state does
    INDArray stateA = Nd4j.create(DataType.FLOAT, new long[] {1, 6L * n}, order);
    INDArray stateB = Nd4j.create(DataType.FLOAT, new long[] {1, 6L * n}, order);
    INDArray viewA = stateA.get(NDArrayIndex.point(0), NDArrayIndex.interval(4L * n, 6L * n)).reshape(order, 1, 2L * n);
    INDArray viewB = stateB.get(NDArrayIndex.point(0), NDArrayIndex.interval(4L * n, 6L * n)).reshape(order, 1, 2L * n);
    assertEquals(4L * n, viewA.offset(), "a view inside the state array");
    GradientUpdater<?> a = ours.instantiate(viewA, true);
    GradientUpdater<?> b = theirs.instantiate(viewB, true);
    assertInstanceOf(FastAdam.Updater.class, a);
    INDArray grads = Nd4j.create(DataType.FLOAT, new long[] {1, 3L * n}, order);
    Nd4j.getRandom().setSeed(3);
    for (int it = 0; it < iterations; it++) {
      INDArray g = Nd4j.randn(DataType.FLOAT, 1, n).muli(Math.pow(10, it % 7 - 4)); // gradients across magnitudes
      if (it % 5 == 0) {
        g.getColumn(it % n).assign(0); // and exact zeros
      }
      INDArray gA = grads.get(NDArrayIndex.point(0), NDArrayIndex.interval(n, 2L * n)).reshape(order, 1, n);
      gA.assign(g);
      INDArray gB = g.dup(order);
      a.applyUpdater(gA, it, it / 100);
      b.applyUpdater(gB, it, it / 100);
      assertArrayEquals(gB.toFloatVector(), gA.toFloatVector(), 0f, "update of iteration " + it);
    }
    assertArrayEquals(viewB.toFloatVector(), viewA.toFloatVector(), 0f, "moments after " + iterations + " iterations");
    assertTrue(viewA.norm2Number().doubleValue() > 0);
    return iterations;
  }

  @ParameterizedTest
  @ValueSource(chars = {'c', 'f'})
  void updatesAndMomentsEqualDl4jsAdam(char order) {
    assertEquals(3000, compare(new FastAdam(1e-3), new Adam(1e-3), order, 5000 + 3, 3000));
    assertEquals(300, compare(new FastAdam(0.05, null, 0.8, 0.99, 1e-6), new Adam(0.05, 0.8, 0.99, 1e-6), order, 4099, 300));
  }

  @Test
  void learningRateScheduleIsDl4js() {
    ExponentialSchedule s = new ExponentialSchedule(ScheduleType.ITERATION, 0.01, 0.99);
    compare(new FastAdam(Double.NaN, s, 0.9, 0.999, 1e-8), new Adam(s), 'c', 777, 500);
  }

  @Test
  void configurationSurvivesJsonAndClone() {
    FastAdam a = new FastAdam(0.002, null, 0.85, 0.995, 1e-7);
    FastAdam copy = a.clone();
    assertEquals(a, copy);
    MultiLayerConfiguration conf = NetworkFactory.build(TestData.config());
    MultiLayerConfiguration back = MultiLayerConfiguration.fromJson(conf.toJson());
    IUpdater u = ((org.deeplearning4j.nn.conf.layers.BaseLayer) back.getConf(0).getLayer()).getIUpdater();
    assertInstanceOf(FastAdam.class, u);
    assertEquals(((org.deeplearning4j.nn.conf.layers.BaseLayer) conf.getConf(0).getLayer()).getIUpdater(), u);
  }

  @Test
  void networksTrainExactlyAsWithDl4jsAdam() {
    MultiLayerConfiguration ours = NetworkFactory.build(TestData.config());
    String json = ours.toJson();
    assertTrue(json.contains("\"io.latentspark.model.FastAdam\""), json);
    MultiLayerNetwork a = new MultiLayerNetwork(ours);
    a.init();
    MultiLayerNetwork b = new MultiLayerNetwork(MultiLayerConfiguration.fromJson(
        json.replace("\"io.latentspark.model.FastAdam\"", "\"org.nd4j.linalg.learning.config.Adam\"")));
    b.init();
    b.setParams(a.params().dup());
    Nd4j.getRandom().setSeed(5);
    INDArray x = Nd4j.rand(DataType.FLOAT, 32, TestData.config().data().inputSize());
    DataSet ds = new DataSet(x, x);
    for (int i = 0; i < 25; i++) {
      a.fit(ds);
      b.fit(ds);
    }
    assertArrayEquals(b.params().toFloatVector(), a.params().toFloatVector(), 0f);
    assertArrayEquals(b.getUpdater().getStateViewArray().toFloatVector(), a.getUpdater().getStateViewArray().toFloatVector(), 0f);
  }
}
