package io.latentspark.spec;

/** The encoder and decoder of a VAE ({@code model.vae.architecture}). */
public enum VaeArchitecture implements Choice {
  DENSE, CONV;

}
