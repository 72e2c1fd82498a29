package io.latentspark.export;

import io.latentspark.data.Pixels;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import javax.imageio.ImageIO;

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
    for (int i = 0; i < images.size(); i++) {
      Pixels p = new Pixels(channels, height, width, images.get(i));
      if (th != height || tw != width) {
        p = p.resize(th, tw);
      }
      int ox = (i % columns) * tw;
      int oy = (i / columns) * th;
      float[] d = p.data();
      int plane = th * tw;
      for (int y = 0; y < th; y++) {
        for (int x = 0; x < tw; x++) {
          int k = y * tw + x;
          int r = byteOf(d[k]);
          int g = channels == 3 ? byteOf(d[plane + k]) : r;
          int b = channels == 3 ? byteOf(d[2 * plane + k]) : r;
          sheet.setRGB(ox + x, oy + y, (r << 16) | (g << 8) | b);
        }
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ImageIO.write(sheet, "png", out);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot encode the sprite as PNG", e);
    }
    return new Sprite(out.toByteArray(), tw, th, columns);
  }

  static int byteOf(float v) {
    return Math.max(0, Math.min(255, Math.round(v * 255f)));
  }
}
