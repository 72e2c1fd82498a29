package io.latentspark.model;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Collection;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.LayerValidation;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.params.DefaultParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * DL4J's dense and output layers (the same configuration, parameters, functions and order of operations) whose
 * matrix products are single {@code Nd4j.gemm} calls into arrays of the layout libnd4j multiplies fastest. DL4J
 * 1.0.0-M2 computes a layer's output with {@code input.mmuli(W, out)}, which multiplies into a temporary
 * column-major array and copies it into the row-major output, and its input gradient with
 * {@code W.mmuli(delta.transpose(), ...)}: on one core, for a batch of 128 through a 784 x 256 layer, 40 and 73
 * GFLOP/s, against 113-166 for a product straight into a row-major array (../shared/FACTS.md's ceiling is
 * 98 GFLOP/s at 1024^3). Products of small layers (fewer than {@link #LARGE} weights) run faster into
 * column-major arrays, so those keep that layout. Layer normalisation falls back to DL4J's code.
 * {@code FastDenseTest} checks outputs, scores and gradients against DL4J's layers in float and double.
 */
public final class FastDense {
  private FastDense() {}

  /** Weights from which a layer's products go into row-major arrays (measured faster above ~100k, slower below ~20k). */
  static final long LARGE = 65_536;

  /** Configuration of a dense layer whose passes run {@link FastDense}'s products. */
  public static final class Dense extends DenseLayer {
    private static final long serialVersionUID = 1L;

    public Dense() {
      // for JSON
    }

    /**
     * The same layer as {@code built} (DL4J's builder constructor is private, so its fields are copied, from
     * DenseLayer up to Layer).
     */
    public static Dense of(DenseLayer built) {
      Dense d = new Dense();
      for (Class<?> c = DenseLayer.class; c != Object.class; c = c.getSuperclass()) {
        for (Field f : c.getDeclaredFields()) {
          if (!Modifier.isStatic(f.getModifiers())) {
            try {
              f.setAccessible(true);
              f.set(d, f.get(built));
            } catch (IllegalAccessException e) {
              throw new IllegalStateException("cannot copy DL4J's dense layer field " + f, e);
            }
          }
        }
      }
      return d;
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners, int index, INDArray params,
        boolean initializeParams, DataType dataType) {
      LayerValidation.assertNInNOutSet("DenseLayer", getLayerName(), index, getNIn(), getNOut());
      return LayerWiring.wire(new DenseImpl(conf, dataType), conf, listeners, index, params, initializeParams);
    }
  }

  /** Configuration of an output layer whose passes run {@link FastDense}'s products. */
  public static final class Output extends OutputLayer {
    private static final long serialVersionUID = 1L;

    public Output() {
      // for JSON
    }

    public Output(OutputLayer.Builder builder) {
      super(builder);
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners, int index, INDArray params,
        boolean initializeParams, DataType dataType) {
      LayerValidation.assertNInNOutSet("OutputLayer", getLayerName(), index, getNIn(), getNOut());
      return LayerWiring.wire(new OutputImpl(conf, dataType), conf, listeners, index, params, initializeParams);
    }
  }

  /** True when {@code input} (already cast to the layer's type) can go through these products. */
  private static boolean fits(INDArray input, INDArray weights) {
    return input.rank() == 2 && input.columns() == weights.rows() && input.dataType() == weights.dataType();
  }

  private static boolean large(INDArray weights) {
    return weights.length() >= LARGE;
  }

  /** input x W (+ bias, unless null) into a new activations array: both layers' pre-activations before masking. */
  private static INDArray affine(INDArray input, INDArray weights, INDArray bias, LayerWorkspaceMgr mgr) {
    INDArray out = mgr.createUninitialized(ArrayType.ACTIVATIONS, weights.dataType(), new long[] {input.size(0), weights.size(1)},
        large(weights) ? 'c' : 'f');
    Nd4j.gemm(input, weights, out, false, false, 1.0, 0.0);
    return bias == null ? out : out.addiRowVector(bias);
  }

  /** dL/dinput = delta x W^T, into a new activation-gradient array. */
  private static INDArray inputGradient(INDArray delta, INDArray weights, LayerWorkspaceMgr mgr) {
    INDArray eps = mgr.createUninitialized(ArrayType.ACTIVATION_GRAD, delta.dataType(), new long[] {delta.size(0), weights.size(0)},
        large(weights) ? 'c' : 'f');
    return Nd4j.gemm(delta, weights, eps, false, true, 1.0, 0.0);
  }

  /** dL/dW = input^T x delta into DL4J's column-major gradient view (as delta^T x input into its row-major transpose when large). */
  private static void weightGradient(INDArray input, INDArray delta, INDArray weightGrad) {
    if (large(weightGrad)) {
      Nd4j.gemm(delta, input, weightGrad.transpose(), true, false, 1.0, 0.0);
    } else {
      Nd4j.gemm(input, delta, weightGrad, true, false, 1.0, 0.0);
    }
  }

  static final class DenseImpl extends org.deeplearning4j.nn.layers.feedforward.dense.DenseLayer implements TrainingNetwork.FirstLayer {
    private final KeptPreActivations kept = new KeptPreActivations();
    private boolean inputGradientUnused;

    DenseImpl(NeuralNetConfiguration conf, DataType dataType) {
      super(conf, dataType);
    }

    @Override
    public void setInput(INDArray input, LayerWorkspaceMgr workspaceMgr) {
      kept.clear();
      super.setInput(input, workspaceMgr);
    }

    /** DL4J's BaseLayer.activate, keeping the pre-activations of a training pass for backprop. */
    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
      INDArray z = preOutput(training, workspaceMgr);
      if (training && !hasLayerNorm()) {
        kept.keep(z, input);
      } else {
        kept.clear();
      }
      INDArray ret = layerConf().getActivationFn().getActivation(z, training);
      if (maskArray != null) {
        applyMask(ret);
      }
      return ret;
    }

    /** DL4J's BaseLayer.preOutputWithPreNorm, with one product into the output array. */
    @Override
    protected Pair<INDArray, INDArray> preOutputWithPreNorm(boolean training, boolean forBackprop, LayerWorkspaceMgr workspaceMgr) {
      INDArray w = getParam(DefaultParamInitializer.WEIGHT_KEY);
      if (hasLayerNorm() || input == null || !fits(input.castTo(dataType), w)) {
        return super.preOutputWithPreNorm(training, forBackprop, workspaceMgr); // also DL4J's errors for bad input
      }
      assertInputSet(forBackprop);
      applyDropOutIfNecessary(training, workspaceMgr);
      INDArray weights = getParamWithNoise(DefaultParamInitializer.WEIGHT_KEY, training, workspaceMgr);
      INDArray bias = getParamWithNoise(DefaultParamInitializer.BIAS_KEY, training, workspaceMgr);
      INDArray ret = affine(input.castTo(dataType), weights, hasBias() ? bias : null, workspaceMgr);
      if (maskArray != null) {
        applyMask(ret);
      }
      return new Pair<>(ret, ret);
    }

    /** DL4J's BaseLayer.backpropGradient, with one product for each gradient. */
    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
      INDArray w = getParam(DefaultParamInitializer.WEIGHT_KEY);
      if (hasLayerNorm() || input == null || !fits(input.castTo(dataType), w)) {
        return super.backpropGradient(epsilon, workspaceMgr);
      }
      assertInputSet(true);
      INDArray z = kept.take(input);
      if (z == null) {
        z = preOutputWithPreNorm(true, true, workspaceMgr).getFirst();
      }
      INDArray delta = layerConf().getActivationFn().backprop(z, epsilon).getFirst();
      if (maskArray != null) {
        applyMask(delta);
      }
      Gradient ret = new DefaultGradient();
      if (hasBias()) {
        INDArray biasGrad = gradientViews.get(DefaultParamInitializer.BIAS_KEY);
        delta.sum(biasGrad, 0);
        ret.gradientForVariable().put(DefaultParamInitializer.BIAS_KEY, biasGrad);
      }
      INDArray weights = getParamWithNoise(DefaultParamInitializer.WEIGHT_KEY, true, workspaceMgr);
      INDArray epsilonNext = inputGradientUnused ? null : inputGradient(delta, weights, workspaceMgr);
      INDArray weightGrad = gradientViews.get(DefaultParamInitializer.WEIGHT_KEY);
      weightGradient(input.castTo(weightGrad.dataType()), delta, weightGrad);
      ret.gradientForVariable().put(DefaultParamInitializer.WEIGHT_KEY, weightGrad);
      weightNoiseParams.clear();
      return new Pair<>(ret, epsilonNext == null ? null : backpropDropOutIfPresent(epsilonNext));
    }

    @Override
    public void inputGradientUnused(boolean unused) {
      inputGradientUnused = unused;
    }
  }

  static final class OutputImpl extends org.deeplearning4j.nn.layers.OutputLayer {
    private final KeptPreActivations kept = new KeptPreActivations();
    private final SigmoidSquaredError fused = new SigmoidSquaredError();
    private boolean scoring;
    /** The sum of squared errors of the last fused backward pass, and the input and labels it was computed from. */
    private double fusedSum;
    private INDArray fusedInput;
    private INDArray fusedLabels;

    OutputImpl(NeuralNetConfiguration conf, DataType dataType) {
      super(conf, dataType);
    }

    @Override
    public void setInput(INDArray input, LayerWorkspaceMgr workspaceMgr) {
      kept.clear();
      fusedInput = null;
      super.setInput(input, workspaceMgr);
    }

    /** The networks score right after backprop, with the same input and parameters: backprop's pre-activations serve. */
    @Override
    public double computeScore(double fullNetRegTerm, boolean training, LayerWorkspaceMgr workspaceMgr) {
      boolean fusedScore = training && fusedInput != null && fusedInput == input && fusedLabels == labels;
      fusedInput = null;
      fusedLabels = null;
      if (fusedScore) { // BaseOutputLayer.computeScore with LossMSE's score (not averaged, divided by nOut)
        kept.clear();
        double score = fusedSum / labels.size(1);
        if (conf().isMiniBatch()) {
          score /= getInputMiniBatchSize();
        }
        this.score = score + fullNetRegTerm;
        return this.score;
      }
      scoring = training;
      try {
        return super.computeScore(fullNetRegTerm, training, workspaceMgr);
      } finally {
        scoring = false;
        kept.clear();
      }
    }

    @Override
    protected INDArray preOutput2d(boolean training, LayerWorkspaceMgr workspaceMgr) {
      INDArray z = scoring ? kept.take(input) : null;
      return z != null ? z : super.preOutput2d(training, workspaceMgr);
    }

    @Override
    protected Pair<INDArray, INDArray> preOutputWithPreNorm(boolean training, boolean forBackprop, LayerWorkspaceMgr workspaceMgr) {
      INDArray w = getParam(DefaultParamInitializer.WEIGHT_KEY);
      if (input == null || !fits(input.castTo(dataType), w)) {
        return super.preOutputWithPreNorm(training, forBackprop, workspaceMgr);
      }
      assertInputSet(forBackprop);
      applyDropOutIfNecessary(training, workspaceMgr);
      INDArray weights = getParamWithNoise(DefaultParamInitializer.WEIGHT_KEY, training, workspaceMgr);
      INDArray bias = getParamWithNoise(DefaultParamInitializer.BIAS_KEY, training, workspaceMgr);
      INDArray ret = affine(input.castTo(dataType), weights, hasBias() ? bias : null, workspaceMgr);
      if (maskArray != null) {
        applyMask(ret);
      }
      return new Pair<>(ret, ret);
    }

    /** DL4J's BaseOutputLayer.backpropGradient (and its getGradientsAndDelta), with one product for each gradient. */
    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
      INDArray w = getParam(DefaultParamInitializer.WEIGHT_KEY);
      if (input == null || !fits(input.castTo(dataType), w)) {
        return super.backpropGradient(epsilon, workspaceMgr);
      }
      assertInputSet(true);
      kept.clear();
      fusedInput = null;
      INDArray preOut = preOutput2d(true, workspaceMgr);
      INDArray labels2d = getLabels2d(workspaceMgr, ArrayType.BP_WORKING_MEM);
      INDArray delta;
      if (SigmoidSquaredError.applies(layerConf(), preOut, labels2d, maskArray)) {
        fusedSum = fused.gradientInPlace(preOut, labels2d); // the score that follows takes this sum
        fusedInput = input;
        fusedLabels = labels;
        delta = preOut;
      } else {
        kept.keep(preOut, input); // before the loss's gradient, which may overwrite preOut
        delta = layerConf().getLossFn().computeGradient(labels2d, preOut, layerConf().getActivationFn(), maskArray);
      }
      Gradient gradient = new DefaultGradient();
      INDArray weightGrad = gradientViews.get(DefaultParamInitializer.WEIGHT_KEY);
      weightGradient(input.castTo(weightGrad.dataType()), delta, weightGrad);
      gradient.gradientForVariable().put(DefaultParamInitializer.WEIGHT_KEY, weightGrad);
      if (hasBias()) {
        INDArray biasGrad = gradientViews.get(DefaultParamInitializer.BIAS_KEY);
        delta.sum(biasGrad, 0);
        gradient.gradientForVariable().put(DefaultParamInitializer.BIAS_KEY, biasGrad);
      }
      delta = workspaceMgr.leverageTo(ArrayType.ACTIVATION_GRAD, delta);
      INDArray weights = getParamWithNoise(DefaultParamInitializer.WEIGHT_KEY, true, workspaceMgr);
      INDArray epsilonNext = inputGradient(delta, weights, workspaceMgr);
      // DL4J clears the weight noise of output layers in the network's backprop (it is reused for the score)
      return new Pair<>(gradient, backpropDropOutIfPresent(epsilonNext));
    }
  }
}
