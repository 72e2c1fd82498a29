package io.latentspark.config;

import io.latentspark.spec.Choice;

/** {@code train.engine}: how the workers' fits become one network. */
public enum EngineKind implements Choice {
  LATENTSPARK, DL4J_SPARK;

}
