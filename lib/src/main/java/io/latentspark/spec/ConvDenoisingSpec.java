package io.latentspark.spec;

import java.util.Optional;

/**
 * {@code conv-denoising}: the convolutional autoencoder ({@code model.conv}) trained to reconstruct clean images
 * from corrupted ones ({@code model.corruption}, applied to the first convolution's input on every training
 * minibatch on the workers, never when encoding).
 */
public record ConvDenoisingSpec(NetworkSettings network, ConvSettings conv, CorruptionSettings corruption) implements AutoencoderSpec {
  public static final String TYPE = "conv-denoising";

  static ConvDenoisingSpec read(Reader model, NetworkSettings network) {
    return new ConvDenoisingSpec(network, ConvSettings.read(model.section("conv")), CorruptionSettings.read(model.section("corruption")));
  }

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public NetworkPlan plan(ImageShape shape) {
    return conv.plan(network, shape, false, 0, reconstructionLoss(), corruption);
  }

  @Override
  public String describe(ImageShape shape) {
    return corruption.describe() + " -> " + conv.describe(shape, String.valueOf(network.latentSize()));
  }

  @Override
  public void validate(ImageShape shape, Problems problems) {
    conv.validate(shape, problems);
  }

  @Override
  public Optional<CorruptionSettings> trainingCorruption() {
    return Optional.of(corruption);
  }
}
