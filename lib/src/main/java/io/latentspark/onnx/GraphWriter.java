package io.latentspark.onnx;

import io.latentspark.spec.Activation;
import io.latentspark.spec.ImageShape;
import io.latentspark.spec.LayerSpec;
import io.latentspark.spec.SparsityPenalty;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.tribuo.util.onnx.ONNXContext;
import org.tribuo.util.onnx.ONNXNode;
import org.tribuo.util.onnx.ONNXRef;

/**
 * Writes a run of a network's layers into one ONNX graph, in LatentSpark's layer vocabulary ({@link LayerSpec}),
 * with the trained parameters of the DL4J network as initialisers. Keeps track of the current tensor's form: flat
 * {@code [N, F]}, a feature map {@code [N, C, H, W]} (DL4J's NCHW) or a sequence {@code [T, N, F]} (time-major, as
 * ONNX's LSTM reads it; DL4J's NCW sequences are {@code [N, F, T]}), and reshapes between them as DL4J's
 * preprocessors do.
 */
final class GraphWriter {
  private enum Form { FLAT, MAP, SEQUENCE }

  private final ONNXContext onnx;
  private final MultiLayerNetwork net;
  private ONNXRef<?> current;
  private Form form = Form.FLAT;
  private int flat;
  private int channels;
  private int height;
  private int width;
  private ONNXRef<?> logVar;

  /**
   * @param input a flat {@code [N, flat]} tensor
   * @param image the feature map that flat tensor is, for a convolution reading it (null if none does)
   */
  GraphWriter(ONNXContext onnx, MultiLayerNetwork net, ONNXRef<?> input, int flat, ImageShape image) {
    this.onnx = onnx;
    this.net = net;
    this.current = input;
    this.flat = flat;
    if (image != null) {
      channels = image.channels();
      height = image.height();
      width = image.width();
    }
  }

  ONNXRef<?> current() {
    return current;
  }

  /** The flat width of the current tensor (it must be flat). */
  int flatSize() {
    toFlat();
    return flat;
  }

  /** A VAE sampler's log-variance half, once written (else null). */
  ONNXRef<?> logVar() {
    return logVar;
  }

  /**
   * Writes the network's layers {@code from} (inclusive) to {@code to} (exclusive) of {@code steps} (a plan's steps:
   * a reshape belongs to the layer after it). Leaves the current tensor flat.
   */
  void layers(List<LayerSpec> steps, int from, int to) {
    int index = 0;
    for (LayerSpec step : steps) {
      if (index >= from && index < to) {
        step(step, index);
      }
      if (!step.reshape()) {
        index++;
      }
    }
    toFlat();
  }

