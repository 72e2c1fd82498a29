package io.latentspark.spec;

import java.util.Optional;

/**
 * {@code denoising}: the dense network trained to reconstruct clean images from corrupted ones; the corruption
 * ({@code model.corruption}) is applied to every training minibatch on the workers, never when encoding.
 */
public record DenoisingSpec(NetworkSettings network, CorruptionSettings corruption) implements DenseFamilySpec {
  public static final String TYPE = "denoising";

  static DenoisingSpec read(Reader model, NetworkSettings network) {
    return new DenoisingSpec(network, CorruptionSettings.read(model.section("corruption")));
  }

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public Optional<CorruptionSettings> trainingCorruption() {
    return Optional.of(corruption);
  }
}
