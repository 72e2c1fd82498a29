package io.latentspark.config;

import io.latentspark.spec.PixelMask;
import java.io.Serializable;

/**
 * Imputation settings ({@code impute.*}). The mask's syntax is checked when the config is read; whether it fits
 * the images is checked by {@link #mask(DataConfig)} when it is used.
 */
public record ImputeConfig(int iterations, String maskText, String split) implements Serializable {
  private static final int ANY_SIZE = 1 << 20;

  static ImputeConfig read(Settings s) {
    String text = s.string("mask");
    try {
      PixelMask.parse(text, ANY_SIZE, ANY_SIZE);
    } catch (IllegalArgumentException e) {
      throw s.invalid("mask", text, e.getMessage());
    }
    return new ImputeConfig(s.positiveInt("iterations"), text, s.oneOf("split", "train", "validation", "test"));
  }

  /** The mask for images of the configured size, or a {@link ConfigError} naming impute.mask and the rule. */
  public PixelMask mask(DataConfig data) {
    try {
      return PixelMask.parse(maskText, data.height(), data.width());
    } catch (IllegalArgumentException e) {
      throw ConfigError.invalid("impute.mask", maskText, e.getMessage());
    }
  }
}
