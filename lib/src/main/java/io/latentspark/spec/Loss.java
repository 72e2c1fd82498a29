package io.latentspark.spec;

/** The reconstruction loss a user chooses ({@code model.loss}). */
public enum Loss implements Choice {
  MSE("mse"), BCE("bce");

  private final String name;

  Loss(String name) {
    this.name = name;
  }

  @Override
  public String configName() {
    return name;
  }
}
