package io.latentspark.spec;

import java.io.Serializable;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Which pixels of an image are missing: a rectangle ({@code rect:x,y,w,h}), a band of rows
 * ({@code rows:a-b}, inclusive), the bottom fraction of the rows ({@code bottom:f}), a centred block whose sides
 * are a fraction of the image's ({@code centre:f}), {@code n} rectangles at random places with sides of up to a
 * fraction of the image's ({@code boxes:n,f}, seeded per image) or a random fraction of the pixels
 * ({@code random:f}, seeded per image). Applies to every channel of a pixel.
 */
public record PixelMask(String text, String kind, int x, int y, int w, int h, double fraction, int height, int width) implements Serializable {

  /** Parses the mask text for images of {@code height x width}; the message of the exception states the rule broken. */
  public static PixelMask parse(String text, int height, int width) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    int colon = t.indexOf(':');
    String kind = colon < 0 ? t : t.substring(0, colon);
    String args = colon < 0 ? "" : t.substring(colon + 1);
    try {
      switch (kind) {
        case "rect" -> {
          String[] p = args.split(",");
          if (p.length != 4) {
            throw new IllegalArgumentException("rect needs four numbers x,y,w,h");
          }
          int x = Integer.parseInt(p[0].trim());
          int y = Integer.parseInt(p[1].trim());
          int w = Integer.parseInt(p[2].trim());
          int h = Integer.parseInt(p[3].trim());
          if (x < 0 || y < 0 || w <= 0 || h <= 0 || x + w > width || y + h > height) {
            throw new IllegalArgumentException("the rectangle must lie inside the " + width + "x" + height + " image and not be empty");
          }
          return new PixelMask(t, kind, x, y, w, h, 0, height, width);
        }
        case "rows" -> {
          String[] p = args.split("-");
          if (p.length != 2) {
            throw new IllegalArgumentException("rows needs a range a-b");
          }
          int a = Integer.parseInt(p[0].trim());
          int b = Integer.parseInt(p[1].trim());
          if (a < 0 || b < a || b >= height) {
            throw new IllegalArgumentException("the rows a-b must satisfy 0 <= a <= b < " + height);
          }
          return new PixelMask(t, kind, 0, a, width, b - a + 1, 0, height, width);
        }
        case "bottom" -> {
          double f = Double.parseDouble(args.trim());
          int first = (int) Math.round(height * (1 - f));
          if (!(f > 0 && f < 1) || first <= 0 || first >= height) {
            throw new IllegalArgumentException("the fraction must leave at least one row observed and one missing (0 < f < 1)");
          }
          return new PixelMask(t, "rows", 0, first, width, height - first, 0, height, width);
        }
        case "centre", "center" -> {
          double f = Double.parseDouble(args.trim());
          int bw = (int) Math.round(width * f);
          int bh = (int) Math.round(height * f);
          if (!(f > 0 && f < 1) || bw <= 0 || bh <= 0 || (bw == width && bh == height)) {
            throw new IllegalArgumentException("the block's side fraction must be between 0 and 1 (exclusive) and leave a pixel on each side missing and observed");
          }
          return new PixelMask(t, "rect", (width - bw) / 2, (height - bh) / 2, bw, bh, 0, height, width);
        }
        case "boxes" -> {
          String[] p = args.split(",");
          if (p.length != 2) {
            throw new IllegalArgumentException("boxes needs a count and a side fraction n,f");
          }
          int n = Integer.parseInt(p[0].trim());
          double f = Double.parseDouble(p[1].trim());
          if (n < 1 || n > 64 || !(f > 0 && f < 1) || Math.round(width * f) < 1 || Math.round(height * f) < 1) {
            throw new IllegalArgumentException("boxes:n,f needs 1 <= n <= 64 and 0 < f < 1 with sides of at least one pixel");
          }
          return new PixelMask(t, kind, n, 0, (int) Math.round(width * f), (int) Math.round(height * f), f, height, width);
        }
        case "random" -> {
          double f = Double.parseDouble(args.trim());
          if (!(f > 0 && f < 1)) {
            throw new IllegalArgumentException("the fraction must be between 0 and 1 (exclusive)");
          }
          return new PixelMask(t, kind, 0, 0, 0, 0, f, height, width);
        }
        default -> throw new IllegalArgumentException("the mask must be rect:x,y,w,h, rows:a-b, bottom:f, centre:f, boxes:n,f or random:f");
      }
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("the mask must be rect:x,y,w,h, rows:a-b, bottom:f, centre:f, boxes:n,f or random:f with numbers: " + e.getMessage());
    }
  }

  /** The missing flags of one image under one of {@code masks} drawn from {@code rnd} (which also places it, where its kind is random). */
  public static boolean[] draw(java.util.List<PixelMask> masks, int channels, SplittableRandom rnd) {
    return masks.get(rnd.nextInt(masks.size())).missing(channels, rnd.nextLong());
  }

  /** Missing flags for one image of {@code channels} channels (CHW order); {@code seed} varies random masks and boxes per image. */
  public boolean[] missing(int channels, long seed) {
    int plane = height * width;
    boolean[] m = new boolean[plane * channels];
    SplittableRandom rnd = new SplittableRandom(seed);
    if (kind.equals("boxes")) { // x = the count, w and h = the largest sides
      for (int b = 0; b < x; b++) {
        int bw = 1 + rnd.nextInt(w);
        int bh = 1 + rnd.nextInt(h);
        int bx = rnd.nextInt(width - bw + 1);
        int by = rnd.nextInt(height - bh + 1);
        for (int yy = by; yy < by + bh; yy++) {
          for (int xx = bx; xx < bx + bw; xx++) {
            for (int c = 0; c < channels; c++) {
              m[c * plane + yy * width + xx] = true;
            }
          }
        }
      }
      return m;
    }
    for (int yy = 0; yy < height; yy++) {
      for (int xx = 0; xx < width; xx++) {
        boolean miss = kind.equals("random") ? rnd.nextDouble() < fraction : (xx >= x && xx < x + w && yy >= y && yy < y + h);
        if (miss) {
          for (int c = 0; c < channels; c++) {
            m[c * plane + yy * width + xx] = true;
          }
        }
      }
    }
    return m;
  }
}
