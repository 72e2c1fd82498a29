package io.latentspark.model;

import io.latentspark.config.ModelConfig;
import io.latentspark.config.TrainConfig;
import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.Deconvolution2D;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.conf.layers.misc.RepeatVector;
import org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep;
import org.deeplearning4j.nn.conf.layers.recurrent.TimeDistributed;
import org.deeplearning4j.nn.conf.preprocessor.FeedForwardToCnnPreProcessor;
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

  /**
   * Index of the layer whose output is the code: the bottleneck, the sparsity layer right after it, or a
   * VAE's sampling layer (whose inference output is mu).
   */
  public static int latentLayerIndex(ModelConfig m) {
    if (m.sequence()) {
      return 1;
    }
    int before = m.convolutional() ? m.convChannels().size() : m.encoderLayers().size();
    return before + (m.sparse() ? 1 : 0) + (m.variational() ? 1 : 0);
  }

  /** The network's first decoder layer: it takes a code of model.latentSize values (a VAE decodes prior samples from there). */
  public static int decoderStartIndex(ModelConfig m) {
    return latentLayerIndex(m) + 1;
  }

  /** A one-line description of the architecture, for logs and reports. */
  public static String describe(ModelConfig m, io.latentspark.config.DataConfig d) {
    String shape = d.channels() + "x" + d.height() + "x" + d.width();
    if (m.sequence()) {
      return String.format("%d steps x %d -> LSTM %d -> %d -> repeat %d -> LSTM %d -> %d steps x %d", d.height(), d.channels() * d.width(),
          m.sequenceHidden(), m.latentSize(), d.height(), m.sequenceHidden(), d.height(), d.channels() * d.width());
    }
    String code = m.variational() ? "(mu, log-variance) " + 2 * m.latentSize() + " -> sample " + m.latentSize() : String.valueOf(m.latentSize());
    if (m.convolutional()) {
      List<Integer> up = new ArrayList<>(m.convChannels());
      java.util.Collections.reverse(up);
      return String.format("%s -> conv%d/2 %s -> %s -> deconv%d/2 %s -> %s", shape, m.convKernel(), m.convChannels(), code, m.convKernel(),
          up.subList(1, up.size()), shape);
    }
    List<Integer> sizes = layerSizes(m, d.inputSize());
    return d.inputSize() + " -> " + sizes.subList(0, m.encoderLayers().size()) + " -> " + code + " -> "
        + sizes.subList(m.encoderLayers().size() + 1, sizes.size());
  }

  /** The network of {@code cfg.model()} for images of {@code cfg.data()}. */
  public static MultiLayerConfiguration build(io.latentspark.config.LatentSparkConfig cfg) {
    ModelConfig m = cfg.model();
    if (m.sequence()) {
      return sequence(m, cfg.train(), cfg.data(), cfg.seed());
    }
    if (m.convolutional()) {
      return convolutional(m, cfg.train(), cfg.data(), cfg.seed());
    }
    return dense(m, cfg.train(), cfg.data(), cfg.seed());
  }

  /** The corruption a denoising model applies to its input while training, or null for other types. */
  public static Corruption corruption(ModelConfig m, io.latentspark.config.DataConfig d) {
    return m.denoising() ? new Corruption(m.corruption(), m.corruptionAmount(), m.corruptionSize(), d.channels(), d.height(), d.width())
        : null;
  }

  private static NeuralNetConfiguration.Builder base(ModelConfig m, TrainConfig t, long seed, Activation hidden) {
    NeuralNetConfiguration.Builder base = new NeuralNetConfiguration.Builder()
        .seed(seed)
        .updater(updater(t.optimizer(), t.learningRate()))
        .weightInit(hidden == Activation.RELU || hidden == Activation.LEAKYRELU ? WeightInit.RELU : WeightInit.XAVIER);
    if (m.l2() > 0) {
      base.l2(m.l2());
    }
    return base;
  }

  /**
   * The reconstruction loss. A VAE's is summed over pixels (Bernoulli cross-entropy, or squared error for a
   * Gaussian), so that with its KL term the score is the negative ELBO per image; other models use DL4J's MSE
   * (mean over pixels) or cross-entropy.
   */
  public static LossFunctions.LossFunction loss(ModelConfig m) {
    if (m.loss().equals("bce")) {
      return LossFunctions.LossFunction.XENT;
    }
    return m.variational() ? LossFunctions.LossFunction.L2 : LossFunctions.LossFunction.MSE;
  }

  public static MultiLayerConfiguration dense(ModelConfig m, TrainConfig t, io.latentspark.config.DataConfig d, long seed) {
    int inputSize = d.inputSize();
    if (m.latentSize() >= inputSize) {
      throw new IllegalArgumentException("model.latentSize " + m.latentSize() + " must be smaller than the input size "
          + inputSize + " for an undercomplete autoencoder");
    }
    Activation hidden = activation(m.activation());
    NeuralNetConfiguration.ListBuilder list = base(m, t, seed, hidden).list();
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
      if (i == bottleneck && m.variational()) {
        list.layer(index++, new DenseLayer.Builder().nIn(prev).nOut(2 * m.latentSize()).activation(Activation.IDENTITY)
            .weightInit(WeightInit.XAVIER).build());
        list.layer(index++, new GaussianSampleLayer(m.latentSize(), m.vaeBeta()));
        prev = m.latentSize();
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
    list.layer(index, new OutputLayer.Builder(loss(m)).nIn(prev).nOut(inputSize)
        .activation(activation(m.outputActivation())).weightInit(WeightInit.XAVIER).build());
    return list.build();
  }

  /**
   * Convolutional autoencoder (or VAE): {@code model.conv.channels} stride-2 "same" convolutions (each halves the
   * height and width), a dense code of model.latentSize, a dense layer back to the last feature map, and stride-2
   * transposed convolutions mirroring the encoder up to the image's channels; the reconstruction loss reads the
   * flattened (channel-major, like the input) output.
   */
  static MultiLayerConfiguration convolutional(ModelConfig m, TrainConfig t, io.latentspark.config.DataConfig d, long seed) {
    Activation hidden = activation(m.activation());
    List<Integer> channels = m.convChannels();
    int n = channels.size();
    int k = m.convKernel();
    int h = d.height() >> n;
    int w = d.width() >> n;
    int last = channels.get(n - 1);
    NeuralNetConfiguration.ListBuilder list = base(m, t, seed, hidden).list();
    int index = 0;
    for (int c : channels) {
      list.layer(index++, new ConvolutionLayer.Builder(k, k).stride(2, 2).convolutionMode(ConvolutionMode.Same).nOut(c)
          .activation(hidden).build());
    }
    if (m.variational()) {
      list.layer(index++, new DenseLayer.Builder().nOut(2 * m.latentSize()).activation(Activation.IDENTITY).weightInit(WeightInit.XAVIER).build());
      list.layer(index++, new GaussianSampleLayer(m.latentSize(), m.vaeBeta()));
    } else {
      list.layer(index++, new DenseLayer.Builder().nOut(m.latentSize()).activation(activation(m.latentActivation()))
          .weightInit(WeightInit.XAVIER).build());
    }
    list.layer(index++, new DenseLayer.Builder().nOut((long) last * h * w).activation(hidden).build());
    list.inputPreProcessor(index, new FeedForwardToCnnPreProcessor(h, w, last));
    for (int i = n - 1; i >= 0; i--) {
      int out = i == 0 ? d.channels() : channels.get(i - 1);
      Deconvolution2D.Builder up = new Deconvolution2D.Builder(k, k).stride(2, 2).convolutionMode(ConvolutionMode.Same).nOut(out)
          .activation(i == 0 ? activation(m.outputActivation()) : hidden);
      if (i == 0) {
        up.weightInit(WeightInit.XAVIER);
      }
      list.layer(index++, up.build());
    }
    list.layer(index, flatLoss(m));
    list.setInputType(InputType.convolutionalFlat(d.height(), d.width(), d.channels()));
    return list.build();
  }

  /**
   * The parameter-free loss on the flattened reconstruction, which the previous layer has already activated. Its
   * own activation must stay the identity: DL4J's LossLayer backpropagates its activation in place on its input,
   * so with a sigmoid there the score computed after backprop (the training score, and the divergence guard that
   * reads it) was the loss of a garbled output - measured: 0.13 where the true loss was 0.044.
   */
  private static LossLayer flatLoss(ModelConfig m) {
    return new LossLayer.Builder(loss(m)).activation(Activation.IDENTITY).build();
  }

  /**
   * Sequence-to-sequence LSTM autoencoder: the image rows are the time steps (channels x width values each); an
   * LSTM encoder's last output goes through a dense latent layer, is repeated once per step into an LSTM decoder,
   * and a time-distributed dense layer maps each step back to a row.
   */
  static MultiLayerConfiguration sequence(ModelConfig m, TrainConfig t, io.latentspark.config.DataConfig d, long seed) {
    int steps = d.height();
    int features = d.channels() * d.width();
    int units = m.sequenceHidden();
    NeuralNetConfiguration.ListBuilder list = base(m, t, seed, Activation.TANH).list();
    list.inputPreProcessor(0, SequenceReshape.toSequence(d.channels(), d.height(), d.width()));
    list.layer(0, new LastTimeStep(new LSTM.Builder().nIn(features).nOut(units).activation(Activation.TANH).build()));
    list.layer(1, new DenseLayer.Builder().nIn(units).nOut(m.latentSize()).activation(activation(m.latentActivation())).build());
    list.layer(2, new RepeatVector.Builder(steps).dataFormat(RNNFormat.NCW).build());
    list.layer(3, new LSTM.Builder().nIn(m.latentSize()).nOut(units).activation(Activation.TANH).build());
    list.layer(4, new TimeDistributed(new DenseLayer.Builder().nIn(units).nOut(features).activation(activation(m.outputActivation()))
        .build(), RNNFormat.NCW));
    list.inputPreProcessor(5, SequenceReshape.toFlat(d.channels(), d.height(), d.width()));
    list.layer(5, flatLoss(m));
    list.setInputType(InputType.feedForward(d.inputSize()));
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
