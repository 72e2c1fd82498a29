package io.latentspark.spec;

/** {@code dense}: the undercomplete fully connected autoencoder. */
public record DenseSpec(NetworkSettings network) implements DenseFamilySpec {
  public static final String TYPE = "dense";

  static DenseSpec read(Reader model, NetworkSettings network) {
    return new DenseSpec(network);
  }

  @Override
  public String type() {
    return TYPE;
  }
}
