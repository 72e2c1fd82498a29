package io.latentspark.data;

import io.latentspark.config.DataConfig;
import io.latentspark.util.HadoopConf;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.expressions.Window;

/**
 * Loads a dataset described by {@link DataConfig} into the {@link ImageSchema} DataFrame. Paths may be local
 * or any Hadoop URI (file:, hdfs:, s3a:). Missing paths and empty datasets fail at once with the path named.
 */
public final class ImageSources {
  private ImageSources() {}

  /** The configured dataset, repartitioned to {@code data.partitions} (or Spark's default parallelism). */
  public static Dataset<Row> load(SparkSession spark, DataConfig cfg, long seed) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    int partitions = cfg.partitions() > 0 ? cfg.partitions() : jsc.defaultParallelism();
    Dataset<Row> df = switch (cfg.format()) {
      case DataConfig.SYNTHETIC -> synthetic(spark, cfg, seed, partitions);
      case DataConfig.IDX -> idx(spark, cfg, seed, partitions);
      case DataConfig.IMAGE_FOLDER -> imageFolder(spark, cfg, seed, partitions);
      default -> throw new IllegalArgumentException("Unknown data.format " + cfg.format());
    };
    if (cfg.limitPerSplit() > 0) {
      df = df.withColumn("_rank", functions.row_number().over(
              Window.partitionBy(ImageSchema.SPLIT).orderBy(functions.xxhash64(functions.col(ImageSchema.ID), functions.lit(seed)))))
          .where(functions.col("_rank").leq(cfg.limitPerSplit()))
          .drop("_rank")
          .repartition(partitions);
    }
    return df;
  }

  static Dataset<Row> synthetic(SparkSession spark, DataConfig cfg, long seed, int partitions) {
    long train = cfg.syntheticTrainCount();
    long total = train + cfg.syntheticTestCount();
    int h = cfg.height();
    int w = cfg.width();
    int c = cfg.channels();
    double noise = cfg.syntheticNoise();
    double validation = cfg.validationFraction();
    JavaRDD<Row> rows = spark.range(0, total, 1, partitions).javaRDD().map(i -> {
      String id = String.format("synthetic-%07d", i);
      String split = i < train ? Splits.trainOrValidation(seed, id, validation) : ImageSchema.TEST;
      return RowFactory.create(id, "synthetic:" + seed + "/" + i, SyntheticImages.label(i), split,
          SyntheticImages.image(seed, i, h, w, c, noise));
    });
    return spark.createDataFrame(rows, ImageSchema.SCHEMA);
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
    Dataset<Row> df = spark.createDataFrame(rows, ImageSchema.SCHEMA).repartition(partitions);
    return df;
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

  static Dataset<Row> imageFolder(SparkSession spark, DataConfig cfg, long seed, int partitions) {
    var hconf = spark.sparkContext().hadoopConfiguration();
    Path root = new Path(cfg.path());
    List<String[]> files = new ArrayList<>(); // {path, label}
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
      Path qualifiedRoot = status.getPath();
      listImages(fs, qualifiedRoot, null, files);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list data.path " + root + ": " + e.getMessage(), e);
    }
    if (files.isEmpty()) {
      throw new IllegalArgumentException("data.path " + root + " holds no images (looked for " + String.join(", ", ImageDecoder.EXTENSIONS) + " files)");
    }
    HadoopConf conf = new HadoopConf(hconf);
    int h = cfg.height();
    int w = cfg.width();
    int c = cfg.channels();
    double test = cfg.testFraction();
    double validation = cfg.validationFraction();
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    JavaRDD<Row> rows = jsc.parallelize(files, Math.min(partitions, files.size())).map(f -> {
      Path p = new Path(f[0]);
      byte[] bytes;
      try (InputStream in = p.getFileSystem(conf.get()).open(p)) {
        bytes = in.readAllBytes();
      } catch (IOException e) {
        throw new ImageDecodeException(f[0], "cannot be read (" + e.getMessage() + ")");
      }
      Pixels px = ImageDecoder.decode(bytes, f[0], h, w, c);
      String id = f[1] == null ? p.getName() : f[1] + "/" + p.getName();
      return RowFactory.create(id, f[0], f[1], Splits.assign(seed, id, test, validation), px.data());
    });
    return spark.createDataFrame(rows, ImageSchema.SCHEMA);
  }

  /** Image files directly under root (no label) and in its sub-folders (label = sub-folder name, nested folders included). */
  private static void listImages(FileSystem fs, Path dir, String label, List<String[]> out) throws IOException {
    FileStatus[] entries = fs.listStatus(dir);
    java.util.Arrays.sort(entries, java.util.Comparator.comparing(s -> s.getPath().getName()));
    for (FileStatus s : entries) {
      String name = s.getPath().getName();
      if (name.startsWith(".") || name.startsWith("_")) {
        continue;
      }
      if (s.isDirectory()) {
        listImages(fs, s.getPath(), label == null ? name : label, out);
      } else if (ImageDecoder.isImageName(name)) {
        out.add(new String[] {s.getPath().toString(), label});
      }
    }
  }
}
