package io.latentspark.model;

import java.util.Collection;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.Deconvolution2D;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.convolution.Deconvolution2DLayer;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNConvHelper;
import org.deeplearning4j.nn.params.ConvolutionParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.deeplearning4j.util.ConvolutionUtils;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * DL4J's strided convolution and transposed convolution layers (the same configuration, parameters and functions),
 * with float forward and backward passes that reach libnd4j's oneDNN kernels. In DL4J 1.0.0-M2 neither does:
 * <ul>
 *   <li>{@code ConvolutionLayer} creates its oneDNN helper only when {@code org.eclipse.deeplearning4j.helpers.disable}
 *       is false, and the helper's check then looks for {@code org.nd4j.nativeblas.Nd4jCpu$Environment}, a class M2
 *       moved to {@code org.nd4j.linalg.cpu.nativecpu.bindings}: the lookup always fails, and the layer runs its Java
 *       im2col path. {@link Convolution} installs that helper (which runs libnd4j's {@code conv2d}/{@code conv2d_bp}),
 *       except for layers of a few input channels (an image's), whose passes {@link StridedConvolution} runs: oneDNN's
 *       backward pass took 7.2-11.6 ms per minibatch of 128 for the conv autoencoder's 1 -> 32 channel first layer
 *       (2.5 GFLOP/s at 11.6 ms, one core), and the first layer's input gradient, which nothing reads, is left out.</li>
 *   <li>{@code Deconvolution2DLayer} calls libnd4j's {@code deconv2d}/{@code deconv2d_bp} with "same" padding, which
 *       libnd4j's oneDNN implementation does not take, so the generic col2im code runs (1.1 GFLOP/s for a 32 -> 1
 *       channel layer). {@link Deconvolution} runs {@link TransposedConvolution}: one matrix product over the whole
 *       minibatch and a scatter into the "same" window, whose top-left offset is libnd4j's own same-mode padding
 *       {@code (k-s)/2} of the full {@code s*(in-1)+k} output.</li>
 * </ul>
 * Both fall back to DL4J's own code for anything else (double precision - the gradient checks -, other padding
 * modes, dilation, NHWC). {@code FastConvolutionsTest} checks outputs and gradients against DL4J's layers.
 */
public final class FastConvolutions {
  private FastConvolutions() {}

  /** Configuration of a convolution layer whose float passes run libnd4j's conv2d ops. */
  public static final class Convolution extends ConvolutionLayer {
    private static final long serialVersionUID = 1L;

    public Convolution() {
      // for JSON
    }

    public Convolution(ConvolutionLayer.Builder builder) {
      super(builder);
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners, int index, INDArray params,
        boolean initializeParams, DataType dataType) {
      return LayerWiring.wire(new ConvolutionImpl(conf, dataType), conf, listeners, index, params, initializeParams);
    }
  }

  /** Configuration of a transposed convolution layer whose float passes run {@link TransposedConvolution}. */
  public static final class Deconvolution extends Deconvolution2D {
    private static final long serialVersionUID = 1L;

    public Deconvolution() {
      // for JSON
    }

    public Deconvolution(Deconvolution2D.Builder builder) {
      super(builder);
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners, int index, INDArray params,
        boolean initializeParams, DataType dataType) {
      return LayerWiring.wire(new DeconvolutionImpl(conf, dataType), conf, listeners, index, params, initializeParams);
    }
  }

  static final class ConvolutionImpl extends org.deeplearning4j.nn.layers.convolution.ConvolutionLayer implements TrainingNetwork.FirstLayer {
    /** Input channels up to which {@link StridedConvolution} runs the passes (see {@link #geometry}). */
    static final long FEW_CHANNELS = 4;
    private final KeptPreActivations kept = new KeptPreActivations();
    private final StridedConvolution passes = new StridedConvolution();
    private boolean inputGradientUnused;

    ConvolutionImpl(NeuralNetConfiguration conf, DataType dataType) {
      super(conf, dataType);
      // the helper itself declines (returns null, DL4J's path runs) for anything but float
      helper = new MKLDNNConvHelper(dataType);
    }

    /** Float: the backward pass (the oneDNN helper's or {@link StridedConvolution}'s) needs only the pre-activations. */
    private boolean helped() {
      return helper != null && dataType == DataType.FLOAT && input != null && input.dataType() == DataType.FLOAT;
    }

