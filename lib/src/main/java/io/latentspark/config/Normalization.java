package io.latentspark.config;

import io.latentspark.spec.Choice;

/** {@code data.normalize}: how pixels are scaled for the network. */
public enum Normalization implements Choice {
  UNIT, STANDARDIZE
}
