package io.latentspark.spec;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code inpainting}: the dense network trained to fill holes. Every training image gets a mask drawn on the
 * worker (one of {@code model.inpainting.masks} at random, placed at random where the kind is random); the missing
 * pixels enter the network as 0 (the training mean under {@code data.normalize = standardize}, black under
 * {@code unit}) and the loss counts only them: L = ||(1 - M) * (x - D(E(M * x)))||^2, M = 1 where observed.
 * {@code impute} fills a hole with one pass of such a model.
 */
public record InpaintingSpec(NetworkSettings network, List<String> masks) implements DenseFamilySpec {
  public static final String TYPE = "inpainting";

  static InpaintingSpec read(Reader model, NetworkSettings network) {
    Reader s = model.section("inpainting");
    List<String> masks = s.stringList("masks");
    if (masks.isEmpty()) {
      throw s.invalid("masks", masks, "list at least one mask, e.g. [\"centre:0.5\", \"bottom:0.5\"]");
    }
    for (String m : masks) {
      try {
        PixelMask.parse(m, 1 << 20, 1 << 20);
      } catch (IllegalArgumentException e) {
        throw s.invalid("masks", m, e.getMessage());
      }
    }
    return new InpaintingSpec(network, List.copyOf(masks));
  }

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public void validate(ImageShape shape, Problems problems) {
    for (String m : masks) {
      try {
        PixelMask.parse(m, shape.height(), shape.width());
      } catch (IllegalArgumentException e) {
        throw problems.invalid("model.inpainting.masks", m, e.getMessage() + " (images are " + shape.width() + "x" + shape.height() + ")");
      }
    }
  }

  @Override
  public List<PixelMask> trainingMasks(ImageShape shape) {
    List<PixelMask> out = new ArrayList<>();
    for (String m : masks) {
      out.add(PixelMask.parse(m, shape.height(), shape.width()));
    }
    return out;
  }

  @Override
  public String trainingLossName() {
    return "the squared error over the masked pixels / pixels per image";
  }

  @Override
  public String reconstructionsCaption() {
    return "Test images with a hole (grey; the training masks " + String.join(", ", masks) + " in turn, top row of each group), "
        + "the inpainting model's fill (middle) and the complete images (bottom).";
  }
}
