package io.latentspark.train;

import io.latentspark.model.AutoencoderModel;
import io.latentspark.util.Outputs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A run's per-epoch checkpoints: model directories {@code epoch-NNNN} under one directory, the newest few kept. */
public final class Checkpoints {
  private static final Logger LOG = LoggerFactory.getLogger(Checkpoints.class);
  private static final String PREFIX = "epoch-";
  private final String dir;
  private final Configuration hconf;

  public Checkpoints(String dir, Configuration hconf) {
    this.dir = dir;
    this.hconf = hconf;
  }

  /** The directory name of epoch {@code epoch}'s checkpoint: epoch-0007. */
  public static String name(int epoch) {
    return String.format(PREFIX + "%04d", epoch);
  }

  /** Where epoch {@code epoch}'s checkpoint is (or would be). */
  public Path path(int epoch) {
    return new Path(dir, name(epoch));
  }

  /** The checkpoints there are, oldest first. */
  public List<Path> list() {
    Path root = new Path(dir);
    try {
      FileSystem fs = Outputs.fs(root, hconf);
      FileStatus[] all = fs.exists(root) ? fs.listStatus(root, p -> p.getName().startsWith(PREFIX)) : new FileStatus[0];
      return Arrays.stream(all).map(FileStatus::getPath).sorted((a, b) -> a.getName().compareTo(b.getName())).toList();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list checkpoints in " + root + ": " + e.getMessage(), e);
    }
  }

  /** The newest checkpoint, or an error saying there is none. */
  public String latest() {
    List<Path> all = list();
    if (all.isEmpty()) {
      throw new IllegalArgumentException("Cannot resume: there is no checkpoint (epoch-NNNN) in " + new Path(dir));
    }
    return all.get(all.size() - 1).toString();
  }

  /** Saves {@code model} as epoch {@code epoch}'s checkpoint, then deletes all but the newest {@code keep}. */
  public void save(AutoencoderModel model, int epoch, int keep) {
    model.save(path(epoch).toString(), hconf, true);
    prune(keep);
  }

  /** Deletes all but the newest {@code keep} checkpoints (a failure is logged: training goes on). */
  public void prune(int keep) {
    try {
      List<Path> all = list();
      FileSystem fs = Outputs.fs(new Path(dir), hconf);
      for (int i = 0; i < all.size() - keep; i++) {
        fs.delete(all.get(i), true);
      }
    } catch (IOException | UncheckedIOException e) {
      LOG.warn("Cannot prune old checkpoints in {}: {}", dir, e.getMessage());
    }
  }
}
