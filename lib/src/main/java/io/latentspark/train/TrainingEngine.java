package io.latentspark.train;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * How the workers' minibatch fits become one network per epoch ({@code train.engine}): LatentSpark's own
 * parameter averaging ({@link ParameterAveraging}, default) or dl4j-spark's ({@link Dl4jSparkEngine}). Made once
 * per training run, after any preparation it needs; closed when the run ends.
 */
public interface TrainingEngine extends AutoCloseable {
  /** Trains one epoch; returns the mean training score (DL4J's loss) of the epoch. */
  double fitEpoch(int epoch) throws Exception;

  /** The network with the parameters after the last epoch. */
  MultiLayerNetwork network();

  /** Seconds spent preparing before the first epoch (shuffling and caching minibatches), apart from the epochs. */
  double preparationSeconds();

  /** Releases cached data and scratch files. */
  @Override
  void close();
}
