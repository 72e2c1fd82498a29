package io.latentspark.spec;

/**
 * The loss the network's output layer computes: the mean squared error per pixel, the squared error summed over
 * pixels (a Gaussian VAE's reconstruction term), or the binary cross-entropy summed over pixels.
 */
public enum ReconstructionLoss {
  MEAN_SQUARED, SUMMED_SQUARED, CROSS_ENTROPY;

  /** true when the training score is a per-pixel MSE, comparable with the encoder's reconstruction_error. */
  public boolean perPixelMse() {
    return this == MEAN_SQUARED;
  }
}
