package io.latentspark.spec;

/** The reconstruction loss a user chooses ({@code model.loss}). */
public enum Loss implements Choice {
  MSE, BCE;

}
