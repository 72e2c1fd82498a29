package io.latentspark.config;

import java.io.Serializable;
import java.util.List;

/** The autoencoder's architecture and loss ({@code model.*}). */
public record ModelConfig(
    String type,
    List<Integer> encoderLayers,
    int latentSize,
    String activation,
    String latentActivation,
    String outputActivation,
    String loss,
    double l2)
    implements Serializable {

  static ModelConfig read(Settings s) {
    String outputActivation = s.oneOf("outputActivation", "sigmoid", "identity");
    String loss = s.oneOf("loss", "mse", "bce");
    if (loss.equals("bce") && !outputActivation.equals("sigmoid")) {
      throw s.invalid("loss", loss, "bce needs model.outputActivation = sigmoid (it is " + outputActivation + ")");
    }
    return new ModelConfig(
        s.oneOf("type", "dense"),
        s.positiveIntList("encoderLayers"),
        s.positiveInt("latentSize"),
        s.oneOf("activation", "relu", "leakyrelu", "elu", "tanh", "sigmoid", "identity"),
        s.oneOf("latentActivation", "identity", "relu", "tanh", "sigmoid"),
        outputActivation,
        loss,
        s.nonNegativeNumber("l2"));
  }
}
