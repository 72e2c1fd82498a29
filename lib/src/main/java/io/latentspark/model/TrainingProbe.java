package io.latentspark.model;

import io.latentspark.config.LatentSparkConfig;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Times one training iteration (forward, backward, update) of a config's network on one in-memory minibatch in this
 * JVM, with the ND4J thread count given: the per-core cost that bounds every engine. Also times the same network
 * with DL4J's own ReLU and sigmoid, so that the effect of {@link FastActivations} - and of the sigmoid output's fused
 * loss ({@link SigmoidSquaredError}), which needs LatentSpark's sigmoid - is measured side by side in one run
 * (interleaved trials, best of each). Both are {@link TrainingNetwork}s, as the training engines' networks are.
 */
public final class TrainingProbe {
  private TrainingProbe() {}

  /** Milliseconds per iteration: with LatentSpark's activations and with DL4J's, on the same minibatch. */
  public record Result(int batch, int threads, double msPerIteration, double msPerIterationDl4jActivations) {
    public double examplesPerSecond() {
      return batch / msPerIteration * 1000;
    }

    public double examplesPerSecondDl4jActivations() {
      return batch / msPerIterationDl4jActivations * 1000;
    }
  }

  /** Interleaves {@code trials} timings of {@code iterations} iterations each for both networks, after a warm-up. */
  public static Result measure(LatentSparkConfig cfg, int batch, int threads, int trials, int iterations) {
    ThreadSettings.apply(threads);
    MultiLayerConfiguration ours = NetworkFactory.build(cfg);
    MultiLayerConfiguration dl4j = MultiLayerConfiguration.fromJson(ours.toJson()
        .replace("\"io.latentspark.model.FastActivations$Relu\"", "\"org.nd4j.linalg.activations.impl.ActivationReLU\"")
        .replace("\"io.latentspark.model.FastActivations$Sigmoid\"", "\"org.nd4j.linalg.activations.impl.ActivationSigmoid\""));
    MultiLayerNetwork a = new TrainingNetwork(ours);
    a.init();
    MultiLayerNetwork b = new TrainingNetwork(dl4j);
    b.init();
    INDArray x = Nd4j.rand(DataType.FLOAT, batch, cfg.data().inputSize());
    DataSet ds = new DataSet(x, x);
    time(a, ds, iterations);
    time(b, ds, iterations);
    double bestA = Double.MAX_VALUE;
    double bestB = Double.MAX_VALUE;
    for (int t = 0; t < trials; t++) {
      bestA = Math.min(bestA, time(a, ds, iterations));
      bestB = Math.min(bestB, time(b, ds, iterations));
    }
    return new Result(batch, threads, bestA, bestB);
  }

  private static double time(MultiLayerNetwork net, DataSet ds, int iterations) {
    long start = System.nanoTime();
    for (int i = 0; i < iterations; i++) {
      net.fit(ds);
    }
    return (System.nanoTime() - start) / 1e6 / iterations;
  }
}
