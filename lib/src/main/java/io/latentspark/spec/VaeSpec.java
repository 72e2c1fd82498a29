package io.latentspark.spec;

import java.util.List;

/**
 * {@code vae}: a variational autoencoder, dense ({@code model.encoderLayers}) or convolutional ({@code model.conv}),
 * per {@code model.vae.architecture}. The code layer outputs [mu | log-variance]; a reparameterised sample is
 * decoded; the loss is the reconstruction summed over pixels (bce: Bernoulli, mse: Gaussian) plus beta x KL to
 * N(0, I), so that with beta = 1 the score is the negative ELBO per image.
 *
 * @param conv the convolutions when {@code architecture} is conv, else null
 */
public record VaeSpec(NetworkSettings network, VaeArchitecture architecture, double beta, ConvSettings conv) implements AutoencoderSpec {
  public static final String TYPE = "vae";

  static VaeSpec read(Reader model, NetworkSettings network) {
    Reader vae = model.section("vae");
    VaeArchitecture architecture = vae.choice("architecture", List.of(VaeArchitecture.values()));
    ConvSettings conv = architecture == VaeArchitecture.CONV ? ConvSettings.read(model.section("conv")) : null;
    return new VaeSpec(network, architecture, vae.nonNegativeNumber("beta"), conv);
  }

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public NetworkPlan plan(ImageShape shape) {
    if (conv != null) {
      return conv.plan(network, shape, true, beta, reconstructionLoss(), null);
    }
    return DenseFamilySpec.densePlan(network, shape, null, (plan, nIn, corruption) -> {
      plan.add(new LayerSpec.Dense(nIn, 2 * network.latentSize(), Activation.IDENTITY, true, corruption));
      plan.add(new LayerSpec.GaussianSample(network.latentSize(), beta)).latent();
      return network.latentSize();
    }, reconstructionLoss());
  }

  @Override
  public String describe(ImageShape shape) {
    String code = "(mu, log-variance) " + 2 * network.latentSize() + " -> sample " + network.latentSize();
    return conv != null ? conv.describe(shape, code) : DenseFamilySpec.describeDense(network, shape, code);
  }

  @Override
  public void validate(ImageShape shape, Problems problems) {
    if (conv != null) {
      conv.validate(shape, problems);
    }
  }

  /** Summed over pixels: Bernoulli cross-entropy for bce, squared error (Gaussian) for mse. */
  @Override
  public ReconstructionLoss reconstructionLoss() {
    return network.loss() == Loss.BCE ? ReconstructionLoss.CROSS_ENTROPY : ReconstructionLoss.SUMMED_SQUARED;
  }

  @Override
  public String trainingLossName() {
    return "the negative ELBO per image";
  }

  @Override
  public boolean variational() {
    return true;
  }
}
