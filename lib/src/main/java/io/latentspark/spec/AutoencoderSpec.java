package io.latentspark.spec;

import java.io.Serializable;
import java.util.List;
import java.util.Optional;

/**
 * One member of the autoencoder family, read from {@code model.type} and its own settings block: it owns its
 * settings and their validation, the network it trains (as a {@link NetworkPlan}), its code layer, its one-line
 * description and what the report says of it. Adding a model type is one new record here (plus its layers, if
 * it needs a new {@link LayerSpec}), registered in {@link ModelTypes}.
 */
public sealed interface AutoencoderSpec extends Serializable
    permits DenseFamilySpec, ConvSpec, ConvDenoisingSpec, VaeSpec, Seq2SeqSpec {

  /** The {@code model.type} word. */
  String type();

  /** The shared settings (code size, activations, loss, ...). */
  NetworkSettings network();

  /** The network for images of {@code shape}, layer by layer. */
  NetworkPlan plan(ImageShape shape);

  /** A one-line description of the architecture for images of {@code shape}, for logs and reports. */
  String describe(ImageShape shape);

  /** Checks the rules that depend on the images (called once, when the config is read). */
  default void validate(ImageShape shape, Problems problems) {}

  /** The loss the output layer computes. */
  default ReconstructionLoss reconstructionLoss() {
    return network().loss() == Loss.BCE ? ReconstructionLoss.CROSS_ENTROPY : ReconstructionLoss.MEAN_SQUARED;
  }

  /** What the training loss (DL4J's score) is, in words, e.g. "cross-entropy summed per image". */
  default String trainingLossName() {
    return reconstructionLoss().perPixelMse() ? "the MSE per pixel" : "cross-entropy summed per image";
  }

  /** The corruption applied to the training input, if the model trains on corrupted images. */
  default Optional<CorruptionSettings> trainingCorruption() {
    return Optional.empty();
  }

  /**
   * The hole kinds the model learns to fill: non-empty for an inpainting model, whose every training image gets one
   * of them (drawn per image on the worker) and whose loss counts only the missing pixels.
   */
  default List<PixelMask> trainingMasks(ImageShape shape) {
    return List.of();
  }

  /** Epochs of greedy layer-wise pretraining per encoder layer before end-to-end training (0 = none). */
  default int greedyPretrainEpochs() {
    return 0;
  }

  /**
   * true for a variational model: its code layer outputs [mu | log-variance] (encoded as z and z_log_var), and it
   * can decode samples from its prior N(0, I).
   */
  default boolean variational() {
    return false;
  }

  /** The report's caption of the reconstruction grid (a model trained on corrupted images is shown corrupted ones). */
  default String reconstructionsCaption() {
    return trainingCorruption().map(c -> "Test images corrupted as in training (" + c.describe()
        + ", top row of each group), the autoencoder's output (middle) and the clean images (bottom).")
        .orElse("Test images (upper row of each pair) and the autoencoder's reconstructions (lower row).");
  }
}
