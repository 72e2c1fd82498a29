package io.latentspark.config;

import java.io.Serializable;
import java.util.List;

/**
 * Face swap settings ({@code swap.*}): the identities (labels) that get a decoder each, the fraction of each one's
 * images held out, how long the shared-encoder
 * network trains, whether mirrored copies of the training images are added, and the identity classifier that judges
 * the swapped faces (k nearest neighbours on principal components of real images' pixels).
 */
public record SwapConfig(List<String> identities, double heldOut, int epochs, boolean flip, int components, int neighbours, int gridImages)
    implements Serializable {
  static SwapConfig read(Settings s) {
    List<String> identities = s.stringList("identities");
    if (identities.size() == 1) {
      throw s.invalid("identities", identities, "a face swap needs at least two identities (labels), e.g. [s1, s2]");
    }
    double heldOut = s.fraction("heldOut", 1);
    if (heldOut == 0) {
      throw s.invalid("heldOut", heldOut, "the value must be > 0 and < 1 (the swaps are judged on held-out images)");
    }
    return new SwapConfig(identities, heldOut, s.positiveInt("epochs"), s.bool("flip"), s.positiveInt("components"), s.positiveInt("neighbours"),
        s.positiveInt("gridImages"));
  }
}
