package io.latentspark.spec;

import java.io.Serializable;
import java.util.List;

/**
 * How input images are corrupted ({@code model.corruption}): by a denoising autoencoder while it trains, and by
 * the {@code denoise} measurement for any model.
 */
public record CorruptionSettings(CorruptionKind kind, double amount, double size) implements Serializable {

  /** Reads and checks the {@code corruption} section. */
  public static CorruptionSettings read(Reader c) {
    CorruptionKind kind = c.choice("type", List.of(CorruptionKind.values()));
    double amount = c.number("amount");
    boolean gaussian = kind == CorruptionKind.GAUSSIAN;
    if (gaussian ? !(amount > 0 && amount <= 10) : !(amount > 0 && amount < 1)) {
      throw c.invalid("amount", amount, gaussian
          ? "for gaussian noise it is the standard deviation: > 0 and <= 10" : "for " + kind.configName() + " it is a fraction: > 0 and < 1");
    }
    double size = c.number("size");
    if (!(size > 0 && size < 1)) {
      throw c.invalid("size", size, "the occlusion side as a fraction of the image side: > 0 and < 1");
    }
    return new CorruptionSettings(kind, amount, size);
  }

  /** "Corruption(masking, amount 0.3)" (the size too for occlusion), as logs and reports show it. */
  public String describe() {
    return "Corruption(" + kind.configName() + ", amount " + amount + (kind == CorruptionKind.OCCLUSION ? ", size " + size : "") + ")";
  }
}
