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
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.storage.StorageLevel;

/**
 * Loads a dataset described by {@link DataConfig} into the {@link ImageSchema} DataFrame. Paths may be local
 * or any Hadoop URI (file:, hdfs:, s3a:). Missing paths and empty datasets fail at once with the path named.
 */
public final class ImageSources {
  private ImageSources() {}

  /**
   * The configured dataset, repartitioned to {@code data.partitions} (or Spark's default parallelism) and kept
   * as {@code data.cache} says. Under {@code data.onError = fail} a bad image file stops the load here, with
   * the first bad file (by path) named and the number of bad files; under {@code skip} bad files go to
   * {@link LoadedImages#quarantine()}.
   */
  public static LoadedImages load(SparkSession spark, DataConfig cfg, long seed) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    int partitions = cfg.partitions() > 0 ? cfg.partitions() : jsc.defaultParallelism();
    StorageLevel level = storageLevel(cfg);
    if (cfg.format().equals(DataConfig.IMAGE_FOLDER) || cfg.format().equals(DataConfig.PARQUET)) {
      Dataset<Row> all = cfg.format().equals(DataConfig.PARQUET) ? parquet(spark, cfg, seed, partitions)
          : imageFolder(spark, cfg, seed, partitions);
      return withBadInputPolicy(all, cfg, seed, partitions, level);
    }
    Dataset<Row> images = switch (cfg.format()) {
      case DataConfig.SYNTHETIC -> synthetic(spark, cfg, seed, partitions);
      case DataConfig.IDX -> idx(spark, cfg, seed, partitions);
      default -> throw new IllegalArgumentException("Unknown data.format " + cfg.format());
    };
    images = limit(images, cfg, seed, partitions);
    if (level != null) {
      images = images.persist(level);
    }
    return new LoadedImages(images, spark.createDataFrame(List.<Row>of(), LoadedImages.QUARANTINE_SCHEMA), level != null ? images : null);
  }

  /**
   * Splits decoded rows (with an {@link #ERROR} column) into images and quarantine. Under
   * {@code data.onError = fail} any bad row stops the load here, naming the first bad file by path.
   */
  private static LoadedImages withBadInputPolicy(Dataset<Row> decoded, DataConfig cfg, long seed, int partitions, StorageLevel level) {
    Dataset<Row> all = level != null ? decoded.persist(level) : decoded;
    Dataset<Row> bad = all.where(functions.col(ERROR).isNotNull());
    if (!cfg.skipBadInput()) {
      List<Row> first = bad.select(ImageSchema.PATH, ERROR).orderBy(ImageSchema.PATH).limit(1).collectAsList();
      if (!first.isEmpty()) {
        long n = bad.count();
        if (level != null) {
          all.unpersist();
        }
        throw new ImageDecodeException(first.get(0).getString(0), first.get(0).getString(1) + " (" + n + " bad file(s) under "
            + cfg.path() + "; data.onError = skip leaves them out and lists them in the quarantine table)");
      }
    }
    Dataset<Row> images = limit(all.where(functions.col(ERROR).isNull()).drop(ERROR), cfg, seed, partitions);
    Dataset<Row> quarantine = bad.select(functions.col(ImageSchema.ID), functions.col(ImageSchema.PATH),
        functions.col(ImageSchema.LABEL), functions.col(ERROR).as(LoadedImages.REASON));
    return new LoadedImages(images, quarantine, level != null ? all : null);
  }

  /**
   * A Parquet table with encoded image bytes: data.parquet.imageColumn (binary), optional label and id
   * columns; a path column, if present, is kept as the row's path.
   */
  static Dataset<Row> parquet(SparkSession spark, DataConfig cfg, long seed, int partitions) {
    Path root = new Path(cfg.path());
    var hconf = spark.sparkContext().hadoopConfiguration();
    try {
      if (!root.getFileSystem(hconf).exists(root)) {
        throw new IllegalArgumentException("data.path " + root + " does not exist");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot open data.path " + root + ": " + e.getMessage(), e);
    }
    Dataset<Row> table = spark.read().parquet(cfg.path());
    var schema = table.schema();
    java.util.Set<String> columns = java.util.Set.of(schema.fieldNames());
    String image = cfg.parquetImageColumn();
    if (!columns.contains(image)) {
      throw new IllegalArgumentException("data.parquet.imageColumn: column " + image + " is not in the table " + cfg.path()
          + " (columns are " + String.join(", ", schema.fieldNames()) + ")");
    }
    if (!schema.apply(image).dataType().equals(DataTypes.BinaryType)) {
      throw new IllegalArgumentException("Column " + image + " of " + cfg.path() + " must be binary (image file bytes) but was "
          + schema.apply(image).dataType().simpleString());
    }
    String labelCol = cfg.parquetLabelColumn();
    if (!labelCol.isEmpty() && !columns.contains(labelCol)) {
      throw new IllegalArgumentException("data.parquet.labelColumn: column " + labelCol + " is not in the table " + cfg.path()
          + " (set it to \"\" for a table without labels)");
    }
    String idCol = cfg.parquetIdColumn();
    if (!idCol.isEmpty() && !columns.contains(idCol)) {
      throw new IllegalArgumentException("data.parquet.idColumn: column " + idCol + " is not in the table " + cfg.path());
    }
    var fileRow = functions.concat(functions.regexp_extract(functions.input_file_name(), "[^/]*$", 0), functions.lit("#"),
        functions.monotonically_increasing_id().cast("string"));
    var id = !idCol.isEmpty() ? functions.col(idCol).cast("string")
        : columns.contains("path") ? functions.col("path").cast("string") : fileRow;
    var path = columns.contains("path") ? functions.col("path").cast("string")
        : functions.concat(functions.lit(cfg.path() + "#"), fileRow);
    var label = labelCol.isEmpty() ? functions.lit(null).cast("string") : functions.col(labelCol).cast("string");
    Dataset<Row> input = table.select(id.as("id"), path.as("path"), label.as("label"), functions.col(image).as("bytes"))
        .repartition(partitions);
    DecodeOptions opts = cfg.decodeOptions();
    double test = cfg.testFraction();
    double validation = cfg.validationFraction();
    JavaRDD<Row> rows = input.javaRDD().map(r -> {
      String rowId = r.getString(0);
      String rowPath = r.getString(1);
      String rowLabel = r.isNullAt(2) ? null : r.getString(2);
      String split = Splits.assign(seed, rowId, test, validation);
      byte[] bytes = r.isNullAt(3) ? new byte[0] : (byte[]) r.get(3);
      return decodedRow(rowId, rowPath, rowLabel, split, () -> ImageDecoder.decode(bytes, rowPath, opts));
    });
    return spark.createDataFrame(rows, ImageSchema.SCHEMA.add(ERROR, DataTypes.StringType, true));
  }

  /** Column of the decoding error of an input file (null for a good image) before the split into images and quarantine. */
  static final String ERROR = "_error";

  static StorageLevel storageLevel(DataConfig cfg) {
    return switch (cfg.cache()) {
      case "memory-and-disk" -> StorageLevel.MEMORY_AND_DISK();
      case "disk" -> StorageLevel.DISK_ONLY();
      default -> null;
    };
  }

  private static Dataset<Row> limit(Dataset<Row> df, DataConfig cfg, long seed, int partitions) {
    if (cfg.limitPerSplit() <= 0) {
      return df;
    }
    return df.withColumn("_rank", functions.row_number().over(
            Window.partitionBy(ImageSchema.SPLIT).orderBy(functions.xxhash64(functions.col(ImageSchema.ID), functions.lit(seed)))))
        .where(functions.col("_rank").leq(cfg.limitPerSplit()))
        .drop("_rank")
        .repartition(partitions);
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
    return spark.createDataFrame(rows, ImageSchema.SCHEMA).repartition(partitions);
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
    DecodeOptions opts = cfg.decodeOptions();
    double test = cfg.testFraction();
    double validation = cfg.validationFraction();
    JavaRDD<Row> rows = files.repartition(partitions).map(f -> {
      Path p = new Path(f[0]);
      String id = f[1] == null ? p.getName() : f[1] + "/" + p.getName();
      String split = Splits.assign(seed, id, test, validation);
      return decodedRow(id, f[0], f[1], split, () -> decodeFile(p, f[0], conf, opts));
    });
    return spark.createDataFrame(rows, ImageSchema.SCHEMA.add(ERROR, DataTypes.StringType, true));
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

  /** Reads and decodes one image file; a read failure becomes an {@link ImageDecodeException} naming the file. */
  public static Pixels decodeFile(Path p, String name, HadoopConf conf, DecodeOptions opts) {
    byte[] bytes;
    try (InputStream in = p.getFileSystem(conf.get()).open(p)) {
      bytes = in.readAllBytes();
    } catch (IOException e) {
      throw new ImageDecodeException(name, "the file cannot be read (" + e.getMessage() + ")");
    }
    return ImageDecoder.decode(bytes, name, opts);
  }

  /** Decodes one input into a row with the {@link #ERROR} column: null for a good image, else the reason. */
  private static Row decodedRow(String id, String path, String label, String split, java.util.function.Supplier<Pixels> decode) {
    try {
      return RowFactory.create(id, path, label, split, decode.get().data(), null);
    } catch (ImageDecodeException e) {
      return RowFactory.create(id, path, label, split, new float[0], e.reason());
    } catch (RuntimeException e) {
      return RowFactory.create(id, path, label, split, new float[0], "decoding failed (" + e + ")");
    }
  }


}
