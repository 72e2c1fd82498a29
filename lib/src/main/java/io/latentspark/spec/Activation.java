package io.latentspark.spec;

/** Activation functions ({@code model.activation}, {@code latentActivation}, {@code outputActivation}). */
public enum Activation implements Choice {
  RELU("relu"), LEAKYRELU("leakyrelu"), ELU("elu"), TANH("tanh"), SIGMOID("sigmoid"), IDENTITY("identity");

  private final String name;

  Activation(String name) {
    this.name = name;
  }

  @Override
  public String configName() {
    return name;
  }

  /** true for the rectifiers, whose layers start from He (ReLU) initialisation rather than Xavier. */
  public boolean rectifier() {
    return this == RELU || this == LEAKYRELU;
  }
}
