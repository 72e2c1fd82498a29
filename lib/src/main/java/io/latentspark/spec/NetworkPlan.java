package io.latentspark.spec;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * A network as an ordered list of {@link LayerSpec}s (layers and the reshapes before them), the input it reads and
 * which layer's output is the code. Built by an {@link AutoencoderSpec}; turned into a network by an engine.
 *
 * @param input how the engine declares the input: {@link Input#FLAT} (the layers give their widths),
 *     {@link Input#FLAT_IMAGE} (a flat channel-major image that convolutions read as a feature map; widths inferred)
 *     or {@link Input#FEED_FORWARD} (a flat vector declared to the engine)
 * @param defaultInit the activation that picks the default initialiser (He for rectifiers, Xavier otherwise)
 * @param latentIndex index (among layers, reshapes not counted) of the layer whose output is the code
 */
public record NetworkPlan(ImageShape shape, Input input, Activation defaultInit, List<LayerSpec> steps, int latentIndex)
    implements Serializable {

  /** How a plan's input is declared. */
  public enum Input { FLAT, FLAT_IMAGE, FEED_FORWARD }

  public NetworkPlan {
    steps = List.copyOf(steps);
  }

  /** The layers alone (without the reshapes), in order; layer i of the network is element i. */
  public List<LayerSpec> layers() {
    return steps.stream().filter(s -> !s.reshape()).toList();
  }

  /** The first decoder layer: it takes a code of latentSize values. */
  public int decoderStart() {
    return latentIndex + 1;
  }

  /** Builds a plan step by step; {@link #latent()} marks the last layer added so far as the code. */
  public static final class Builder {
    private final ImageShape shape;
    private final Input input;
    private final Activation defaultInit;
    private final List<LayerSpec> steps = new ArrayList<>();
    private int layers;
    private int latent = -1;

    public Builder(ImageShape shape, Input input, Activation defaultInit) {
      this.shape = shape;
      this.input = input;
      this.defaultInit = defaultInit;
    }

    public Builder add(LayerSpec step) {
      steps.add(step);
      if (!step.reshape()) {
        layers++;
      }
      return this;
    }

    /** Marks the layer added last as the one whose output is the code. */
    public Builder latent() {
      latent = layers - 1;
      return this;
    }

    public NetworkPlan build() {
      if (latent < 0) {
        throw new IllegalStateException("A network plan needs its code layer marked");
      }
      return new NetworkPlan(shape, input, defaultInit, steps, latent);
    }
  }
}
