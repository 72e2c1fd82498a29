package io.latentspark.config;

import java.io.Serializable;
import java.util.List;

/**
 * Compression settings ({@code compress.*}): the bit depths the latent codes are quantised to, the JPEG qualities
 * compared with them and the split that is compressed.
 */
public record CompressConfig(List<Integer> bits, List<Integer> jpegQualities, String split) implements Serializable {
  /** Deepest quantisation: 2^12 levels per value keeps the coder's frequency tables exact (see ArithmeticCoder). */
  public static final int MAX_BITS = 12;

  static CompressConfig read(Settings s) {
    List<Integer> bits = s.positiveIntList("bits");
    if (bits.isEmpty() || bits.stream().anyMatch(b -> b > MAX_BITS)) {
      throw s.invalid("bits", bits, "list one or more bit depths between 1 and " + MAX_BITS);
    }
    List<Integer> q = s.positiveIntList("jpegQualities");
    if (q.stream().anyMatch(v -> v > 100)) {
      throw s.invalid("jpegQualities", q, "JPEG qualities are between 1 and 100 ([] = no JPEG comparison)");
    }
    return new CompressConfig(List.copyOf(new java.util.TreeSet<>(bits)), List.copyOf(new java.util.TreeSet<>(q)),
        s.oneOf("split", "train", "validation", "test"));
  }
}
