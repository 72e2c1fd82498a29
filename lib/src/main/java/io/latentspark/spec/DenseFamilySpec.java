package io.latentspark.spec;

import java.util.List;

/**
 * The dense family (dense, denoising, sparse, contractive, stacked, inpainting): {@code model.encoderLayers}, a code block,
 * the mirrored decoder and a dense output layer. A member says only what differs: its code block, its training
 * corruption, its pretraining. The static helpers also serve the dense VAE.
 */
public sealed interface DenseFamilySpec extends AutoencoderSpec
    permits DenseSpec, DenoisingSpec, SparseSpec, ContractiveSpec, StackedSpec, InpaintingSpec {

  /** Adds the code layer(s) after a layer of width {@code nIn}, marks the code, and returns the code's width. */
  @FunctionalInterface
  interface CodeBlock {
    int add(NetworkPlan.Builder plan, int nIn, CorruptionSettings inputCorruption);
  }

  /** This member's code block; by default a dense layer of latentSize units with the latent activation. */
  default CodeBlock codeBlock() {
    return plainCode(network());
  }

  @Override
  default NetworkPlan plan(ImageShape shape) {
    return densePlan(network(), shape, trainingCorruption().orElse(null), codeBlock(), reconstructionLoss());
  }

  @Override
  default String describe(ImageShape shape) {
    return describeDense(network(), shape, String.valueOf(network().latentSize()));
  }

  /** The plain code block: a dense layer of latentSize units with the latent activation, Xavier-initialised. */
  static CodeBlock plainCode(NetworkSettings n) {
    return (plan, nIn, corruption) -> {
      plan.add(new LayerSpec.Dense(nIn, n.latentSize(), n.latentActivation(), true, corruption)).latent();
      return n.latentSize();
    };
  }

  /**
   * The dense network for {@code shape} with the output layer computing {@code loss}; {@code corruption} (may be
   * null) is applied to the first layer's input while training.
   */
  static NetworkPlan densePlan(NetworkSettings n, ImageShape shape, CorruptionSettings corruption, CodeBlock code, ReconstructionLoss loss) {
    if (n.latentSize() >= shape.inputSize()) { // checked here, not with the config: data-only configs may have tiny images
      throw new IllegalArgumentException("model.latentSize " + n.latentSize() + " must be smaller than the input size " + shape.inputSize()
          + " for an undercomplete autoencoder");
    }
    NetworkPlan.Builder plan = new NetworkPlan.Builder(shape, NetworkPlan.Input.FLAT, n.activation());
    List<Integer> widths = n.denseWidths(shape.inputSize());
    int bottleneck = n.encoderLayers().size();
    int prev = shape.inputSize();
    for (int i = 0; i < widths.size() - 1; i++) {
      CorruptionSettings input = i == 0 ? corruption : null;
      if (i == bottleneck) {
        prev = code.add(plan, prev, input);
        continue;
      }
      plan.add(new LayerSpec.Dense(prev, widths.get(i), n.activation(), false, input));
      prev = widths.get(i);
    }
    return plan.add(new LayerSpec.DenseOutput(prev, shape.inputSize(), n.outputActivation(), loss)).build();
  }

  /** "784 -> [256, 64] -> CODE -> [64, 256, 784]". */
  static String describeDense(NetworkSettings n, ImageShape shape, String code) {
    List<Integer> widths = n.denseWidths(shape.inputSize());
    int e = n.encoderLayers().size();
    return shape.inputSize() + " -> " + widths.subList(0, e) + " -> " + code + " -> " + widths.subList(e + 1, widths.size());
  }
}
