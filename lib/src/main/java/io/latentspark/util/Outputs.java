package io.latentspark.util;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Output directories on any Hadoop file system, committed atomically: everything is written to a hidden
 * sibling ({@code .name.tmp-<uuid>}) that is renamed into place only when complete, so a killed job never
 * leaves a directory that looks finished. Existing outputs are refused unless overwrite is asked for.
 */
public final class Outputs {
  private Outputs() {}

  public static FileSystem fs(Path p, Configuration conf) {
    try {
      return p.getFileSystem(conf);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot open the file system of " + p + ": " + e.getMessage(), e);
    }
  }

  public static boolean exists(Path p, Configuration conf) {
    try {
      return fs(p, conf).exists(p);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot check " + p + ": " + e.getMessage(), e);
    }
  }

  /** Fails if {@code target} exists and overwrite is false. */
  public static void checkWritable(Path target, Configuration conf, boolean overwrite) {
    if (!overwrite && exists(target, conf)) {
      throw new OutputExistsException(target.toString());
    }
  }

  /** A fresh temporary sibling of {@code target} to write into before {@link #commit}. */
  private static Path staging(Path target) {
    return new Path(target.getParent(), "." + target.getName() + ".tmp-" + UUID.randomUUID());
  }

  /** Moves a fully written staging directory into place, replacing {@code target} if overwrite is set. */
  private static void commit(Path staging, Path target, Configuration conf, boolean overwrite) {
    FileSystem fs = fs(target, conf);
    try {
      if (fs.exists(target)) {
        if (!overwrite) {
          fs.delete(staging, true);
          throw new OutputExistsException(target.toString());
        }
        fs.delete(target, true);
      }
      fs.mkdirs(target.getParent());
      if (!fs.rename(staging, target)) {
        throw new IOException("rename returned false");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot commit " + staging + " to " + target + ": " + e.getMessage(), e);
    }
  }

  /** Writes the content of an output directory into the (not yet existing) staging path given. */
  @FunctionalInterface
  public interface StagedWrite {
    void write(Path staging) throws IOException;
  }

  /**
   * Writes the output directory {@code target} atomically: refuses an existing target unless overwrite,
   * lets {@code body} write into a hidden staging directory, then renames it into place. On any failure the
   * staging directory is deleted and nothing appears at {@code target}.
   */
  public static void writeAtomically(Path target, Configuration conf, boolean overwrite, StagedWrite body) {
    checkWritable(target, conf, overwrite);
    Path staging = staging(target);
    try {
      body.write(staging);
      commit(staging, target, conf, overwrite);
    } catch (Error e) {
      abort(staging, conf);
      throw e;
    } catch (Exception e) { // includes SparkException, which Scala code throws unchecked
      abort(staging, conf);
      if (e instanceof RuntimeException r) {
        throw r;
      }
      if (e instanceof IOException io) {
        throw new UncheckedIOException("Cannot write " + target + ": " + io.getMessage(), io);
      }
      throw new IllegalStateException("Cannot write " + target + ": " + e.getMessage(), e);
    }
  }

  /** Deletes a staging directory after a failure; never throws. */
  public static void abort(Path staging, Configuration conf) {
    try {
      fs(staging, conf).delete(staging, true);
    } catch (RuntimeException | IOException ignored) {
      // best effort: the staging name is hidden and never mistaken for an output
    }
  }

  public static void writeString(Path file, String text, Configuration conf) {
    writeBytes(file, text.getBytes(StandardCharsets.UTF_8), conf);
  }

  public static void writeBytes(Path file, byte[] bytes, Configuration conf) {
    try (OutputStream out = fs(file, conf).create(file, true)) {
      out.write(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  public static String readString(Path file, Configuration conf) {
    return new String(readBytes(file, conf), StandardCharsets.UTF_8);
  }

  public static byte[] readBytes(Path file, Configuration conf) {
    try (var in = fs(file, conf).open(file)) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + file + ": " + e.getMessage(), e);
    }
  }
}
