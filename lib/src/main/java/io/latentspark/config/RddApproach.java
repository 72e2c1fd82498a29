package io.latentspark.config;

import io.latentspark.spec.Choice;

/** {@code train.rddTrainingApproach}: how dl4j-spark feeds its workers. */
public enum RddApproach implements Choice {
  AUTO, EXPORT, DIRECT;

}
