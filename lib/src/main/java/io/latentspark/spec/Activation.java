package io.latentspark.spec;

/** Activation functions ({@code model.activation}, {@code latentActivation}, {@code outputActivation}). */
public enum Activation implements Choice {
  RELU, LEAKYRELU, ELU, TANH, SIGMOID, IDENTITY;

  /** true for the rectifiers, whose layers start from He (ReLU) initialisation rather than Xavier. */
  public boolean rectifier() {
    return this == RELU || this == LEAKYRELU;
  }
}
