package io.latentspark.model;

import java.util.Collection;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.NoParamLayer;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.nn.conf.memory.MemoryReport;
import org.deeplearning4j.nn.params.EmptyParamInitializer;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * Configuration of the reparameterisation layer of a variational autoencoder. Its input is the encoder's
 * {@code [mu | log sigma^2]} (2k values per example); its output is the k-dimensional code
 * <ul>
 *   <li>while training: {@code z = mu + exp(log sigma^2 / 2) * eps} with a fresh {@code eps ~ N(0, I)} per
 *       example and forward pass (ND4J's random generator, seeded by the run);</li>
 *   <li>at inference (encoding, validation): {@code z = mu}.</li>
 * </ul>
 * It adds {@code beta * KL(N(mu, sigma^2) || N(0, I))}, averaged over the minibatch, to DL4J's score through
 * {@link org.deeplearning4j.nn.api.Layer#calcRegularizationScore}, and its gradient to the epsilon passed back, so
 * that a network ending in a summed reconstruction loss (Bernoulli cross-entropy or squared error) minimises
 * the negative evidence lower bound per example. Being an ordinary layer of a supervised-style network, it
 * trains through dl4j-spark's parameter averaging like any other.
 */
public final class GaussianSampleLayer extends NoParamLayer {
  private static final long serialVersionUID = 1L;

  @JsonProperty
  private int size;
  @JsonProperty
  private double beta;

  public GaussianSampleLayer() {
    // for JSON
  }

  /** A layer producing {@code size}-dimensional codes from {@code 2 * size} inputs, with KL weight {@code beta}. */
  public GaussianSampleLayer(int size, double beta) {
    this.size = size;
    this.beta = beta;
  }

  public int size() {
    return size;
  }

  public double beta() {
    return beta;
  }

  @Override
  public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners, int index,
      INDArray paramsView, boolean initializeParams, DataType dataType) {
    GaussianSampleLayerImpl layer = new GaussianSampleLayerImpl(conf, dataType);
    SparsityLayer.wire(layer, this, conf, listeners, index, paramsView, initializeParams);
    return layer;
  }

  @Override
  public ParamInitializer initializer() {
    return EmptyParamInitializer.getInstance();
  }

  @Override
  public InputType getOutputType(int layerIndex, InputType inputType) {
    if (inputType.getType() != InputType.Type.FF || inputType.arrayElementsPerExample() != 2L * size) {
      throw new IllegalStateException("The VAE sampling layer needs 2 x " + size + " feed-forward inputs (mu and log-variance), got "
          + inputType);
    }
    return InputType.feedForward(size);
  }

  @Override
  public InputPreProcessor getPreProcessorForInputType(InputType inputType) {
    return null;
  }

  @Override
  public LayerMemoryReport getMemoryReport(InputType inputType) {
    return new LayerMemoryReport.Builder(layerName, GaussianSampleLayer.class, inputType, InputType.feedForward(size))
        .standardMemory(0, 0).workingMemory(0, 0, 3L * size, 3L * size)
        .cacheMemory(MemoryReport.CACHE_MODE_ALL_ZEROS, MemoryReport.CACHE_MODE_ALL_ZEROS).build();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof GaussianSampleLayer g && g.size == size && g.beta == beta;
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(size, beta);
  }

  @Override
  public GaussianSampleLayer clone() {
    return (GaussianSampleLayer) super.clone();
  }
}
