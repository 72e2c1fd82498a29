package io.latentspark.data;

import io.latentspark.config.DataConfig;
import io.latentspark.util.HadoopConf;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.storage.StorageLevel;

/**
 * Loads a dataset described by {@link DataConfig} into the {@link ImageSchema} DataFrame, through the
 * {@link ImageSource} of its {@code data.format}, and applies what all formats share: partitions, caching,
 * {@code data.limitPerSplit} and the bad-input policy. Paths may be local
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
    return load(spark, cfg, seed, false);
  }

  /**
   * The configured dataset for a run that reads its images once (encode). A source that decodes no files (IDX,
   * synthetic) is then streamed from the source whatever {@code data.cache} says: keeping it would only cost, since
   * Spark builds a cache in a job of its own, a whole pass over the data, before the one pass that uses it. Sources
   * that decode files are kept as {@code data.cache} says, as in {@link #load}: their bad-input policy reads them twice.
   */
  public static LoadedImages loadOnce(SparkSession spark, DataConfig cfg, long seed) {
    return load(spark, cfg, seed, true);
  }

  private static LoadedImages load(SparkSession spark, DataConfig cfg, long seed, boolean onePass) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    int partitions = cfg.partitions() > 0 ? cfg.partitions() : jsc.defaultParallelism();
    StorageLevel level = storageLevel(cfg);
    ImageSource source = ImageSource.of(cfg.format());
    Dataset<Row> read = source.read(spark, cfg, seed, partitions);
    if (source.decodesFiles()) {
      return withBadInputPolicy(read, cfg, seed, partitions, level);
    }
    Dataset<Row> images = read;
    images = limit(images, cfg, seed, partitions);
    boolean keep = level != null && !onePass;
    if (keep) {
      images = images.persist(level);
    }
    return new LoadedImages(images, spark.createDataFrame(List.<Row>of(), LoadedImages.QUARANTINE_SCHEMA), keep ? images : null);
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

  /** Column of the decoding error of an input file (null for a good image) before the split into images and quarantine. */
  static final String ERROR = "_error";

  static StorageLevel storageLevel(DataConfig cfg) {
    return switch (cfg.cache()) {
      case MEMORY_AND_DISK -> StorageLevel.MEMORY_AND_DISK();
      case DISK -> StorageLevel.DISK_ONLY();
      case NONE -> null;
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
  static Row decodedRow(String id, String path, String label, String split, java.util.function.Supplier<Pixels> decode) {
    try {
      return RowFactory.create(id, path, label, split, decode.get().data(), null);
    } catch (ImageDecodeException e) {
      return RowFactory.create(id, path, label, split, new float[0], e.reason());
    } catch (RuntimeException e) {
      return RowFactory.create(id, path, label, split, new float[0], "decoding failed (" + e + ")");
    }
  }


}
