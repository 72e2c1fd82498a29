package io.latentspark.model;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A {@link MultiLayerNetwork} whose backward pass skips the gradient with respect to the network's input when nothing
 * reads it. DL4J's {@code fit} asks {@code calcBackpropGradients} not to return that gradient, yet the first layer
 * computes it and DL4J drops it: for the MNIST dense autoencoder one 128 x 256 x 784 product per iteration, 15% of an
 * iteration's arithmetic. The first layer, when it is a {@link FirstLayer} (with no input preprocessor, or one that
 * returns a placeholder for the preprocessor to pass back), is told to skip it for that pass; every other caller
 * ({@code calculateGradients}, a network used as a layer) gets it as before.
 * The parameter gradients do not change ({@code FastDenseTest}).
 */
public class TrainingNetwork extends MultiLayerNetwork {
  private static final long serialVersionUID = 1L;

  /** A layer that can leave out its input gradient when it is the first layer and nothing reads it. */
  interface FirstLayer {
    void inputGradientUnused(boolean unused);

    /**
     * True when the layer, told its input gradient is unused, still returns an array of its input's shape (not filled
     * in), which an input preprocessor can take; false when it returns null, which needs a layer without one.
     */
    default boolean placeholderInputGradient() {
      return false;
    }
  }

  public TrainingNetwork(MultiLayerConfiguration conf) {
    super(conf);
  }

  @Override
  protected Pair<Gradient, INDArray> calcBackpropGradients(INDArray epsilon, boolean withOutputLayer, boolean tbptt, boolean returnInputActGrad) {
    Layer first = getLayer(0);
    if (returnInputActGrad || !(first instanceof FirstLayer f)
        || (getLayerWiseConfigurations().getInputPreProcess(0) != null && !f.placeholderInputGradient())) {
      return super.calcBackpropGradients(epsilon, withOutputLayer, tbptt, returnInputActGrad);
    }
    f.inputGradientUnused(true);
    try {
      return super.calcBackpropGradients(epsilon, withOutputLayer, tbptt, returnInputActGrad);
    } finally {
      f.inputGradientUnused(false);
    }
  }
}
