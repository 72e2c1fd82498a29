package io.latentspark.model;

import io.latentspark.config.DataConfig;
import io.latentspark.config.LatentSparkConfig;
import io.latentspark.config.ModelConfig;
import io.latentspark.config.TrainConfig;
import io.latentspark.spec.CorruptionSettings;
import io.latentspark.spec.ImageShape;
import io.latentspark.spec.LayerSpec;
import io.latentspark.spec.NetworkPlan;
import io.latentspark.spec.ReconstructionLoss;
import java.util.List;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.Deconvolution2D;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.misc.RepeatVector;
import org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep;
import org.deeplearning4j.nn.conf.layers.recurrent.TimeDistributed;
import org.deeplearning4j.nn.conf.preprocessor.FeedForwardToCnnPreProcessor;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.RmsProp;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Turns a model type's {@link NetworkPlan} into a DL4J network configuration: one DL4J layer (or input
 * preprocessor) per {@link LayerSpec}, the updater of {@code train.optimizer}, the seed and weight decay. The
 * only place that knows how LatentSpark's layer vocabulary maps to DL4J.
 */
public final class NetworkFactory {
  private NetworkFactory() {}

  /** The network of {@code cfg.model()} for images of {@code cfg.data()}. */
  public static MultiLayerConfiguration build(LatentSparkConfig cfg) {
    return build(cfg.plan(), cfg.train(), cfg.model().network().l2(), cfg.seed());
  }

  /** Index of the layer whose output is the code (the bottleneck, the sparsity layer after it, or a VAE's sampler). */
  public static int latentLayerIndex(LatentSparkConfig cfg) {
    return cfg.plan().latentIndex();
  }

  /** The network's first decoder layer: it takes a code of model.latentSize values. */
  public static int decoderStartIndex(LatentSparkConfig cfg) {
    return cfg.plan().decoderStart();
  }

  /** The corruption a denoising model applies to its input while training, as DL4J dropout; null for other types. */
  public static Corruption corruption(ModelConfig m, DataConfig d) {
    return m.spec().trainingCorruption().map(c -> corruption(c, d.shape())).orElse(null);
  }

  /** {@code c} for images of {@code shape}, as DL4J dropout on a layer's input. */
  public static Corruption corruption(CorruptionSettings c, ImageShape shape) {
    return new Corruption(c.kind().configName(), c.amount(), c.size(), shape.channels(), shape.height(), shape.width());
  }

  /** DL4J's loss function for {@code loss}. */
  public static LossFunctions.LossFunction loss(ReconstructionLoss loss) {
    return switch (loss) {
      case MEAN_SQUARED -> LossFunctions.LossFunction.MSE;
      case SUMMED_SQUARED -> LossFunctions.LossFunction.L2;
      case CROSS_ENTROPY -> LossFunctions.LossFunction.XENT;
    };
  }

  static MultiLayerConfiguration build(NetworkPlan plan, TrainConfig t, double l2, long seed) {
    NeuralNetConfiguration.ListBuilder list = base(plan, t, l2, seed).list();
    ImageShape shape = plan.shape();
    int index = 0;
    for (LayerSpec step : plan.steps()) {
      if (step.reshape()) {
        list.inputPreProcessor(index, preprocessor(step));
      } else {
        list.layer(index++, layer(step, shape));
      }
    }
    switch (plan.input()) {
      case FLAT_IMAGE -> list.setInputType(InputType.convolutionalFlat(shape.height(), shape.width(), shape.channels()));
      case FEED_FORWARD -> list.setInputType(InputType.feedForward(shape.inputSize()));
      case FLAT -> { }
    }
    return list.build();
  }