    /**
     * The geometry of {@link StridedConvolution}'s passes over the current input, or null when the oneDNN helper or
     * DL4J's code runs them. They run layers of at most {@link #FEW_CHANNELS} input channels (an image's: grey, RGB,
     * RGBA) in "same" mode, NCHW, without dilation, in float, with kernels at least as large as the strides. For more
     * channels oneDNN's passes are faster: 32 -> 64 channels, 14 -> 7, batch 128, one core, the Java gathering of the
     * taps alone took 11.5 ms against oneDNN's whole forward pass, 4.9 ms (scratch probe, docs/TRAINING.md).
     */
    private TransposedConvolution.Geometry geometry(INDArray weights) {
      ConvolutionLayer c = layerConf();
      boolean fast = input != null && weights.rank() == 4 && weights.size(1) <= FEW_CHANNELS && input.rank() == 4
          && TransposedConvolution.takes(input, weights) && convolutionMode == ConvolutionMode.Same
          && c.getCnn2dDataFormat() == CNN2DFormat.NCHW && c.getDilation()[0] == 1 && c.getDilation()[1] == 1
          && input.size(1) == weights.size(1) && c.getKernelSize()[0] >= c.getStride()[0] && c.getKernelSize()[1] >= c.getStride()[1];
      if (!fast) {
        return null;
      }
      int[] kernel = c.getKernelSize();
      int[] stride = c.getStride();
      int[] in = {(int) input.size(2), (int) input.size(3)};
      int[] out = {(in[0] + stride[0] - 1) / stride[0], (in[1] + stride[1] - 1) / stride[1]}; // DL4J's "same" output size
      int[] pad = ConvolutionUtils.getSameModeTopLeftPadding(out, in, kernel, stride, c.getDilation());
      return StridedConvolution.geometry(input.shape(), (int) weights.size(0), out[0], out[1], kernel[0], kernel[1], stride[0], stride[1],
          pad[0], pad[1]);
    }

    @Override
    public void setInput(INDArray input, LayerWorkspaceMgr workspaceMgr) {
      kept.clear();
      super.setInput(input, workspaceMgr);
    }

    /**
     * DL4J's, or {@link StridedConvolution}'s forward pass; keeps the pre-activations of a training forward pass (activate's
     * call) for backprop.
     */
    @Override
    protected Pair<INDArray, INDArray> preOutput(boolean training, boolean forBackprop, LayerWorkspaceMgr workspaceMgr) {
      INDArray weights = getParamWithNoise(ConvolutionParamInitializer.WEIGHT_KEY, training, workspaceMgr);
      TransposedConvolution.Geometry g = geometry(weights);
      Pair<INDArray, INDArray> z;
      if (g == null) {
        z = super.preOutput(training, forBackprop, workspaceMgr);
      } else {
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, DataType.FLOAT,
            new long[] {g.batch(), g.inC(), g.inH(), g.inW()}, 'c');
        INDArray bias = layerConf().hasBias() ? getParamWithNoise(ConvolutionParamInitializer.BIAS_KEY, training, workspaceMgr) : null;
        passes.forward(g, input, weights, bias, out, workspaceMgr);
        z = new Pair<>(out, null);
      }
      if (!forBackprop) {
        if (training && helped()) {
          kept.keep(z.getFirst(), input);
        } else {
          kept.clear();
        }
      }
      return z;
    }

    /** Backprop's pre-activations: those kept from the forward pass when there are (DL4J computes the convolution again). */
    @Override
    protected Pair<INDArray, INDArray> preOutput4d(boolean training, boolean forBackprop, LayerWorkspaceMgr workspaceMgr) {
      INDArray z = forBackprop && helped() ? kept.take(input) : null;
      return z != null ? new Pair<>(z, null) : super.preOutput4d(training, forBackprop, workspaceMgr);
    }