  private void step(LayerSpec step, int layer) {
    if (step instanceof LayerSpec.Dense d) {
      dense(layer, d.activation());
    } else if (step instanceof LayerSpec.Contractive) {
      dense(layer, Activation.SIGMOID);
    } else if (step instanceof LayerSpec.DenseOutput o) {
      dense(layer, o.activation());
    } else if (step instanceof LayerSpec.GaussianSample g) {
      toFlat();
      logVar = slice(current, g.size(), 2 * g.size());
      current = slice(current, 0, g.size());
      flat = g.size();
    } else if (step instanceof LayerSpec.Sparsity s) {
      if (s.penalty() == SparsityPenalty.K_SPARSE) {
        kSparse(s.k());
      } // the penalties act on the loss only
    } else if (step instanceof LayerSpec.Conv c) {
      conv(layer, c.kernel(), c.nOut(), c.activation());
    } else if (step instanceof LayerSpec.Deconv d) {
      deconv(layer, d.kernel(), d.nOut(), d.activation());
    } else if (step instanceof LayerSpec.FlatLoss) {
      toFlat();
    } else if (step instanceof LayerSpec.LstmLastStep l) {
      List<ONNXNode> out = lstm(layer, l.units());
      current = op(OnnxOps.SQUEEZE, NONE, out.get(1), onnx.array("axis0", new long[] {0})); // Y_h [1, N, H] -> [N, H]
      form = Form.FLAT;
      flat = l.units();
    } else if (step instanceof LayerSpec.Lstm l) {
      List<ONNXNode> out = lstm(layer, l.units());
      current = op(OnnxOps.SQUEEZE, NONE, out.get(0), onnx.array("axis1", new long[] {1})); // Y [T, 1, N, H] -> [T, N, H]
      flat = l.units();
    } else if (step instanceof LayerSpec.RepeatSteps r) {
      toFlat();
      ONNXRef<?> once = op(OnnxOps.UNSQUEEZE, NONE, current, onnx.array("axis0", new long[] {0}));
      current = op(OnnxOps.TILE, NONE, once, onnx.array("repeats", new long[] {r.steps(), 1, 1}));
      form = Form.SEQUENCE;
    } else if (step instanceof LayerSpec.StepwiseDense s) {
      INDArray w = param(layer, "W");
      current = op(OnnxOps.ADD, NONE, op(OnnxOps.MATMUL, NONE, current, weights("W" + layer, w)), bias("b" + layer, param(layer, "b")));
      flat = (int) w.size(1);
      activation(s.activation());
    } else if (step instanceof LayerSpec.ToFeatureMap m) {
      toFlat();
      channels = m.channels();
      height = m.height();
      width = m.width();
      toMap();
    } else if (step instanceof LayerSpec.ToSequence s) {
      ImageShape i = s.shape();
      ONNXRef<?> map = reshape(current, -1, i.channels(), i.height(), i.width());
      ONNXRef<?> rowsFirst = op(OnnxOps.TRANSPOSE, attrs("perm", new int[] {2, 0, 1, 3}), map); // [H, N, C, W]
      current = reshape(rowsFirst, i.height(), -1, (long) i.channels() * i.width());
      form = Form.SEQUENCE;
      flat = i.channels() * i.width();
    } else if (step instanceof LayerSpec.ToFlat f) {
      ImageShape i = f.shape();
      ONNXRef<?> steps = reshape(current, i.height(), -1, i.channels(), i.width()); // [H, N, C, W]
      ONNXRef<?> map = op(OnnxOps.TRANSPOSE, attrs("perm", new int[] {1, 2, 0, 3}), steps); // [N, C, H, W]
      current = reshape(map, -1, (long) i.inputSize());
      form = Form.FLAT;
      flat = i.inputSize();
    } else {
      throw new IllegalArgumentException("No ONNX translation for " + step);
    }
  }

  private void dense(int layer, Activation a) {
    toFlat();
    INDArray w = param(layer, "W");
    if (w.size(0) != flat) {
      throw new IllegalStateException("Layer " + layer + " takes " + w.size(0) + " inputs but the graph has " + flat + " here");
    }
    current = op(OnnxOps.GEMM, NONE, current, weights("W" + layer, w), bias("b" + layer, param(layer, "b")));
    flat = (int) w.size(1);
    activation(a);
  }

  /** DL4J's "same" stride-2 convolution: output ceil(in / 2), the odd padding pixel at the bottom/right. */
  private void conv(int layer, int kernel, int nOut, Activation a) {
    toMap();
    int outH = (height + 1) / 2;
    int outW = (width + 1) / 2;
    int padH = Math.max(0, (outH - 1) * 2 + kernel - height);
    int padW = Math.max(0, (outW - 1) * 2 + kernel - width);
    current = op(OnnxOps.CONV, attrs("kernel_shape", new int[] {kernel, kernel}, "strides", new int[] {2, 2},
        "pads", new int[] {padH / 2, padW / 2, padH - padH / 2, padW - padW / 2}),
        current, weights("W" + layer, param(layer, "W")), bias("b" + layer, param(layer, "b")));
    channels = nOut;
    height = outH;
    width = outW;
    activation(a);
  }

  /**
   * DL4J's "same" stride-2 transposed convolution (libnd4j deconv2d): output 2 x in, cropping (k - 2) / 2 rows and
   * columns at the top/left of the full (in - 1) x 2 + k output and the rest at the bottom/right. DL4J's weights are
   * [in, out, kH, kW], as ONNX's.
   */
  private void deconv(int layer, int kernel, int nOut, Activation a) {
    toMap();
    int begin = (kernel - 2) / 2;
    int end = kernel - 2 - begin;
    current = op(OnnxOps.CONV_TRANSPOSE, attrs("kernel_shape", new int[] {kernel, kernel}, "strides", new int[] {2, 2},
        "pads", new int[] {begin, begin, end, end}), current, weights("W" + layer, param(layer, "W")), bias("b" + layer, param(layer, "b")));
    channels = nOut;
    height *= 2;
    width *= 2;
    activation(a);
  }