  /**
   * One encoder and {@code decoders} decoders on its code, as a graph: the plan's layers before its decoder start are
   * the encoder ({@code encoder0}, {@code encoder1}, ...), and each decoder k is a fresh copy of the remaining layers
   * ({@code decoder<k>_<layer>}), whose last layer is the graph's output k. Input {@code input}.
   */
  public static ComputationGraphConfiguration buildShared(LatentSparkConfig cfg, int decoders) {
    NetworkPlan plan = cfg.plan();
    ComputationGraphConfiguration.GraphBuilder g = base(plan, cfg.train(), cfg.model().network().l2(), cfg.seed()).graphBuilder()
        .addInputs(INPUT);
    ImageShape shape = plan.shape();
    List<LayerSpec> steps = plan.steps();
    String code = INPUT;
    InputPreProcessor pending = null;
    int index = 0;
    int first = 0;
    for (; first < steps.size(); first++) {
      LayerSpec step = steps.get(first);
      if (step.reshape()) {
        pending = preprocessor(step);
        continue;
      }
      if (index == plan.decoderStart()) {
        break;
      }
      String name = "encoder" + index++;
      g.addLayer(name, layer(step, shape), pending, code);
      pending = null;
      code = name;
    }
    String[] outputs = new String[decoders];
    for (int k = 0; k < decoders; k++) {
      String prev = code;
      InputPreProcessor pre = pending;
      int at = index;
      for (int s = first; s < steps.size(); s++) {
        LayerSpec step = steps.get(s);
        if (step.reshape()) {
          pre = preprocessor(step);
          continue;
        }
        String name = "decoder" + k + "_" + at++;
        g.addLayer(name, layer(step, shape), pre, prev);
        pre = null;
        prev = name;
      }
      outputs[k] = prev;
    }
    g.setOutputs(outputs);
    switch (plan.input()) {
      case FLAT_IMAGE -> g.setInputTypes(InputType.convolutionalFlat(shape.height(), shape.width(), shape.channels()));
      case FEED_FORWARD -> g.setInputTypes(InputType.feedForward(shape.inputSize()));
      case FLAT -> { }
    }
    return g.build();
  }

  /** The name of a graph's input ({@link #buildShared}). */
  public static final String INPUT = "input";

  /** The settings every layer shares: seed, updater of train.optimizer, default weight init, weight decay. */
  private static NeuralNetConfiguration.Builder base(NetworkPlan plan, TrainConfig t, double l2, long seed) {
    NeuralNetConfiguration.Builder base = new NeuralNetConfiguration.Builder()
        .seed(seed)
        .updater(updater(t.optimizer(), t.learningRate()))
        .weightInit(plan.defaultInit().rectifier() ? WeightInit.RELU : WeightInit.XAVIER);
    if (l2 > 0) {
      base.l2(l2);
    }
    return base;
  }

  private static InputPreProcessor preprocessor(LayerSpec step) {
    if (step instanceof LayerSpec.ToFeatureMap m) {
      return new FeedForwardToCnnPreProcessor(m.height(), m.width(), m.channels());
    } else if (step instanceof LayerSpec.ToSequence s) {
      return SequenceReshape.toSequence(s.shape().channels(), s.shape().height(), s.shape().width());
    } else if (step instanceof LayerSpec.ToFlat f) {
      return SequenceReshape.toFlat(f.shape().channels(), f.shape().height(), f.shape().width());
    }
    throw new IllegalArgumentException("Not a reshape: " + step);
  }

