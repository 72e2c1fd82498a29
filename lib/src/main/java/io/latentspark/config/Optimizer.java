package io.latentspark.config;

import io.latentspark.spec.Choice;

/** {@code train.optimizer}: the gradient-descent update rule. */
public enum Optimizer implements Choice {
  ADAM, NESTEROVS, RMSPROP, SGD;

}
