package io.latentspark.config;

import java.io.Serializable;

/** Distributed training settings ({@code train.*}). */
public record TrainConfig(
    int epochs,
    int batchSizePerWorker,
    Optimizer optimizer,
    double learningRate,
    int averagingFrequency,
    EngineKind engine,
    int workers,
    int prefetchBatches,
    double divergenceFactor,
    int earlyStoppingPatience,
    int threadsPerWorker,
    int keepCheckpoints,
    RddApproach rddTrainingApproach,
    String scratchDir,
    java.util.List<String> labels,
    int lossSampleSize,
    int reduceFanIn)
    implements Serializable {

  private static double divergenceFactor(Settings s) {
    double f = s.nonNegativeNumber("divergenceFactor");
    if (f > 0 && f <= 1) {
      throw s.invalid("divergenceFactor", f, "the value must be 0 (off) or greater than 1");
    }
    return f;
  }

  static TrainConfig read(Settings s) {
    double lr = s.positiveNumber("learningRate");
    if (lr > 10) {
      throw s.invalid("learningRate", lr, "the value must be at most 10");
    }
    return new TrainConfig(
        s.positiveInt("epochs"),
        s.positiveInt("batchSizePerWorker"),
        s.choice("optimizer", java.util.List.of(Optimizer.values())),
        lr,
        s.positiveInt("averagingFrequency"),
        s.choice("engine", java.util.List.of(EngineKind.values())),
        s.nonNegativeInt("workers"),
        s.nonNegativeInt("prefetchBatches"),
        divergenceFactor(s),
        s.nonNegativeInt("earlyStoppingPatience"),
        s.nonNegativeInt("threadsPerWorker"),
        s.positiveInt("keepCheckpoints"),
        s.choice("rddTrainingApproach", java.util.List.of(RddApproach.values())),
        s.string("scratchDir"),
        s.stringList("labels"),
        s.nonNegativeInt("lossSampleSize"),
        fanIn(s));
  }

  private static int fanIn(Settings s) {
    int f = s.positiveInt("reduceFanIn");
    if (f < 2) {
      throw s.invalid("reduceFanIn", f, "the value must be at least 2 (partial sums combined per step)");
    }
    return f;
  }
}