  /**
   * ONNX's LSTM from DL4J's: DL4J's gate blocks are [block input (tanh), forget, output, input gate] along 4 x units;
   * ONNX's are [input, output, forget, cell], its weights transposed, its bias split into input and recurrent halves.
   */
  private List<ONNXNode> lstm(int layer, int units) {
    if (form != Form.SEQUENCE) {
      throw new IllegalStateException("Layer " + layer + " (LSTM) needs a sequence input");
    }
    int[] order = {3, 2, 1, 0};
    float[][] w = gates(param(layer, "W"), units, order); // [nIn, 4u] -> [4u][nIn]
    float[][] r = gates(param(layer, "RW"), units, order);
    float[] b = param(layer, "b").castTo(DataType.FLOAT).dup('c').data().asFloat();
    float[] bias = new float[8 * units];
    for (int g = 0; g < 4; g++) {
      System.arraycopy(b, order[g] * units, bias, g * units, units);
    }
    int nIn = w[0].length;
    var wi = onnx.floatTensor("W" + layer, List.of(1, 4 * units, nIn), buf -> { for (float[] row : w) buf.put(row); });
    var ri = onnx.floatTensor("R" + layer, List.of(1, 4 * units, units), buf -> { for (float[] row : r) buf.put(row); });
    var bi = onnx.floatTensor("B" + layer, List.of(1, 8 * units), buf -> buf.put(bias));
    return onnx.operation(OnnxOps.LSTM, List.<ONNXRef<?>>of(current, wi, ri, bi), List.of("lstm" + layer + "_y", "lstm" + layer + "_h"),
        attrs("hidden_size", units, "direction", "forward"));
  }

  /** The rows of ONNX's [4u, in] weight matrix from DL4J's [in, 4u], gate blocks reordered. */
  private static float[][] gates(INDArray dl4j, int units, int[] order) {
    float[][] m = dl4j.castTo(DataType.FLOAT).toFloatMatrix();
    float[][] out = new float[4 * units][m.length];
    for (int g = 0; g < 4; g++) {
      for (int u = 0; u < units; u++) {
        for (int i = 0; i < m.length; i++) {
          out[g * units + u][i] = m[i][order[g] * units + u];
        }
      }
    }
    return out;
  }

  /** The k largest |a| of each row kept, the others 0 (ties at the k-th value all kept; DL4J keeps the first). */
  private void kSparse(int k) {
    toFlat();
    ONNXRef<?> abs = op(OnnxOps.ABS, NONE, current);
    List<ONNXNode> top = onnx.operation(OnnxOps.TOP_K, List.<ONNXRef<?>>of(abs, onnx.array("k", new long[] {Math.min(k, flat)})),
        List.of("topk", "topk_index"), attrs("axis", 1));
    ONNXRef<?> kth = op(OnnxOps.REDUCE_MIN, attrs("axes", new int[] {1}, "keepdims", 1), top.get(0));
    ONNXRef<?> keep = op(OnnxOps.CAST, attrs("to", ai.onnx.proto.OnnxMl.TensorProto.DataType.FLOAT.getNumber()),
        op(OnnxOps.GREATER_OR_EQUAL, NONE, abs, kth));
    current = op(OnnxOps.MUL, NONE, current, keep);
  }

  void activation(Activation a) {
    current = switch (a) {
      case IDENTITY -> current;
      case RELU -> op(OnnxOps.RELU, NONE, current);
      case SIGMOID -> op(OnnxOps.SIGMOID, NONE, current);
      case TANH -> op(OnnxOps.TANH, NONE, current);
      case LEAKYRELU -> op(OnnxOps.LEAKY_RELU, attrs("alpha", 0.01f), current); // DL4J's default slope
      case ELU -> op(OnnxOps.ELU, attrs("alpha", 1.0f), current);
    };
  }

  private void toFlat() {
    if (form == Form.MAP) {
      flat = channels * height * width;
      current = reshape(current, -1, flat);
      form = Form.FLAT;
    } else if (form == Form.SEQUENCE) {
      throw new IllegalStateException("A sequence reaches a layer that needs flat input");
    }
  }

  private void toMap() {
    if (form == Form.FLAT) {
      if ((long) channels * height * width != flat) {
        throw new IllegalStateException("Cannot read " + flat + " values as a " + channels + "x" + height + "x" + width + " feature map");
      }
      current = reshape(current, -1, channels, height, width);
      form = Form.MAP;
    }
  }

