package io.latentspark.config;

import java.io.Serializable;

/**
 * Fine-tuning settings ({@code finetune.*}): how many labelled training images, the epochs of the head alone
 * (encoder frozen) and then of all layers, their learning rate, and whether the encoder starts pretrained.
 */
public record FinetuneConfig(int labels, int headEpochs, int epochs, double learningRate, boolean scratch) implements Serializable {
  static FinetuneConfig read(Settings s) {
    int headEpochs = s.nonNegativeInt("headEpochs");
    int epochs = s.nonNegativeInt("epochs");
    if (headEpochs + epochs == 0) {
      throw s.invalid("epochs", epochs, "finetune.headEpochs + finetune.epochs must be at least 1");
    }
    double lr = s.positiveNumber("learningRate");
    String init = s.oneOf("init", "pretrained", "scratch");
    return new FinetuneConfig(s.nonNegativeInt("labels"), headEpochs, epochs, lr, init.equals("scratch"));
  }
}
