package io.latentspark.data;

import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Decodes image file bytes (PNG, JPEG, BMP, GIF through ImageIO; PGM/PPM/PBM in binary or ASCII form by
 * its own reader, which ImageIO lacks) into {@link Pixels} of the configured size and channel count.
 */
public final class ImageDecoder {
  /** File name endings read as images; other files in an image folder are not images and are left out. */
  public static final Set<String> EXTENSIONS = Set.of("png", "jpg", "jpeg", "bmp", "gif", "pgm", "ppm", "pbm", "pnm");

  private ImageDecoder() {}

  public static boolean isImageName(String name) {
    int dot = name.lastIndexOf('.');
    return dot >= 0 && EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
  }

  /** Decodes and converts to {@code channels} at {@code height x width}; {@code file} names the input in errors. */
  public static Pixels decode(byte[] bytes, String file, int height, int width, int channels) {
    return decode(bytes, file, DecodeOptions.of(height, width, channels));
  }

  /** Decodes, checks or converts the channels, crops if asked and resizes, as {@code opts} says. */
  public static Pixels decode(byte[] bytes, String file, DecodeOptions opts) {
    if (bytes == null || bytes.length == 0) {
      throw new ImageDecodeException(file, "the file is empty (0 bytes)");
    }
    Pixels p = (bytes[0] == 'P' && bytes.length > 1 && bytes[1] >= '1' && bytes[1] <= '6')
        ? Pnm.read(bytes, file)
        : readWithImageIo(bytes, file);
    if (!opts.convertChannels() && p.channels() != opts.channels()) {
      throw new ImageDecodeException(file, "it has " + p.channels() + " channel(s) but data.channels = " + opts.channels()
          + " (data.channelMismatch = reject)");
    }
    p = p.toChannels(opts.channels());
    if (opts.centerCrop()) {
      p = p.centerCrop(opts.height(), opts.width());
    }
    return p.resize(opts.height(), opts.width());
  }

  private static Pixels readWithImageIo(byte[] bytes, String file) {
    BufferedImage img;
    try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
      Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
      if (!readers.hasNext()) {
        throw new ImageDecodeException(file, "not an image in a supported format (PNG, JPEG, BMP, GIF, PGM/PPM)");
      }
      ImageReader reader = readers.next();
      List<String> warnings = new ArrayList<>();
      reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
      try {
        reader.setInput(in, true, true);
        img = reader.read(0);
      } finally {
        reader.dispose();
      }
      if (!warnings.isEmpty()) {
        // e.g. "Truncated File - Missing EOI marker": ImageIO fills the missing part with grey instead of failing
        throw new ImageDecodeException(file, "corrupt or truncated image data (" + String.join("; ", warnings) + ")");
      }
    } catch (IOException | RuntimeException e) {
      if (e instanceof ImageDecodeException d) {
        throw d;
      }
      throw new ImageDecodeException(file, "corrupt or truncated image data (" + e.getMessage() + ")");
    }
    int h = img.getHeight();
    int w = img.getWidth();
    Raster raster = img.getRaster();
    int bands = raster.getNumBands();
    boolean indexed = img.getColorModel() instanceof IndexColorModel;
    if (!indexed && (bands == 1 || bands == 2)) {
      // grey (with or without alpha): raw samples, no colour-space conversion
      float max = (1 << img.getColorModel().getComponentSize(0)) - 1;
      float[] out = new float[h * w];
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          out[y * w + x] = raster.getSample(x, y, 0) / max;
        }
      }
      return new Pixels(1, h, w, out);
    }
    float[] out = new float[3 * h * w];
    int n = h * w;
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int rgb = img.getRGB(x, y);
        out[y * w + x] = ((rgb >> 16) & 0xFF) / 255f;
        out[n + y * w + x] = ((rgb >> 8) & 0xFF) / 255f;
        out[2 * n + y * w + x] = (rgb & 0xFF) / 255f;
      }
    }
    return new Pixels(3, h, w, out);
  }

  /** Netpbm reader: P1-P3 (ASCII) and P4-P6 (binary), maxval up to 65535. */
  static final class Pnm {
    private final byte[] b;
    private final String file;
    private int pos;

    private Pnm(byte[] b, String file) {
      this.b = b;
      this.file = file;
    }

    static Pixels read(byte[] bytes, String file) {
      return new Pnm(bytes, file).parse();
    }

    private Pixels parse() {
      char kind = (char) b[1];
      pos = 2;
      int w = number("width");
      int h = number("height");
      int max = (kind == '1' || kind == '4') ? 1 : number("maxval");
      if (w <= 0 || h <= 0 || (long) w * h > 100_000_000L) {
        throw new ImageDecodeException(file, "invalid PNM size " + w + "x" + h);
      }
      if (max <= 0 || max > 65535) {
        throw new ImageDecodeException(file, "invalid PNM maxval " + max);
      }
      int channels = (kind == '3' || kind == '6') ? 3 : 1;
      float[] out = new float[channels * h * w];
      int n = h * w;
      if (kind >= '4') {
        pos++; // exactly one whitespace byte after the header
        if (kind == '4') {
          int rowBytes = (w + 7) / 8;
          need((long) rowBytes * h);
          for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
              int bit = (b[pos + y * rowBytes + x / 8] >> (7 - x % 8)) & 1;
              out[y * w + x] = 1 - bit; // PBM: 1 is black
            }
          }
          return new Pixels(1, h, w, out);
        }
        int bytesPer = max < 256 ? 1 : 2;
        need((long) n * channels * bytesPer);
        for (int i = 0; i < n; i++) {
          for (int c = 0; c < channels; c++) {
            int v = bytesPer == 1 ? (b[pos] & 0xFF) : ((b[pos] & 0xFF) << 8 | (b[pos + 1] & 0xFF));
            pos += bytesPer;
            out[c * n + i] = (float) v / max;
          }
        }
      } else {
        for (int i = 0; i < n; i++) {
          for (int c = 0; c < channels; c++) {
            int v = number("pixel value");
            out[c * n + i] = kind == '1' ? 1 - v : (float) v / max;
          }
        }
      }
      return new Pixels(channels, h, w, out);
    }

    private void need(long count) {
      if (pos + count > b.length) {
        throw new ImageDecodeException(file, "truncated PNM data: " + (b.length - pos) + " of " + count + " pixel bytes present");
      }
    }

    private int number(String what) {
      while (pos < b.length) {
        if (b[pos] == '#') {
          while (pos < b.length && b[pos] != '\n') {
            pos++;
          }
        } else if (Character.isWhitespace(b[pos])) {
          pos++;
        } else {
          break;
        }
      }
      int start = pos;
      while (pos < b.length && b[pos] >= '0' && b[pos] <= '9') {
        pos++;
      }
      if (start == pos) {
        throw new ImageDecodeException(file, "malformed PNM header: expected the " + what + " at byte " + start);
      }
      String digits = new String(b, start, pos - start, StandardCharsets.US_ASCII);
      if (digits.length() > 9) {
        throw new ImageDecodeException(file, "malformed PNM header: " + what + " " + digits + " is too large");
      }
      return Integer.parseInt(digits);
    }
  }
}
