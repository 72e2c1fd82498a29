package io.latentspark.spec;

/** Input corruption of a denoising autoencoder ({@code model.corruption.type}). */
public enum CorruptionKind implements Choice {
  GAUSSIAN, MASKING, SALT_PEPPER, OCCLUSION;

}
