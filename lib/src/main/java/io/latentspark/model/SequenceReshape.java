package io.latentspark.model;

import org.deeplearning4j.nn.api.MaskState;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * Turns flat channel-major images {@code [m, C*H*W]} into sequences {@code [m, C*W, H]} (DL4J's NCW: one time
 * step per image row, the row's values of every channel as its features), or back. The sequence-to-sequence
 * autoencoder reads its input through {@code toSequence} and hands its decoder's output to the flat
 * reconstruction loss through {@code toFlat}, so its input, output and labels stay the flat images every other
 * LatentSpark model uses.
 */
public final class SequenceReshape implements InputPreProcessor {
  private static final long serialVersionUID = 1L;

  @JsonProperty
  private boolean toSequence;
  @JsonProperty
  private int channels;
  @JsonProperty
  private int height;
  @JsonProperty
  private int width;

  public SequenceReshape() {
    // for JSON
  }

  private SequenceReshape(boolean toSequence, int channels, int height, int width) {
    this.toSequence = toSequence;
    this.channels = channels;
    this.height = height;
    this.width = width;
  }

  /** Flat images to sequences of {@code height} steps of {@code channels * width} features. */
  public static SequenceReshape toSequence(int channels, int height, int width) {
    return new SequenceReshape(true, channels, height, width);
  }

  /** Sequences back to flat images. */
  public static SequenceReshape toFlat(int channels, int height, int width) {
    return new SequenceReshape(false, channels, height, width);
  }

  /** [m, C*H*W] -> [m, C*W, H]. */
  static INDArray flatToSequence(INDArray flat, int c, int h, int w) {
    long m = flat.size(0);
    return flat.dup('c').reshape('c', m, c, h, w).permute(0, 1, 3, 2).dup('c').reshape('c', m, (long) c * w, h);
  }

  /** [m, C*W, H] -> [m, C*H*W]. */
  static INDArray sequenceToFlat(INDArray seq, int c, int h, int w) {
    long m = seq.size(0);
    return seq.dup('c').reshape('c', m, c, w, h).permute(0, 1, 3, 2).dup('c').reshape('c', m, (long) c * h * w);
  }

  private INDArray forward(INDArray x, boolean sequenceOut) {
    return sequenceOut ? flatToSequence(x, channels, height, width) : sequenceToFlat(x, channels, height, width);
  }

  @Override
  public INDArray preProcess(INDArray input, int miniBatchSize, LayerWorkspaceMgr mgr) {
    long expected = toSequence ? (long) channels * height * width : (long) channels * width;
    if (input.size(1) != expected || (toSequence ? input.rank() != 2 : input.rank() != 3 || input.size(2) != height)) {
      throw new IllegalStateException("SequenceReshape(" + (toSequence ? "to sequence" : "to flat") + ", " + channels + "x" + height + "x"
          + width + ") got an array of shape " + java.util.Arrays.toString(input.shape()));
    }
    return mgr.leverageTo(ArrayType.ACTIVATIONS, forward(input, toSequence));
  }

  @Override
  public INDArray backprop(INDArray output, int miniBatchSize, LayerWorkspaceMgr mgr) {
    return mgr.leverageTo(ArrayType.ACTIVATION_GRAD, forward(output, !toSequence));
  }

  @Override
  public InputType getOutputType(InputType inputType) {
    return toSequence ? InputType.recurrent((long) channels * width, height) : InputType.feedForward((long) channels * height * width);
  }

  @Override
  public Pair<INDArray, MaskState> feedForwardMaskArray(INDArray maskArray, MaskState currentMaskState, int minibatchSize) {
    return new Pair<>(maskArray, currentMaskState);
  }

  @Override
  public SequenceReshape clone() {
    return new SequenceReshape(toSequence, channels, height, width);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SequenceReshape s && s.toSequence == toSequence && s.channels == channels && s.height == height && s.width == width;
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(toSequence, channels, height, width);
  }
}
