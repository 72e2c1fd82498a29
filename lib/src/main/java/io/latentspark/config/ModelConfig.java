package io.latentspark.config;

import io.latentspark.spec.Activation;
import io.latentspark.spec.AutoencoderSpec;
import io.latentspark.spec.CorruptionSettings;
import io.latentspark.spec.Loss;
import io.latentspark.spec.ModelTypes;
import io.latentspark.spec.NetworkSettings;
import java.io.Serializable;
import java.util.List;

/**
 * The autoencoder ({@code model.*}): the spec of its {@code model.type} (which owns that type's settings) and the
 * corruption settings, which the {@code denoise} measurement applies to any model. The accessors below read the
 * settings every type shares.
 */
public record ModelConfig(AutoencoderSpec spec, CorruptionSettings corruption) implements Serializable {

  /** The {@code model.type} word. */
  public String type() {
    return spec.type();
  }

  /** The settings every type shares. */
  public NetworkSettings network() {
    return spec.network();
  }

  public List<Integer> encoderLayers() {
    return network().encoderLayers();
  }

  public int latentSize() {
    return network().latentSize();
  }

  public Activation outputActivation() {
    return network().outputActivation();
  }

  public Loss loss() {
    return network().loss();
  }

  static ModelConfig read(Settings s) {
    NetworkSettings network = NetworkSettings.read(s);
    CorruptionSettings corruption = CorruptionSettings.read(s.section("corruption"));
    return new ModelConfig(ModelTypes.read(s, network), corruption);
  }
}
