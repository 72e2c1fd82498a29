package io.latentspark.model;

import java.util.Arrays;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A layer's pre-activations from its last training forward pass, copied (outside workspaces, into a buffer the layer
 * reuses) before the activation overwrites them, for the next pass that needs them with the same input array: the
 * backward pass (and, for an output layer, the score computed right after it). DL4J recomputes them there - the
 * layer's product or convolution a second time ({@link FastDense}, {@link FastConvolutions}).
 */
final class KeptPreActivations {
  private INDArray buffer;
  private INDArray forInput;

  /** Keeps a copy of {@code z}, computed from {@code input} (the array itself: a layer's setInput clears what it kept). */
  void keep(INDArray z, INDArray input) {
    if (buffer == null || buffer.dataType() != z.dataType() || buffer.ordering() != z.ordering() || !Arrays.equals(buffer.shape(), z.shape())) {
      try (MemoryWorkspace ws = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
        buffer = Nd4j.createUninitialized(z.dataType(), z.shape(), z.ordering());
      }
    }
    buffer.assign(z);
    forInput = input;
  }

  /** The kept pre-activations if they were computed from {@code input}, once; null otherwise. */
  INDArray take(INDArray input) {
    boolean mine = forInput != null && forInput == input;
    forInput = null;
    return mine ? buffer : null;
  }

  void clear() {
    forInput = null;
  }
}
