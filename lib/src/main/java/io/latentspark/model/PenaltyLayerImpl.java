package io.latentspark.model;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.layers.AbstractLayer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * What LatentSpark's parameter-free layers with a loss term share: the penalty of the last forward pass enters
 * DL4J's score through {@link #calcRegularizationScore}; there are no parameters and nothing to pretrain.
 */
abstract class PenaltyLayerImpl<T extends org.deeplearning4j.nn.conf.layers.Layer> extends AbstractLayer<T> {
  /** The penalty of the last forward pass (what the score adds). */
  protected double lastPenalty;

  PenaltyLayerImpl(NeuralNetConfiguration conf, DataType dataType) {
    super(conf, dataType);
  }

  @Override
  public Type type() {
    return Type.FEED_FORWARD;
  }

  @Override
  public double calcRegularizationScore(boolean backpropParamsOnly) {
    return lastPenalty;
  }

  @Override
  public boolean isPretrainLayer() {
    return false;
  }

  @Override
  public void clearNoiseWeightParams() {
    // no parameters
  }

  @Override
  public INDArray params() {
    return null;
  }
}
