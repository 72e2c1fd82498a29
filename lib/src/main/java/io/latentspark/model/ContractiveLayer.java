package io.latentspark.model;

import java.util.Collection;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.nn.conf.memory.MemoryReport;
import org.deeplearning4j.nn.params.DefaultParamInitializer;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * The latent layer of a contractive autoencoder: a fully-connected sigmoid layer h = sigmoid(xW + b) whose loss
 * adds {@code lambda * ||dh/dx||_F^2} (per example, averaged over the minibatch), the squared Frobenius norm of
 * its Jacobian, in the closed form for sigmoid units: {@code sum_j (h_j (1 - h_j))^2 sum_i W_ij^2}. With
 * {@code model.encoderLayers = []} this is the whole encoder's Jacobian; with hidden layers before it, the
 * penalty is on the bottleneck's Jacobian with respect to its input.
 */
public final class ContractiveLayer extends FeedForwardLayer {
  private static final long serialVersionUID = 1L;

  @JsonProperty
  private double lambda;

  public ContractiveLayer() {
    // for JSON
  }

  private ContractiveLayer(Builder b) {
    super(b);
    this.lambda = b.lambda;
    initializeConstraints(b);
  }

  public double lambda() {
    return lambda;
  }

  @Override
  public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners, int index,
      INDArray paramsView, boolean initializeParams, DataType dataType) {
    ContractiveLayerImpl layer = new ContractiveLayerImpl(conf, dataType);
    SparsityLayer.wire(layer, this, conf, listeners, index, paramsView, initializeParams);
    return layer;
  }

  @Override
  public ParamInitializer initializer() {
    return DefaultParamInitializer.getInstance();
  }

  @Override
  public LayerMemoryReport getMemoryReport(InputType inputType) {
    InputType out = getOutputType(-1, inputType);
    long params = initializer().numParams(this);
    return new LayerMemoryReport.Builder(layerName, ContractiveLayer.class, inputType, out).standardMemory(params, 0)
        .workingMemory(0, nOut, 0, 3 * nOut)
        .cacheMemory(MemoryReport.CACHE_MODE_ALL_ZEROS, MemoryReport.CACHE_MODE_ALL_ZEROS).build();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ContractiveLayer c && super.equals(o) && c.lambda == lambda;
  }

  @Override
  public int hashCode() {
    return 31 * super.hashCode() + Double.hashCode(lambda);
  }

  /** Builder: nIn, nOut, weight init as for DL4J's dense layer; the activation is always sigmoid. */
  public static final class Builder extends FeedForwardLayer.Builder<Builder> {
    private double lambda;

    public Builder lambda(double lambda) {
      this.lambda = lambda;
      return this;
    }

    @Override
    @SuppressWarnings("unchecked")
    public ContractiveLayer build() {
      activation(org.nd4j.linalg.activations.Activation.SIGMOID);
      return new ContractiveLayer(this);
    }
  }
}