    /**
     * {@link StridedConvolution}'s backward pass where its forward pass runs: leaves out the input gradient when the
     * network does not read it, returning an array of the input's shape that is never filled (for the input
     * preprocessor, whose result DL4J then drops).
     */
    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
      assertInputSet(true);
      INDArray weights = getParamWithNoise(ConvolutionParamInitializer.WEIGHT_KEY, true, workspaceMgr);
      TransposedConvolution.Geometry g = geometry(weights);
      INDArray weightGrad = gradientViews.get(ConvolutionParamInitializer.WEIGHT_KEY);
      if (g == null || epsilon.dataType() != DataType.FLOAT || !TransposedConvolution.dense(weightGrad)) {
        return super.backpropGradient(epsilon, workspaceMgr);
      }
      INDArray z = kept.take(input);
      if (z == null) {
        z = preOutput(true, true, workspaceMgr).getFirst();
      }
      INDArray delta = layerConf().getActivationFn().backprop(z, epsilon).getFirst();
      INDArray epsNext = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, DataType.FLOAT,
          new long[] {g.batch(), g.outC(), g.outH(), g.outW()}, 'c');
      boolean bias = layerConf().hasBias();
      INDArray biasGrad = bias ? gradientViews.get(ConvolutionParamInitializer.BIAS_KEY) : null;
      passes.backward(g, input, weights, delta, inputGradientUnused ? null : epsNext, weightGrad, biasGrad, workspaceMgr);
      Gradient gradient = new DefaultGradient();
      if (bias) {
        gradient.setGradientFor(ConvolutionParamInitializer.BIAS_KEY, biasGrad);
      }
      gradient.setGradientFor(ConvolutionParamInitializer.WEIGHT_KEY, weightGrad, 'c');
      weightNoiseParams.clear();
      return new Pair<>(gradient, inputGradientUnused ? epsNext : backpropDropOutIfPresent(epsNext));
    }

    @Override
    public void inputGradientUnused(boolean unused) {
      inputGradientUnused = unused;
    }

    @Override
    public boolean placeholderInputGradient() {
      return true;
    }
  }

  static final class DeconvolutionImpl extends Deconvolution2DLayer {
    private final KeptPreActivations kept = new KeptPreActivations();
    private final TransposedConvolution passes = new TransposedConvolution();

    DeconvolutionImpl(NeuralNetConfiguration conf, DataType dataType) {
      super(conf, dataType);
    }

    @Override
    public void setInput(INDArray input, LayerWorkspaceMgr workspaceMgr) {
      kept.clear();
      super.setInput(input, workspaceMgr);
    }

    /** The geometry of this layer's passes over the current input, or null when they run DL4J's code. */
    private TransposedConvolution.Geometry geometry(INDArray weights) {
      ConvolutionLayer c = layerConf();
      boolean fast = input != null && input.rank() == 4 && TransposedConvolution.takes(input, weights)
          && convolutionMode == ConvolutionMode.Same && c.getCnn2dDataFormat() == CNN2DFormat.NCHW && c.getDilation()[0] == 1
          && c.getDilation()[1] == 1 && input.size(1) == weights.size(0) && c.getKernelSize()[0] >= c.getStride()[0]
          && c.getKernelSize()[1] >= c.getStride()[1];
      if (!fast) {
        return null;
      }
      int kH = c.getKernelSize()[0];
      int kW = c.getKernelSize()[1];
      int sH = c.getStride()[0];
      int sW = c.getStride()[1];
      int inH = (int) input.size(2);
      int inW = (int) input.size(3);
      // DL4J's "same" transposed convolution: the full output s (in - 1) + k cropped to s in, (k - s) / 2 from the top left
      TransposedConvolution.Geometry g = new TransposedConvolution.Geometry((int) input.size(0), (int) input.size(1), inH, inW,
          (int) weights.size(1), kH, kW, sH, sW, (kH - sH) / 2, (kW - sW) / 2, sH * inH, sW * inW);
      return g.fits() ? g : null;
    }

    @Override
    protected Pair<INDArray, INDArray> preOutput(boolean training, boolean forBackprop, LayerWorkspaceMgr workspaceMgr) {
      INDArray weights = getParamWithNoise(ConvolutionParamInitializer.WEIGHT_KEY, training, workspaceMgr);
      TransposedConvolution.Geometry g = geometry(weights);
      if (g == null) {
        return super.preOutput(training, forBackprop, workspaceMgr);
      }
      INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, DataType.FLOAT,
          new long[] {g.batch(), g.outC(), g.outH(), g.outW()}, 'c');
      INDArray bias = layerConf().hasBias() ? getParamWithNoise(ConvolutionParamInitializer.BIAS_KEY, training, workspaceMgr) : null;
      passes.forward(g, input, weights, bias, out, workspaceMgr);
      if (training && !forBackprop) {
        kept.keep(out, input); // activate's call: backprop takes these instead of a second transposed convolution
      } else if (!forBackprop) {
        kept.clear();
      }
      return new Pair<>(out, null);
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
      assertInputSet(true);
      INDArray weights = getParamWithNoise(ConvolutionParamInitializer.WEIGHT_KEY, true, workspaceMgr);
      TransposedConvolution.Geometry g = geometry(weights);
      INDArray weightGrad = gradientViews.get(ConvolutionParamInitializer.WEIGHT_KEY);
      if (g == null || epsilon.dataType() != DataType.FLOAT || !TransposedConvolution.dense(weightGrad)) {
        return super.backpropGradient(epsilon, workspaceMgr);
      }
      INDArray z = kept.take(input);
      if (z == null) {
        z = preOutput4d(true, true, workspaceMgr).getFirst();
      }
      INDArray delta = layerConf().getActivationFn().backprop(z, epsilon).getFirst();
      INDArray epsNext = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, DataType.FLOAT,
          new long[] {g.batch(), g.inC(), g.inH(), g.inW()}, 'c');
      boolean bias = layerConf().hasBias();
      INDArray biasGrad = bias ? gradientViews.get(ConvolutionParamInitializer.BIAS_KEY) : null;
      passes.backward(g, input, weights, delta, epsNext, weightGrad, biasGrad, workspaceMgr);
      Gradient gradient = new DefaultGradient();
      if (bias) {
        gradient.setGradientFor(ConvolutionParamInitializer.BIAS_KEY, biasGrad);
      }
      gradient.setGradientFor(ConvolutionParamInitializer.WEIGHT_KEY, weightGrad, 'c');
      weightNoiseParams.clear();
      return new Pair<>(gradient, epsNext);
    }
  }
}
