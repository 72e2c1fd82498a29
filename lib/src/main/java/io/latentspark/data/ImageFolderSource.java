package io.latentspark.data;

import io.latentspark.config.DataConfig;
import io.latentspark.config.DataFormat;
import io.latentspark.util.HadoopConf;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;

/** {@code data.format = image-folder}: image files, one sub-folder per label, listed and decoded on the executors. */
final class ImageFolderSource implements ImageSource {
  @Override
  public DataFormat format() {
    return DataFormat.IMAGE_FOLDER;
  }

  @Override
  public boolean decodesFiles() {
    return true;
  }

  @Override
  public Dataset<Row> read(SparkSession spark, DataConfig cfg, long seed, int partitions) {
    return imageFolder(spark, cfg, seed, partitions);
  }

  /**
   * An image folder: files directly under the root have no label, files anywhere below a top-level
   * sub-folder have that sub-folder's name as label. The driver lists only the top level; each label folder
   * is listed inside a task with the file system's streaming listing, so neither the driver nor a task
   * holds the whole file list, and the paths are then spread over {@code partitions} for decoding.
   */
  static Dataset<Row> imageFolder(SparkSession spark, DataConfig cfg, long seed, int partitions) {
    var hconf = spark.sparkContext().hadoopConfiguration();
    Path root = new Path(cfg.path());
    List<String[]> topFiles = new ArrayList<>(); // {path, null}
    List<String[]> labelDirs = new ArrayList<>(); // {dir, label}
    try {
      FileSystem fs = root.getFileSystem(hconf);
      FileStatus status;
      try {
        status = fs.getFileStatus(root);
      } catch (FileNotFoundException e) {
        throw new IllegalArgumentException("data.path " + root + " does not exist");
      }
      if (!status.isDirectory()) {
        throw new IllegalArgumentException("data.path " + root + " is a file; data.format = image-folder needs a folder with one sub-folder per label");
      }
      for (FileStatus s : fs.listStatus(status.getPath())) {
        String name = s.getPath().getName();
        if (hidden(name)) {
          continue;
        }
        if (s.isDirectory()) {
          labelDirs.add(new String[] {s.getPath().toString(), name});
        } else if (ImageDecoder.isImageName(name)) {
          topFiles.add(new String[] {s.getPath().toString(), null});
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list data.path " + root + ": " + e.getMessage(), e);
    }
    HadoopConf conf = new HadoopConf(hconf);
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    JavaRDD<String[]> listed = jsc.parallelize(labelDirs, Math.max(1, labelDirs.size()))
        .flatMap(dir -> listImagesBelow(new Path(dir[0]), dir[1], conf));
    JavaRDD<String[]> files = jsc.parallelize(topFiles, 1).union(listed);
    if (files.isEmpty()) {
      throw new IllegalArgumentException("data.path " + root + " holds no images (looked for " + String.join(", ", ImageDecoder.EXTENSIONS)
          + " files in it and its sub-folders)");
    }
    DecodeOptions opts = DecodeOptions.of(cfg);
    double test = cfg.testFraction();
    double validation = cfg.validationFraction();
    JavaRDD<Row> rows = files.repartition(partitions).map(f -> {
      Path p = new Path(f[0]);
      String id = f[1] == null ? p.getName() : f[1] + "/" + p.getName();
      String split = Splits.assign(seed, id, test, validation);
      return ImageSources.decodedRow(id, f[0], f[1], split, () -> ImageSources.decodeFile(p, f[0], conf, opts));
    });
    return ImageSchema.frame(spark, rows, ImageSchema.SCHEMA.add(ImageSources.ERROR, DataTypes.StringType, true));
  }

  private static boolean hidden(String name) {
    return name.startsWith(".") || name.startsWith("_");
  }

  /**
   * Streams the image files anywhere below {@code dir} (hidden files and folders left out) as {path, label},
   * walking the tree with listStatusIterator (paged on HDFS and S3, no per-file block look-ups).
   */
  private static Iterator<String[]> listImagesBelow(Path dir, String label, HadoopConf conf) throws IOException {
    FileSystem fs = dir.getFileSystem(conf.get());
    java.util.ArrayDeque<RemoteIterator<FileStatus>> stack = new java.util.ArrayDeque<>();
    stack.push(fs.listStatusIterator(dir));
    return new Iterator<>() {
      String[] next = advance();

      private String[] advance() {
        try {
          while (!stack.isEmpty()) {
            RemoteIterator<FileStatus> top = stack.peek();
            if (!top.hasNext()) {
              stack.pop();
              continue;
            }
            FileStatus s = top.next();
            String name = s.getPath().getName();
            if (hidden(name)) {
              continue;
            }
            if (s.isDirectory()) {
              stack.push(fs.listStatusIterator(s.getPath()));
            } else if (ImageDecoder.isImageName(name)) {
              return new String[] {s.getPath().toString(), label};
            }
          }
          return null;
        } catch (IOException e) {
          throw new UncheckedIOException("Cannot list " + dir + ": " + e.getMessage(), e);
        }
      }

      @Override
      public boolean hasNext() {
        return next != null;
      }

      @Override
      public String[] next() {
        if (next == null) {
          throw new NoSuchElementException();
        }
        String[] out = next;
        next = advance();
        return out;
      }
    };
  }
}
