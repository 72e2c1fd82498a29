package io.latentspark.export;

import io.latentspark.data.Pixels;
import java.awt.image.BufferedImage;
import java.util.List;

/**
 * The Embedding Projector's sprite: the images of a sample as thumbnails in a square grid, row by row in
 * sample order, at most {@link #MAX_SIDE} pixels per side (thumbnails shrink to fit; they never grow).
 */
public final class SpriteSheet {
  public static final int MAX_SIDE = 8192;

  private SpriteSheet() {}

  /** The PNG and the size of one thumbnail (the projector's single_image_dim: width, height). */
  public record Sprite(byte[] png, int thumbWidth, int thumbHeight, int columns) {}

  /** {@code images}: CHW floats in [0,1] of {@code channels} x {@code height} x {@code width}. */
  public static Sprite of(List<float[]> images, int channels, int height, int width) {
    if (images.isEmpty()) {
      throw new IllegalArgumentException("A sprite needs at least one image");
    }
    int columns = (int) Math.ceil(Math.sqrt(images.size()));
    double scale = Math.min(1.0, (double) MAX_SIDE / (columns * (double) Math.max(height, width)));
    int th = Math.max(1, (int) Math.floor(height * scale));
    int tw = Math.max(1, (int) Math.floor(width * scale));
    BufferedImage sheet = new BufferedImage(columns * tw, columns * th, BufferedImage.TYPE_INT_RGB);
    java.awt.Graphics2D g = sheet.createGraphics();
    for (int i = 0; i < images.size(); i++) {
      Pixels p = new Pixels(channels, height, width, images.get(i));
      if (th != height || tw != width) {
        p = p.resize(th, tw);
      }
      g.drawImage(p.toImage(1), (i % columns) * tw, (i / columns) * th, null);
    }
    g.dispose();
    return new Sprite(Charts.png(sheet), tw, th, columns);
  }
}
