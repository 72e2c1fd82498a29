package io.latentspark.data;

import io.latentspark.config.DataConfig;
import io.latentspark.config.DataFormat;
import io.latentspark.util.HadoopConf;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;

/** {@code data.format = idx}: MNIST-style IDX files (gzipped or not), streamed on the executors. */
final class IdxSource implements ImageSource {
  @Override
  public DataFormat format() {
    return DataFormat.IDX;
  }

  @Override
  public boolean decodesFiles() {
    return false;
  }

  @Override
  public Dataset<Row> read(SparkSession spark, DataConfig cfg, long seed, int partitions) {
    return idx(spark, cfg, seed, partitions);
  }

  /** One IDX image file with its label file and the split it is. */
  private record IdxPart(String images, String labels, String split, String prefix) implements java.io.Serializable {}

  static Dataset<Row> idx(SparkSession spark, DataConfig cfg, long seed, int partitions) {
    var hconf = spark.sparkContext().hadoopConfiguration();
    Path root = new Path(cfg.path());
    List<IdxPart> parts = new ArrayList<>();
    try {
      FileSystem fs = root.getFileSystem(hconf);
      if (!fs.exists(root)) {
        throw new IllegalArgumentException("data.path " + root + " does not exist");
      }
      for (String[] s : new String[][] {{"train", ImageSchema.TRAIN}, {"t10k", ImageSchema.TEST}}) {
        Path images = findIdx(fs, root, s[0] + "-images-idx3-ubyte");
        Path labels = findIdx(fs, root, s[0] + "-labels-idx1-ubyte");
        if (images != null && labels != null) {
          parts.add(new IdxPart(images.toString(), labels.toString(), s[1], s[0]));
        } else if (images != null || labels != null) {
          throw new IllegalArgumentException("data.path " + root + " has " + (images != null ? images : labels).getName()
              + " but not its " + (images != null ? "labels" : "images") + " file (" + s[0] + "-"
              + (images != null ? "labels-idx1-ubyte" : "images-idx3-ubyte") + "[.gz])");
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list data.path " + root + ": " + e.getMessage(), e);
    }
    if (parts.isEmpty()) {
      throw new IllegalArgumentException("data.path " + root + " holds no IDX dataset: expected train-images-idx3-ubyte[.gz] with "
          + "train-labels-idx1-ubyte[.gz] and/or t10k-images-idx3-ubyte[.gz] with t10k-labels-idx1-ubyte[.gz]");
    }
    HadoopConf conf = new HadoopConf(hconf);
    int h = cfg.height();
    int w = cfg.width();
    int c = cfg.channels();
    double validation = cfg.validationFraction();
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    JavaRDD<Row> rows = jsc.parallelize(parts, parts.size()).flatMap(part -> idxRows(part, conf, seed, h, w, c, validation));
    return ImageSchema.frame(spark, rows, ImageSchema.SCHEMA).repartition(partitions);
  }

  private static Path findIdx(FileSystem fs, Path root, String base) throws IOException {
    for (String name : new String[] {base, base + ".gz"}) {
      Path p = new Path(root, name);
      if (fs.exists(p)) {
        return p;
      }
    }
    return null;
  }

  /** Streams one IDX file's images as rows; only the label file is held in memory (one byte per image). */
  private static Iterator<Row> idxRows(IdxPart part, HadoopConf conf, long seed, int h, int w, int c, double validation)
      throws IOException {
    Path labelsPath = new Path(part.labels());
    byte[] labels;
    try (InputStream in = labelsPath.getFileSystem(conf.get()).open(labelsPath)) {
      labels = IdxFormat.readLabels(in, part.labels());
    }
    Path imagesPath = new Path(part.images());
    IdxFormat.Images images = new IdxFormat.Images(imagesPath.getFileSystem(conf.get()).open(imagesPath), part.images());
    if (images.count != labels.length) {
      images.close();
      throw new IOException("IDX files disagree: " + part.images() + " has " + images.count + " images but "
          + part.labels() + " has " + labels.length + " labels");
    }
    return new Iterator<>() {
      int i = 0;

      @Override
      public boolean hasNext() {
        boolean more = i < images.count;
        if (!more) {
          try {
            images.close();
          } catch (IOException ignored) {
            // read fully; nothing to lose
          }
        }
        return more;
      }

      @Override
      public Row next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        byte[] raw;
        try {
          raw = images.next();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        float[] px = new float[raw.length];
        for (int k = 0; k < raw.length; k++) {
          px[k] = (raw[k] & 0xFF) / 255f;
        }
        Pixels p = new Pixels(1, images.rows, images.cols, px).toChannels(c).resize(h, w);
        String id = String.format("%s-%05d", part.prefix(), i);
        String split = part.split().equals(ImageSchema.TRAIN) ? Splits.trainOrValidation(seed, id, validation) : part.split();
        Row row = RowFactory.create(id, part.images() + "#" + i, Integer.toString(labels[i] & 0xFF), split, p.data());
        i++;
        return row;
      }
    };
  }
}
