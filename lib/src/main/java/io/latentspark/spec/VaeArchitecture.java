package io.latentspark.spec;

/** The encoder and decoder of a VAE ({@code model.vae.architecture}). */
public enum VaeArchitecture implements Choice {
  DENSE("dense"), CONV("conv");

  private final String name;

  VaeArchitecture(String name) {
    this.name = name;
  }

  @Override
  public String configName() {
    return name;
  }
}
