package io.latentspark.encode;

import io.latentspark.model.AutoencoderModel;
import io.latentspark.model.InputNormalizer;
import java.io.Serializable;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.factory.Nd4j;

/**
 * What executors need to run a trained network: its configuration as JSON, its parameters as a flat
 * float array, the input normalisation and the latent layer. Small enough to broadcast.
 */
public final class NetworkSnapshot implements Serializable {
  private static final long serialVersionUID = 1L;
  private final String configJson;
  private final float[] params;
  private final InputNormalizer normalizer;
  private final int latentLayer;
  private final int inputSize;

  private NetworkSnapshot(String configJson, float[] params, InputNormalizer normalizer, int latentLayer, int inputSize) {
    this.configJson = configJson;
    this.params = params;
    this.normalizer = normalizer;
    this.latentLayer = latentLayer;
    this.inputSize = inputSize;
  }

  public static NetworkSnapshot of(AutoencoderModel model) {
    return of(model.network(), model.normalizer(), model.latentLayerIndex(), model.inputSize());
  }

  public static NetworkSnapshot of(MultiLayerNetwork net, InputNormalizer normalizer, int latentLayer, int inputSize) {
    return new NetworkSnapshot(net.getLayerWiseConfigurations().toJson(), net.params().dup().toFloatVector(), normalizer,
        latentLayer, inputSize);
  }

  /** A fresh network with the snapshot's parameters (one per task; networks are not thread-safe). */
  public MultiLayerNetwork network() {
    MultiLayerNetwork net = new MultiLayerNetwork(MultiLayerConfiguration.fromJson(configJson));
    net.init(Nd4j.createFromArray(params.clone()).reshape(1, params.length), false);
    return net;
  }

  public InputNormalizer normalizer() {
    return normalizer;
  }

  public int latentLayer() {
    return latentLayer;
  }

  public int inputSize() {
    return inputSize;
  }
}
