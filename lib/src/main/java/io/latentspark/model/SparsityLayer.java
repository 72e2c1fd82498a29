package io.latentspark.model;

import java.util.Collection;
import java.util.Map;
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
 * Configuration of a parameter-free layer placed after the latent layer of a sparse autoencoder. It passes its
 * input through and makes the codes sparse:
 * <ul>
 *   <li>{@code kl}: adds {@code weight * sum_j KL(target || mean activation of unit j over the minibatch)} to the
 *       loss (needs activations in (0,1), i.e. a sigmoid latent layer)</li>
 *   <li>{@code l1}: adds {@code weight * mean over rows of sum_j |a_j|}</li>
 *   <li>{@code l2}: adds {@code weight * mean over rows of sum_j a_j^2}</li>
 *   <li>{@code k-sparse}: keeps the {@code k} largest-magnitude activations of each row and zeroes the rest
 *       (training and inference alike); gradients flow only through the kept ones</li>
 * </ul>
 * The penalties enter DL4J's score through {@link org.deeplearning4j.nn.api.Layer#calcRegularizationScore} and
 * its gradient through the epsilon passed back, so gradient checks see one consistent loss.
 */
public final class SparsityLayer extends NoParamLayer {
  private static final long serialVersionUID = 1L;

  @JsonProperty
  private String penalty;
  @JsonProperty
  private double weight;
  @JsonProperty
  private double target;
  @JsonProperty
  private int k;

  public SparsityLayer() {
    // for JSON
  }

  public SparsityLayer(String penalty, double weight, double target, int k) {
    this.penalty = penalty;
    this.weight = weight;
    this.target = target;
    this.k = k;
  }

  public String penalty() {
    return penalty;
  }

  public double weight() {
    return weight;
  }

  public double target() {
    return target;
  }

  public int k() {
    return k;
  }

  @Override
  public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners, int index,
      INDArray paramsView, boolean initializeParams, DataType dataType) {
    SparsityLayerImpl layer = new SparsityLayerImpl(conf, dataType);
    wire(layer, this, conf, listeners, index, paramsView, initializeParams);
    return layer;
  }

  @Override
  public ParamInitializer initializer() {
    return EmptyParamInitializer.getInstance();
  }

  /** What DL4J's own layer configurations do when they instantiate their layer: listeners, index, parameter views. */
  static void wire(org.deeplearning4j.nn.api.Layer layer, org.deeplearning4j.nn.conf.layers.Layer layerConf, NeuralNetConfiguration conf,
      Collection<TrainingListener> listeners, int index, INDArray paramsView, boolean initializeParams) {
    layer.setListeners(listeners);
    layer.setIndex(index);
    layer.setParamsViewArray(paramsView);
    Map<String, INDArray> table = layerConf.initializer().init(conf, paramsView, initializeParams);
    layer.setParamTable(table);
    layer.setConf(conf);
  }

  @Override
  public InputType getOutputType(int layerIndex, InputType inputType) {
    return inputType;
  }

  @Override
  public InputPreProcessor getPreProcessorForInputType(InputType inputType) {
    return null;
  }

  @Override
  public LayerMemoryReport getMemoryReport(InputType inputType) {
    long perExample = inputType.arrayElementsPerExample();
    return new LayerMemoryReport.Builder(layerName, SparsityLayer.class, inputType, inputType).standardMemory(0, 0)
        .workingMemory(0, 0, perExample, perExample)
        .cacheMemory(MemoryReport.CACHE_MODE_ALL_ZEROS, MemoryReport.CACHE_MODE_ALL_ZEROS).build();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SparsityLayer s && s.penalty.equals(penalty) && s.weight == weight && s.target == target && s.k == k;
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(penalty, weight, target, k);
  }

  @Override
  public SparsityLayer clone() {
    return (SparsityLayer) super.clone();
  }
}
