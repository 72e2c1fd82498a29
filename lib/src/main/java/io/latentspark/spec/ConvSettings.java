package io.latentspark.spec;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The convolutional encoder and decoder ({@code model.conv}): stride-2 "same" convolutions of {@code channels}
 * (each halves the height and width), a dense code, a dense layer back to the last feature map and stride-2
 * transposed convolutions mirroring the encoder. Serves {@code conv} and the convolutional VAE.
 */
public record ConvSettings(List<Integer> channels, int kernel) implements Serializable {

  public ConvSettings {
    channels = List.copyOf(channels);
  }

  /** Reads and checks the {@code conv} section. */
  public static ConvSettings read(Reader c) {
    List<Integer> channels = c.positiveIntList("channels");
    if (channels.isEmpty() || channels.size() > 5) {
      throw c.invalid("channels", channels, "one to five stride-2 convolutions, e.g. [32, 64]");
    }
    int k = c.positiveInt("kernel");
    if (k % 2 == 0 || k > 9) {
      throw c.invalid("kernel", k, "the kernel side must be odd and at most 9 (3, 5, 7 or 9)");
    }
    return new ConvSettings(channels, k);
  }

  /** Each stride-2 convolution halves the image: its sides must be divisible by 2^(number of convolutions). */
  void validate(ImageShape shape, Problems problems) {
    int n = channels.size();
    int factor = 1 << n;
    if (shape.height() % factor != 0 || shape.width() % factor != 0) {
      throw problems.invalid("model.conv.channels", channels, "each of the " + n + " stride-2 convolutions halves the image, "
          + "so data.height and data.width must be divisible by " + factor + " (they are " + shape.height() + " x " + shape.width()
          + "): resize the images (data.height, data.width) or use fewer convolutions");
    }
  }

  /**
   * The convolutional network; {@code variational} puts a [mu | log-variance] layer and the sampler at the code;
   * {@code corruption} (may be null) is applied to the first convolution's input while training.
   */
  NetworkPlan plan(NetworkSettings n, ImageShape shape, boolean variational, double beta, ReconstructionLoss loss,
      CorruptionSettings corruption) {
    Activation hidden = n.activation();
    int count = channels.size();
    int h = shape.height() >> count;
    int w = shape.width() >> count;
    int last = channels.get(count - 1);
    NetworkPlan.Builder plan = new NetworkPlan.Builder(shape, NetworkPlan.Input.FLAT_IMAGE, hidden);
    for (int i = 0; i < count; i++) {
      plan.add(new LayerSpec.Conv(channels.get(i), kernel, hidden, i == 0 ? corruption : null));
    }
    if (variational) {
      plan.add(new LayerSpec.Dense(0, 2 * n.latentSize(), Activation.IDENTITY, true, null));
      plan.add(new LayerSpec.GaussianSample(n.latentSize(), beta)).latent();
    } else {
      plan.add(new LayerSpec.Dense(0, n.latentSize(), n.latentActivation(), true, null)).latent();
    }
    plan.add(new LayerSpec.Dense(0, last * h * w, hidden, false, null));
    plan.add(new LayerSpec.ToFeatureMap(last, h, w));
    for (int i = count - 1; i >= 0; i--) {
      boolean outer = i == 0;
      plan.add(new LayerSpec.Deconv(outer ? shape.channels() : channels.get(i - 1), kernel, outer ? n.outputActivation() : hidden, outer));
    }
    return plan.add(new LayerSpec.FlatLoss(loss)).build();
  }

  /** "1x28x28 -> conv3/2 [32, 64] -> CODE -> deconv3/2 [32] -> 1x28x28". */
  String describe(ImageShape shape, String code) {
    List<Integer> up = new ArrayList<>(channels);
    Collections.reverse(up);
    return String.format("%s -> conv%d/2 %s -> %s -> deconv%d/2 %s -> %s", shape, kernel, channels, code, kernel, up.subList(1, up.size()), shape);
  }
}
