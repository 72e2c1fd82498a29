package io.latentspark.spec;

/** Input corruption of a denoising autoencoder ({@code model.corruption.type}). */
public enum CorruptionKind implements Choice {
  GAUSSIAN("gaussian"), MASKING("masking"), SALT_PEPPER("salt-pepper"), OCCLUSION("occlusion");

  private final String name;

  CorruptionKind(String name) {
    this.name = name;
  }

  @Override
  public String configName() {
    return name;
  }
}
