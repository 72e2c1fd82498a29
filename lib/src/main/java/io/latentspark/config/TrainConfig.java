package io.latentspark.config;

import java.io.Serializable;

/** Distributed training settings ({@code train.*}). */
public record TrainConfig(
    int epochs,
    int batchSizePerWorker,
    String optimizer,
    double learningRate,
    int averagingFrequency,
    int workers,
    int prefetchBatches,
    int keepCheckpoints,
    String scratchDir,
    int lossSampleSize)
    implements Serializable {

  static TrainConfig read(Settings s) {
    double lr = s.positiveNumber("learningRate");
    if (lr > 10) {
      throw s.invalid("learningRate", lr, "the value must be at most 10");
    }
    return new TrainConfig(
        s.positiveInt("epochs"),
        s.positiveInt("batchSizePerWorker"),
        s.oneOf("optimizer", "adam", "nesterovs", "rmsprop", "sgd"),
        lr,
        s.positiveInt("averagingFrequency"),
        s.nonNegativeInt("workers"),
        s.nonNegativeInt("prefetchBatches"),
        s.positiveInt("keepCheckpoints"),
        s.string("scratchDir"),
        s.nonNegativeInt("lossSampleSize"));
  }
}
