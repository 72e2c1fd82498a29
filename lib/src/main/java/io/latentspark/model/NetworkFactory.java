package io.latentspark.model;

import io.latentspark.config.ModelConfig;
import io.latentspark.config.TrainConfig;
import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.RmsProp;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Builds the DL4J network of an autoencoder spec. Layer sizes come from one list: the encoder's
 * {@code model.encoderLayers}, then {@code model.latentSize}, then the same list mirrored, then the input size.
 */
public final class NetworkFactory {
  private NetworkFactory() {}

  /** Layer widths after the input, e.g. [256, 64, 32, 64, 256, 784]. */
  public static List<Integer> layerSizes(ModelConfig m, int inputSize) {
    List<Integer> sizes = new ArrayList<>(m.encoderLayers());
    sizes.add(m.latentSize());
    for (int i = m.encoderLayers().size() - 1; i >= 0; i--) {
      sizes.add(m.encoderLayers().get(i));
    }
    sizes.add(inputSize);
    return sizes;
  }

  /** Index of the latent layer among the network's layers. */
  /** Index of the layer whose output is the code: the bottleneck, or the sparsity layer right after it. */
  public static int latentLayerIndex(ModelConfig m) {
    return m.encoderLayers().size() + (m.sparse() ? 1 : 0);
  }

  /** The network of {@code cfg.model()} for images of {@code cfg.data()}. */
  public static MultiLayerConfiguration build(io.latentspark.config.LatentSparkConfig cfg) {
    return dense(cfg.model(), cfg.train(), cfg.data(), cfg.seed());
  }

  /** The corruption a denoising model applies to its input while training, or null for other types. */
  public static Corruption corruption(ModelConfig m, io.latentspark.config.DataConfig d) {
    return m.denoising() ? new Corruption(m.corruption(), m.corruptionAmount(), m.corruptionSize(), d.channels(), d.height(), d.width())
        : null;
  }

  public static MultiLayerConfiguration dense(ModelConfig m, TrainConfig t, io.latentspark.config.DataConfig d, long seed) {
    int inputSize = d.inputSize();
    if (m.latentSize() >= inputSize) {
      throw new IllegalArgumentException("model.latentSize " + m.latentSize() + " must be smaller than the input size "
          + inputSize + " for an undercomplete autoencoder");
    }
    Activation hidden = activation(m.activation());
    NeuralNetConfiguration.Builder base = new NeuralNetConfiguration.Builder()
        .seed(seed)
        .updater(updater(t.optimizer(), t.learningRate()))
        .weightInit(hidden == Activation.RELU || hidden == Activation.LEAKYRELU ? WeightInit.RELU : WeightInit.XAVIER);
    if (m.l2() > 0) {
      base.l2(m.l2());
    }
    NeuralNetConfiguration.ListBuilder list = base.list();
    List<Integer> sizes = layerSizes(m, inputSize);
    int bottleneck = m.encoderLayers().size();
    int prev = inputSize;
    int index = 0;
    for (int i = 0; i < sizes.size() - 1; i++) {
      Activation a = i == bottleneck ? activation(m.latentActivation()) : hidden;
      if (i == bottleneck && m.contractive()) {
        ContractiveLayer.Builder layer = new ContractiveLayer.Builder().lambda(m.contractiveLambda()).nIn(prev).nOut(sizes.get(i))
            .weightInit(WeightInit.XAVIER);
        list.layer(index++, layer.build());
        prev = sizes.get(i);
        continue;
      }
      DenseLayer.Builder layer = new DenseLayer.Builder().nIn(prev).nOut(sizes.get(i)).activation(a);
      if (i == bottleneck) {
        layer.weightInit(WeightInit.XAVIER);
      }
      if (i == 0 && m.denoising()) {
        layer.dropOut(corruption(m, d));
      }
      list.layer(index++, layer.build());
      if (i == bottleneck && m.sparse()) {
        list.layer(index++, new SparsityLayer(m.sparsity(), m.sparsityWeight(), m.sparsityTarget(), m.sparsityK()));
      }
      prev = sizes.get(i);
    }
    LossFunctions.LossFunction loss = m.loss().equals("bce") ? LossFunctions.LossFunction.XENT : LossFunctions.LossFunction.MSE;
    list.layer(index, new OutputLayer.Builder(loss).nIn(prev).nOut(inputSize)
        .activation(activation(m.outputActivation())).weightInit(WeightInit.XAVIER).build());
    return list.build();
  }

  static IUpdater updater(String optimizer, double lr) {
    return switch (optimizer) {
      case "adam" -> new Adam(lr);
      case "nesterovs" -> new Nesterovs(lr, 0.9);
      case "rmsprop" -> new RmsProp(lr);
      case "sgd" -> new Sgd(lr);
      default -> throw new IllegalArgumentException("Unknown train.optimizer " + optimizer);
    };
  }

  static Activation activation(String name) {
    return switch (name) {
      case "relu" -> Activation.RELU;
      case "leakyrelu" -> Activation.LEAKYRELU;
      case "elu" -> Activation.ELU;
      case "tanh" -> Activation.TANH;
      case "sigmoid" -> Activation.SIGMOID;
      case "identity" -> Activation.IDENTITY;
      default -> throw new IllegalArgumentException("Unknown activation " + name);
    };
  }
}