  private ONNXRef<?> reshape(ONNXRef<?> x, long... shape) {
    return op(OnnxOps.RESHAPE, NONE, x, onnx.array("shape", shape));
  }

  /** Columns [from, to) of a flat tensor. */
  private ONNXRef<?> slice(ONNXRef<?> x, int from, int to) {
    return op(OnnxOps.SLICE, NONE, x, onnx.array("starts", new long[] {from}), onnx.array("ends", new long[] {to}),
        onnx.array("axes", new long[] {1}));
  }

  /** {@code a - b}, {@code a * b} etc. with a constant vector b (broadcast over rows). */
  ONNXRef<?> withVector(ONNXRef<?> a, OnnxOps op, String name, float[] b) {
    return op(op, NONE, a, onnx.array(name, b));
  }

  /**
   * Nodes computing the reconstruction errors of {@code reconstruction} against {@code pixels} (both [batch, n] in pixel
   * space) as the encoders do in Java: per row the mean squared error and the mean binary cross-entropy with the
   * reconstruction clamped to [eps, 1 - eps] (both [batch, 1]), and the per-pixel squared errors ([batch, n]).
   * ONNX Runtime computes them vectorised (the logarithms are most of an MNIST image's encoding time in Java).
   */
  List<ONNXRef<?>> errors(ONNXRef<?> pixels, ONNXRef<?> reconstruction, float eps) {
    ONNXRef<?> d = op(OnnxOps.SUB, NONE, reconstruction, pixels);
    ONNXRef<?> squared = op(OnnxOps.MUL, NONE, d, d);
    Map<String, Object> rowMean = attrs("axes", new int[] {1}, "keepdims", 1);
    ONNXRef<?> mse = op(OnnxOps.REDUCE_MEAN, rowMean, squared);
    ONNXRef<?> lo = onnx.constant("eps", eps);
    ONNXRef<?> hi = onnx.constant("one_minus_eps", 1 - eps);
    ONNXRef<?> one = onnx.constant("one", 1f);
    // 1 - clamp(r) = clamp(1 - r), and 1 - r is exact in float where r is near 1, so log(1 - q) keeps Java's value there
    ONNXRef<?> logQ = op(OnnxOps.LOG, NONE, op(OnnxOps.CLIP, NONE, reconstruction, lo, hi));
    ONNXRef<?> log1mQ = op(OnnxOps.LOG, NONE, op(OnnxOps.CLIP, NONE, op(OnnxOps.SUB, NONE, one, reconstruction), lo, hi));
    ONNXRef<?> likelihood = op(OnnxOps.ADD, NONE, op(OnnxOps.MUL, NONE, pixels, logQ),
        op(OnnxOps.MUL, NONE, op(OnnxOps.SUB, NONE, one, pixels), log1mQ));
    ONNXRef<?> bce = op(OnnxOps.NEG, NONE, op(OnnxOps.REDUCE_MEAN, rowMean, likelihood));
    return List.of(mse, bce, squared);
  }

  private static final Map<String, Object> NONE = Map.of();

  /** One node of {@code op} on {@code inputs} with one output. */
  private ONNXNode op(OnnxOps op, Map<String, Object> attributes, ONNXRef<?>... inputs) {
    return onnx.operation(op, List.of(inputs), op.getOpName().toLowerCase(java.util.Locale.ROOT), attributes);
  }

  /** Attributes from alternating names and values. */
  private static Map<String, Object> attrs(Object... namesAndValues) {
    Map<String, Object> m = new java.util.LinkedHashMap<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      m.put((String) namesAndValues[i], namesAndValues[i + 1]);
    }
    return m;
  }

  private INDArray param(int layer, String key) {
    INDArray p = net.getLayer(layer).getParam(key);
    if (p == null) {
      throw new IllegalStateException("Layer " + layer + " (" + net.getLayer(layer).getClass().getSimpleName() + ") has no parameter " + key);
    }
    return p;
  }

  private ONNXRef<?> weights(String name, INDArray w) {
    float[] values = w.castTo(DataType.FLOAT).dup('c').data().asFloat();
    List<Integer> dims = java.util.Arrays.stream(w.shape()).mapToInt(Math::toIntExact).boxed().toList();
    return onnx.floatTensor(name, dims, buf -> buf.put(values));
  }

  private ONNXRef<?> bias(String name, INDArray b) {
    return onnx.array(name, b.castTo(DataType.FLOAT).dup('c').data().asFloat());
  }
}
