package io.latentspark.config;

import io.latentspark.spec.Choice;

/** {@code encode.engine}: what runs the network on the executors when encoding. */
public enum EncodeEngine implements Choice {
  /** The trained DL4J network. */
  DL4J,
  /** ONNX Runtime (CPU) on the model exported as ONNX in memory, or on an ONNX encoder given with {@code encode --onnx}. */
  ONNX
}
