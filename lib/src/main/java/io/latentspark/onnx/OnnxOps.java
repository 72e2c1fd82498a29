package io.latentspark.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto.AttributeType;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.tribuo.util.onnx.ONNXAttribute;
import org.tribuo.util.onnx.ONNXOperator;

/**
 * The ONNX operators (opset {@value #OPSET}) LatentSpark's graphs use, declared for Tribuo's graph builder
 * (its own {@code ONNXOperators} has no convolution, LSTM or reshaping): name, required and optional inputs,
 * outputs, and the attributes each may take.
 */
enum OnnxOps implements ONNXOperator {
  ADD("Add", 2, 0, 1),
  SUB("Sub", 2, 0, 1),
  MUL("Mul", 2, 0, 1),
  DIV("Div", 2, 0, 1),
  ABS("Abs", 1, 0, 1),
  IDENTITY("Identity", 1, 0, 1),
  RELU("Relu", 1, 0, 1),
  SIGMOID("Sigmoid", 1, 0, 1),
  TANH("Tanh", 1, 0, 1),
  LEAKY_RELU("LeakyRelu", 1, 0, 1, attr("alpha", AttributeType.FLOAT)),
  ELU("Elu", 1, 0, 1, attr("alpha", AttributeType.FLOAT)),
  GEMM("Gemm", 2, 1, 1, attr("alpha", AttributeType.FLOAT), attr("beta", AttributeType.FLOAT), attr("transA", AttributeType.INT),
      attr("transB", AttributeType.INT)),
  MATMUL("MatMul", 2, 0, 1),
  CONV("Conv", 2, 1, 1, attr("kernel_shape", AttributeType.INTS), attr("strides", AttributeType.INTS), attr("pads", AttributeType.INTS),
      attr("dilations", AttributeType.INTS), attr("group", AttributeType.INT)),
  CONV_TRANSPOSE("ConvTranspose", 2, 1, 1, attr("kernel_shape", AttributeType.INTS), attr("strides", AttributeType.INTS),
      attr("pads", AttributeType.INTS), attr("dilations", AttributeType.INTS), attr("output_padding", AttributeType.INTS), attr("group", AttributeType.INT)),
  /** X, W, R, B -> Y, Y_h (the cell state output is left off). */
  LSTM("LSTM", 3, 1, 2, attr("hidden_size", AttributeType.INT), attr("direction", AttributeType.STRING)),
  RESHAPE("Reshape", 2, 0, 1),
  TRANSPOSE("Transpose", 1, 0, 1, attr("perm", AttributeType.INTS)),
  SQUEEZE("Squeeze", 1, 1, 1),
  UNSQUEEZE("Unsqueeze", 2, 0, 1),
  TILE("Tile", 2, 0, 1),
  SLICE("Slice", 3, 2, 1),
  /** X, K -> values, indices. */
  TOP_K("TopK", 2, 0, 2, attr("axis", AttributeType.INT), attr("largest", AttributeType.INT), attr("sorted", AttributeType.INT)),
  REDUCE_MIN("ReduceMin", 1, 0, 1, attr("axes", AttributeType.INTS), attr("keepdims", AttributeType.INT)),
  REDUCE_MEAN("ReduceMean", 1, 0, 1, attr("axes", AttributeType.INTS), attr("keepdims", AttributeType.INT)),
  LOG("Log", 1, 0, 1),
  NEG("Neg", 1, 0, 1),
  /** X, min, max (scalars) -> Y. */
  CLIP("Clip", 1, 2, 1),
  GREATER_OR_EQUAL("GreaterOrEqual", 2, 0, 1),
  CAST("Cast", 1, 0, 1, attr("to", AttributeType.INT));

  /** The ONNX opset the graphs are written for (ONNX Runtime 1.20 runs opsets 7-21). */
  static final int OPSET = 13;

  private final String name;
  private final int inputs;
  private final int optionalInputs;
  private final int outputs;
  private final Map<String, ONNXAttribute> attributes;

  OnnxOps(String name, int inputs, int optionalInputs, int outputs, ONNXAttribute... attributes) {
    this.name = name;
    this.inputs = inputs;
    this.optionalInputs = optionalInputs;
    this.outputs = outputs;
    this.attributes = Arrays.stream(attributes).collect(Collectors.toUnmodifiableMap(ONNXAttribute::getName, Function.identity()));
  }

  private static ONNXAttribute attr(String name, AttributeType type) {
    return new ONNXAttribute(name, type, false);
  }

  @Override
  public String getOpName() {
    return name;
  }

  @Override
  public int getNumInputs() {
    return inputs;
  }

  @Override
  public int getNumOptionalInputs() {
    return optionalInputs;
  }

  @Override
  public int getNumOutputs() {
    return outputs;
  }

  @Override
  public Map<String, ONNXAttribute> getAttributes() {
    return attributes;
  }

  @Override
  public Set<String> getMandatoryAttributeNames() {
    return Set.of();
  }

  @Override
  public int getOpVersion() {
    return OPSET;
  }

  @Override
  public String getOpDomain() {
    return null;
  }
}
