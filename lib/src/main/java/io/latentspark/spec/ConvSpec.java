package io.latentspark.spec;

/** {@code conv}: strided convolutions down to a dense code and transposed convolutions back up ({@code model.conv}). */
public record ConvSpec(NetworkSettings network, ConvSettings conv) implements AutoencoderSpec {
  public static final String TYPE = "conv";

  static ConvSpec read(Reader model, NetworkSettings network) {
    return new ConvSpec(network, ConvSettings.read(model.section("conv")));
  }

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public NetworkPlan plan(ImageShape shape) {
    return conv.plan(network, shape, false, 0, reconstructionLoss(), null);
  }

  @Override
  public String describe(ImageShape shape) {
    return conv.describe(shape, String.valueOf(network.latentSize()));
  }

  @Override
  public void validate(ImageShape shape, Problems problems) {
    conv.validate(shape, problems);
  }
}
