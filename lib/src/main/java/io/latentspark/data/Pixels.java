package io.latentspark.data;

/**
 * A decoded image as floats in [0,1], channel-major (CHW): {@code data[c * h * w + y * w + x]}.
 *
 * @param channels 1 (grey) or 3 (RGB)
 */
public record Pixels(int channels, int height, int width, float[] data) {

  /** Converts to the wanted channel count: RGB to grey by luma (ITU-R BT.601), grey to RGB by copying. */
  public Pixels toChannels(int wanted) {
    if (wanted == channels) {
      return this;
    }
    int n = height * width;
    if (wanted == 1 && channels == 3) {
      float[] out = new float[n];
      for (int i = 0; i < n; i++) {
        out[i] = 0.299f * data[i] + 0.587f * data[n + i] + 0.114f * data[2 * n + i];
      }
      return new Pixels(1, height, width, out);
    }
    if (wanted == 3 && channels == 1) {
      float[] out = new float[3 * n];
      for (int c = 0; c < 3; c++) {
        System.arraycopy(data, 0, out, c * n, n);
      }
      return new Pixels(3, height, width, out);
    }
    throw new IllegalArgumentException("Cannot convert " + channels + " channels to " + wanted);
  }

  /** The largest centred region with the aspect ratio of {@code h x w} (no resampling). */
  public Pixels centerCrop(int h, int w) {
    int ch = height;
    int cw = (int) Math.round((double) height * w / h);
    if (cw > width) {
      cw = width;
      ch = (int) Math.round((double) width * h / w);
    }
    if (ch == height && cw == width) {
      return this;
    }
    int y0 = (height - ch) / 2;
    int x0 = (width - cw) / 2;
    float[] out = new float[channels * ch * cw];
    for (int c = 0; c < channels; c++) {
      for (int y = 0; y < ch; y++) {
        System.arraycopy(data, c * height * width + (y0 + y) * width + x0, out, c * ch * cw + y * cw, cw);
      }
    }
    return new Pixels(channels, ch, cw, out);
  }

  /**
   * Resamples to {@code h x w}: area averaging along an axis that shrinks (no aliasing), bilinear along an
   * axis that grows.
   */
  public Pixels resize(int h, int w) {
    if (h == height && w == width) {
      return this;
    }
    float[] tmp = new float[channels * height * w];
    for (int c = 0; c < channels; c++) {
      for (int y = 0; y < height; y++) {
        resample(data, c * height * width + y * width, 1, width, tmp, c * height * w + y * w, 1, w);
      }
    }
    float[] out = new float[channels * h * w];
    for (int c = 0; c < channels; c++) {
      for (int x = 0; x < w; x++) {
        resample(tmp, c * height * w + x, w, height, out, c * h * w + x, w, h);
      }
    }
    return new Pixels(channels, h, w, out);
  }

  /** One line of n samples (at src[off + i*stride]) to m samples. */
  /** An RGB image of these pixels (values clamped to [0,1]), each pixel drawn as a {@code scale x scale} block. */
  public java.awt.image.BufferedImage toImage(int scale) {
    java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(width * scale, height * scale,
        java.awt.image.BufferedImage.TYPE_INT_RGB);
    int plane = height * width;
    for (int y = 0; y < height * scale; y++) {
      for (int x = 0; x < width * scale; x++) {
        int k = (y / scale) * width + x / scale;
        int r = byteOf(data[k]);
        int g = channels == 3 ? byteOf(data[plane + k]) : r;
        int b = channels == 3 ? byteOf(data[2 * plane + k]) : r;
        img.setRGB(x, y, (r << 16) | (g << 8) | b);
      }
    }
    return img;
  }

  private static int byteOf(float v) {
    return Math.max(0, Math.min(255, Math.round(v * 255f)));
  }

  private static void resample(float[] src, int so, int ss, int n, float[] dst, int dO, int ds, int m) {
    if (m < n) {
      double scale = (double) n / m;
      for (int j = 0; j < m; j++) {
        double start = j * scale;
        double end = start + scale;
        double sum = 0;
        for (int i = (int) Math.floor(start); i < Math.min(n, (int) Math.ceil(end)); i++) {
          double overlap = Math.min(end, i + 1) - Math.max(start, i);
          sum += overlap * src[so + i * ss];
        }
        dst[dO + j * ds] = (float) (sum / scale);
      }
    } else {
      double scale = (double) n / m;
      for (int j = 0; j < m; j++) {
        double pos = Math.max(0, (j + 0.5) * scale - 0.5);
        int i0 = Math.min(n - 1, (int) Math.floor(pos));
        int i1 = Math.min(n - 1, i0 + 1);
        double f = pos - i0;
        dst[dO + j * ds] = (float) ((1 - f) * src[so + i0 * ss] + f * src[so + i1 * ss]);
      }
    }
  }
}