  private static Layer layer(LayerSpec step, ImageShape shape) {
    if (step instanceof LayerSpec.Dense d) {
      return dense(d.nIn(), d.nOut(), d.activation(), d.xavier(), d.corruption() == null ? null : corruption(d.corruption(), shape));
    } else if (step instanceof LayerSpec.Contractive c) {
      return new ContractiveLayer.Builder().lambda(c.lambda()).nIn(c.nIn()).nOut(c.nOut()).weightInit(WeightInit.XAVIER).build();
    } else if (step instanceof LayerSpec.GaussianSample g) {
      return new GaussianSampleLayer(g.size(), g.beta());
    } else if (step instanceof LayerSpec.Sparsity s) {
      return new SparsityLayer(s.penalty().configName(), s.weight(), s.target(), s.k());
    } else if (step instanceof LayerSpec.DenseOutput o) {
      return new FastDense.Output(new OutputLayer.Builder(loss(o.loss())).nIn(o.nIn()).nOut(o.nOut()).activation(activation(o.activation()))
          .weightInit(WeightInit.XAVIER));
    } else if (step instanceof LayerSpec.Conv c) {
      ConvolutionLayer.Builder conv = new ConvolutionLayer.Builder(c.kernel(), c.kernel()).stride(2, 2).convolutionMode(ConvolutionMode.Same)
          .nOut(c.nOut()).activation(activation(c.activation()));
      if (c.corruption() != null) {
        conv.dropOut(corruption(c.corruption(), shape));
      }
      conv.build(); // DL4J's own validation of kernel, stride and padding
      return new FastConvolutions.Convolution(conv);
    } else if (step instanceof LayerSpec.Deconv d) {
      Deconvolution2D.Builder up = new Deconvolution2D.Builder(d.kernel(), d.kernel()).stride(2, 2).convolutionMode(ConvolutionMode.Same)
          .nOut(d.nOut()).activation(activation(d.activation()));
      if (d.xavier()) {
        up.weightInit(WeightInit.XAVIER);
      }
      up.build(); // DL4J's own validation of kernel, stride and padding
      return new FastConvolutions.Deconvolution(up);
    } else if (step instanceof LayerSpec.FlatLoss l) {
      // identity: DL4J's LossLayer backpropagates its activation in place on its input, so with a sigmoid here the
      // score computed after backprop (the training score, and the divergence guard that reads it) was the loss of a
      // garbled output - measured: 0.13 where the true loss was 0.044
      return new LossLayer.Builder(loss(l.loss())).activation(Activation.IDENTITY).build();
    } else if (step instanceof LayerSpec.LstmLastStep l) {
      return new LastTimeStep(lstm(l.nIn(), l.units()));
    } else if (step instanceof LayerSpec.Lstm l) {
      return lstm(l.nIn(), l.units());
    } else if (step instanceof LayerSpec.RepeatSteps r) {
      return new RepeatVector.Builder(r.steps()).dataFormat(RNNFormat.NCW).build();
    } else if (step instanceof LayerSpec.StepwiseDense s) {
      return new TimeDistributed(dense(s.nIn(), s.nOut(), s.activation(), false, null), RNNFormat.NCW);
    }
    throw new IllegalArgumentException("No DL4J layer for " + step);
  }

  private static DenseLayer dense(int nIn, int nOut, io.latentspark.spec.Activation a, boolean xavier, Corruption corruption) {
    DenseLayer.Builder layer = new DenseLayer.Builder().nOut(nOut).activation(activation(a));
    if (nIn > 0) {
      layer.nIn(nIn);
    }
    if (xavier) {
      layer.weightInit(WeightInit.XAVIER);
    }
    if (corruption != null) {
      layer.dropOut(corruption);
    }
    return FastDense.Dense.of(layer.build());
  }

  private static LSTM lstm(int nIn, int units) {
    return new LSTM.Builder().nIn(nIn).nOut(units).activation(Activation.TANH).build();
  }

  static IUpdater updater(io.latentspark.config.Optimizer optimizer, double lr) {
    return switch (optimizer) {
      case ADAM -> new FastAdam(lr);
      case NESTEROVS -> new Nesterovs(lr, 0.9);
      case RMSPROP -> new RmsProp(lr);
      case SGD -> new Sgd(lr);
    };
  }

  /** The activation function of {@code a}: LatentSpark's for ReLU and sigmoid (see {@link FastActivations}), else DL4J's. */
  public static org.nd4j.linalg.activations.IActivation activation(io.latentspark.spec.Activation a) {
    return switch (a) {
      case RELU -> new FastActivations.Relu();
      case SIGMOID -> new FastActivations.Sigmoid();
      default -> Activation.valueOf(a.name()).getActivationFunction();
    };
  }
}
