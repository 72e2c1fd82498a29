package io.latentspark.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.OutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;

/**
 * Streaming reader of IDX files (MNIST, Fashion-MNIST): big-endian header, magic 0x00000803 for uint8
 * images (count x rows x cols) and 0x00000801 for uint8 labels. gzip is detected from the stream's magic
 * bytes, not the file name.
 */
public final class IdxFormat {
  public static final int IMAGES_MAGIC = 0x00000803;
  public static final int LABELS_MAGIC = 0x00000801;

  private IdxFormat() {}

  /** Wraps {@code raw} in a gunzip stream if it starts with the gzip magic. */
  public static InputStream maybeGunzip(InputStream raw) throws IOException {
    BufferedInputStream in = new BufferedInputStream(raw, 1 << 16);
    in.mark(2);
    int b1 = in.read();
    int b2 = in.read();
    in.reset();
    return (b1 == 0x1f && b2 == 0x8b) ? new BufferedInputStream(new GZIPInputStream(in, 1 << 16), 1 << 16) : in;
  }

  /** An open IDX image stream positioned at the first image. */
  public static final class Images implements AutoCloseable {
    public final int count;
    public final int rows;
    public final int cols;
    private final DataInputStream in;
    private final String file;
    private int read;

    public Images(InputStream raw, String file) throws IOException {
      this.file = file;
      this.in = new DataInputStream(maybeGunzip(raw));
      int magic = readHeaderInt("magic number");
      if (magic != IMAGES_MAGIC) {
        throw new IOException("IDX file " + file + " has magic 0x" + Integer.toHexString(magic)
            + " but an image file must have 0x00000803 (uint8, 3 dimensions)");
      }
      count = readHeaderInt("image count");
      rows = readHeaderInt("row count");
      cols = readHeaderInt("column count");
      if (count < 0 || rows <= 0 || cols <= 0) {
        throw new IOException("IDX file " + file + " has an invalid shape " + count + "x" + rows + "x" + cols);
      }
    }

    private int readHeaderInt(String what) throws IOException {
      try {
        return in.readInt();
      } catch (EOFException e) {
        throw new IOException("IDX file " + file + " is truncated: it ends inside the header (" + what + ")");
      }
    }

    public boolean hasNext() {
      return read < count;
    }

    /** The next image as raw bytes (rows x cols). */
    public byte[] next() throws IOException {
      byte[] buf = new byte[rows * cols];
      next(buf);
      return buf;
    }

    /** Reads the next image's rows x cols bytes into {@code buf}. */
    public void next(byte[] buf) throws IOException {
      if (buf.length != rows * cols) {
        throw new IllegalArgumentException("An image of " + file + " has " + rows * cols + " bytes, not " + buf.length);
      }
      try {
        in.readFully(buf);
      } catch (EOFException e) {
        throw new IOException("IDX file " + file + " is truncated: its header says " + count + " images but image " + read + " is incomplete");
      }
      read++;
    }

    /** Skips the next {@code n} images without keeping them (a gzip stream inflates them; a plain one skips the bytes). */
    public void skip(int n) throws IOException {
      if (n < 0 || n > count - read) {
        throw new IllegalArgumentException("Cannot skip " + n + " images of " + file + ": " + (count - read) + " are left");
      }
      try {
        in.skipNBytes((long) n * rows * cols);
      } catch (EOFException e) {
        throw new IOException("IDX file " + file + " is truncated: its header says " + count + " images but it ends before image " + (read + n));
      }
      read += n;
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }

  /** The image count in the header of an IDX image file, checked as the reader checks it; the stream is closed. */
  public static int imageCount(InputStream raw, String file) throws IOException {
    try (Images images = new Images(raw, file)) {
      return images.count;
    }
  }

  /** Reads a whole IDX label file (uint8 labels). */
  public static byte[] readLabels(InputStream raw, String file) throws IOException {
    try (DataInputStream in = new DataInputStream(maybeGunzip(raw))) {
      int magic;
      int count;
      try {
        magic = in.readInt();
        count = in.readInt();
      } catch (EOFException e) {
        throw new IOException("IDX file " + file + " is truncated: it ends inside the header");
      }
      if (magic != LABELS_MAGIC) {
        throw new IOException("IDX file " + file + " has magic 0x" + Integer.toHexString(magic)
            + " but a label file must have 0x00000801 (uint8, 1 dimension)");
      }
      if (count < 0) {
        throw new IOException("IDX file " + file + " has an invalid label count " + count);
      }
      byte[] labels = new byte[count];
      try {
        in.readFully(labels);
      } catch (EOFException e) {
        throw new IOException("IDX file " + file + " is truncated: its header says " + count + " labels");
      }
      return labels;
    }
  }

  /** Writes uint8 images (each rows x cols bytes) as an IDX image file; the caller closes {@code raw}. */
  public static void writeImages(OutputStream raw, byte[][] images, int rows, int cols) throws IOException {
    DataOutputStream out = new DataOutputStream(raw);
    out.writeInt(IMAGES_MAGIC);
    out.writeInt(images.length);
    out.writeInt(rows);
    out.writeInt(cols);
    for (byte[] img : images) {
      if (img.length != rows * cols) {
        throw new IllegalArgumentException("An image has " + img.length + " bytes but rows x cols is " + rows * cols);
      }
      out.write(img);
    }
    out.flush();
  }

  /** Writes uint8 labels as an IDX label file; the caller closes {@code raw}. */
  public static void writeLabels(OutputStream raw, byte[] labels) throws IOException {
    DataOutputStream out = new DataOutputStream(raw);
    out.writeInt(LABELS_MAGIC);
    out.writeInt(labels.length);
    out.write(labels);
    out.flush();
  }
}
