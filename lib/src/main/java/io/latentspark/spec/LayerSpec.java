package io.latentspark.spec;

import java.io.Serializable;

/**
 * One step of a {@link NetworkPlan}, in LatentSpark's words: a layer with its width and activation, or a reshaping
 * of the activations between layers. {@code nIn = 0} means "inferred from the input type". Initialisers: a layer
 * marked {@code xavier} starts from Xavier; the others from the plan's default (He for rectifier networks).
 */
public sealed interface LayerSpec extends Serializable {

  /** A fully connected layer; {@code corruption} (may be null) is applied to its input while training only. */
  record Dense(int nIn, int nOut, Activation activation, boolean xavier, CorruptionSettings corruption) implements LayerSpec {}

  /** A sigmoid code layer adding lambda x ||dh/dx||_F^2 to the loss (contractive autoencoder). */
  record Contractive(int nIn, int nOut, double lambda) implements LayerSpec {}

  /** Samples z from [mu | log-variance] while training (mu at inference) and adds beta x KL to N(0, I). */
  record GaussianSample(int size, double beta) implements LayerSpec {}

  /** A parameter-free penalty (or top-k selection) on the codes before it. */
  record Sparsity(SparsityPenalty penalty, double weight, double target, int k) implements LayerSpec {}

  /** A dense output layer computing the reconstruction loss. */
  record DenseOutput(int nIn, int nOut, Activation activation, ReconstructionLoss loss) implements LayerSpec {}

  /** A stride-2 "same" convolution (halves height and width); {@code corruption} (may be null) is applied to its input while training. */
  record Conv(int nOut, int kernel, Activation activation, CorruptionSettings corruption) implements LayerSpec {}

  /** A stride-2 "same" transposed convolution (doubles height and width). */
  record Deconv(int nOut, int kernel, Activation activation, boolean xavier) implements LayerSpec {}

  /** A parameter-free loss on the flattened output of the layer before it (which is already activated). */
  record FlatLoss(ReconstructionLoss loss) implements LayerSpec {}

  /** An LSTM over the time steps whose output is its last step's. */
  record LstmLastStep(int nIn, int units) implements LayerSpec {}

  /** An LSTM returning every time step. */
  record Lstm(int nIn, int units) implements LayerSpec {}

  /** Repeats a vector once per time step. */
  record RepeatSteps(int steps) implements LayerSpec {}

  /** The same dense layer applied to every time step. */
  record StepwiseDense(int nIn, int nOut, Activation activation) implements LayerSpec {}

  /** Reshapes flat activations to a channels x height x width feature map for the next layer. */
  record ToFeatureMap(int channels, int height, int width) implements LayerSpec {}

  /** Reshapes a flat image to its rows as time steps (channels x width values each) for the next layer. */
  record ToSequence(ImageShape shape) implements LayerSpec {}

  /** Reshapes rows-as-steps back to the flat channel-major image for the next layer. */
  record ToFlat(ImageShape shape) implements LayerSpec {}

  /** true for the reshaping steps, which attach to the layer after them and have no index of their own. */
  default boolean reshape() {
    return this instanceof ToFeatureMap || this instanceof ToSequence || this instanceof ToFlat;
  }
}
