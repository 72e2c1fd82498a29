package io.latentspark.spec;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * The settings every model type shares ({@code model.*} outside the type's own section): the dense encoder's
 * widths, the code size, activations, loss and weight decay.
 */
public record NetworkSettings(
    List<Integer> encoderLayers,
    int latentSize,
    Activation activation,
    Activation latentActivation,
    Activation outputActivation,
    Loss loss,
    double l2)
    implements Serializable {

  static final List<Activation> HIDDEN = List.of(Activation.RELU, Activation.LEAKYRELU, Activation.ELU, Activation.TANH,
      Activation.SIGMOID, Activation.IDENTITY);
  static final List<Activation> LATENT = List.of(Activation.IDENTITY, Activation.RELU, Activation.TANH, Activation.SIGMOID);
  static final List<Activation> OUTPUT = List.of(Activation.SIGMOID, Activation.IDENTITY);

  /** Reads and checks the shared settings of the {@code model} section. */
  public static NetworkSettings read(Reader model) {
    Activation output = model.choice("outputActivation", OUTPUT);
    Loss loss = model.choice("loss", List.of(Loss.values()));
    if (loss == Loss.BCE && output != Activation.SIGMOID) {
      throw model.invalid("loss", loss.configName(), "bce needs model.outputActivation = sigmoid (it is " + output.configName() + ")");
    }
    return new NetworkSettings(model.positiveIntList("encoderLayers"), model.positiveInt("latentSize"), model.choice("activation", HIDDEN),
        model.choice("latentActivation", LATENT), output, loss, model.nonNegativeNumber("l2"));
  }

  /** Layer widths after the input of the dense network, e.g. [256, 64, 32, 64, 256, 784]. */
  public List<Integer> denseWidths(int inputSize) {
    List<Integer> sizes = new ArrayList<>(encoderLayers);
    sizes.add(latentSize);
    for (int i = encoderLayers.size() - 1; i >= 0; i--) {
      sizes.add(encoderLayers.get(i));
    }
    sizes.add(inputSize);
    return sizes;
  }
}
