package io.latentspark.encode;

import io.latentspark.config.EncodeConfig;
import io.latentspark.data.ImageSchema;
import io.latentspark.model.AutoencoderModel;
import io.latentspark.spec.PixelMask;
import io.latentspark.util.Outputs;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeArrayData;
import org.apache.spark.unsafe.types.UTF8String;
import java.util.Iterator;

/** Encodes image tables on Spark with a trained model and writes feature tables. */
public final class SparkEncoder {
  private SparkEncoder() {}

  /** The feature table of {@code images} with latent features and no error map (lazy; one row per input row). */
  public static Dataset<Row> encode(SparkSession spark, AutoencoderModel model, Dataset<Row> images, int batchSize) {
    return encode(spark, model, images, new EncodeConfig(batchSize, EncodeConfig.LATENT, false));
  }

  /** The feature table of {@code images} as {@code encode.*} says, on the engine it names (lazy; one row per input row). */
  public static Dataset<Row> encode(SparkSession spark, AutoencoderModel model, Dataset<Row> images, EncodeConfig cfg) {
    return encode(spark, engine(spark, model, cfg), images, cfg.batchSize());
  }

  /** The engine {@code encode.engine} names for {@code model} (its network broadcast, or exported to ONNX and broadcast). */
  public static FeatureEncoder engine(SparkSession spark, AutoencoderModel model, EncodeConfig cfg) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    return switch (cfg.engine()) {
      case DL4J -> Dl4jFeatures.of(jsc, model, cfg.layer(), cfg.errorMap());
      case ONNX -> OnnxFeatures.exported(jsc, model, cfg);
    };
  }

  /**
   * The feature table of {@code images} made by {@code engine} in batches of {@code batchSize} (lazy; one row per input
   * row). Rows travel as Spark's internal rows: pixels leave them with one bulk copy and codes and errors enter them as
   * primitive arrays (a {@code Row}'s array<float> is a sequence of boxed floats: 784 objects per MNIST image each way).
   */
  public static Dataset<Row> encode(SparkSession spark, FeatureEncoder engine, Dataset<Row> images, int batchSize) {
    return encode(spark, engine, images, batchSize, null);
  }

  /**
   * As {@link #encode(SparkSession, FeatureEncoder, Dataset, int)}, adding each image encoded, with its split and
   * errors, to {@code tally} (may be null). Counted in the tasks of the job that consumes the table, where Spark
   * applies a partition's additions once even if its task ran more than once; so a write is checked, and its mean
   * errors are known, without a pass of their own over the input or the output.
   */
  public static Dataset<Row> encode(SparkSession spark, FeatureEncoder engine, Dataset<Row> images, int batchSize,
      EncodeTally tally) {
    ImageSchema.check(images.schema());
    boolean errorMap = engine.errorMap();
    boolean logVar = engine.logVar();
    // a projection of the (possibly cached) table fixes the ordinals: id, path, label, split, pixels
    Dataset<Row> in = images.select(ImageSchema.ID, ImageSchema.PATH, ImageSchema.LABEL, ImageSchema.SPLIT, ImageSchema.PIXELS);
    JavaRDD<InternalRow> rows = in.queryExecution().toRdd().toJavaRDD().mapPartitions(it -> {
      FeatureEncoder.Batch enc = engine.open();
      // internal rows are reused by their iterator: each is copied out before the next is read
      Iterator<Image> copied = new Iterator<>() {
        @Override
        public boolean hasNext() {
          return it.hasNext();
        }

        @Override
        public Image next() {
          return Image.of(it.next());
        }
      };
      return new BatchedIterator<>(copied, batchSize, batch -> {
        List<float[]> px = new ArrayList<>(batch.size());
        for (Image r : batch) {
          px.add(r.pixels());
        }
        BatchEncoder.Result res = enc.encode(px);
        if (tally != null) {
          for (int i = 0; i < batch.size(); i++) {
            tally.add(batch.get(i).split(), res.mse()[i], res.bce()[i]);
          }
        }
        List<InternalRow> out = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
          Image r = batch.get(i);
          Object[] values = new Object[7 + (logVar ? 1 : 0) + (errorMap ? 1 : 0)];
          values[0] = r.id();
          values[1] = r.path();
          values[2] = r.label();
          values[3] = r.split();
          values[4] = UnsafeArrayData.fromPrimitiveArray(res.z()[i]);
          values[5] = res.mse()[i];
          values[6] = res.bce()[i];
          int next = 7;
          if (logVar) {
            values[next++] = UnsafeArrayData.fromPrimitiveArray(res.logVar()[i]);
          }
          if (errorMap) {
            values[next] = UnsafeArrayData.fromPrimitiveArray(res.errorMap()[i]);
          }
          out.add(new GenericInternalRow(values));
        }
        return out;
      });
    });
    return spark.internalCreateDataFrame(rows.rdd(), FeatureSchema.written(errorMap, logVar), false);
  }

  /** One image row copied out of Spark's internal row (strings as UTF8String copies; label may be null). */
  private record Image(UTF8String id, UTF8String path, UTF8String label, UTF8String split, float[] pixels) {
    static Image of(InternalRow r) {
      return new Image(r.getUTF8String(0).copy(), r.getUTF8String(1).copy(), r.isNullAt(2) ? null : r.getUTF8String(2).copy(),
          r.getUTF8String(3).copy(), r.getArray(4).toFloatArray());
    }
  }

  /** Mean per-pixel reconstruction MSE of {@code images} and their count, computed on the executors. */
  public static double[] meanMse(Broadcast<NetworkSnapshot> snap, Dataset<Row> images, int batchSize) {
    return meanAndCount(PartitionSums.of(images, snap, batchSize, 1, MSE));
  }

  /** {@link #meanMse} of each of {@code tables} (mean, count), computed in one Spark job. */
  public static double[][] meanMse(Broadcast<NetworkSnapshot> snap, List<Dataset<Row>> tables, int batchSize) {
    return meansAndCounts(PartitionSums.ofEach(tables, snap, batchSize, 1, MSE));
  }

  /**
   * An inpainting model's error: each image of {@code images} gets one of {@code masks} (drawn from {@code seed} and
   * the partition, so the same images get the same masks every time), one pass fills it
   * ({@link BatchEncoder#inpaint}), and the squared error over the missing pixels is averaged per image and then
   * over the images. Returns {mean, images}.
   */
  public static double[] meanMissingMse(Broadcast<NetworkSnapshot> snap, Dataset<Row> images, int batchSize, List<PixelMask> masks,
      int channels, long seed) {
    return meanAndCount(PartitionSums.of(images, snap, batchSize, 1, missingMse(masks, channels, seed)));
  }

  /** {@link #meanMissingMse} of each of {@code tables} (mean, count; each table's masks as when measured alone), in one Spark job. */
  public static double[][] meanMissingMse(Broadcast<NetworkSnapshot> snap, List<Dataset<Row>> tables, int batchSize,
      List<PixelMask> masks, int channels, long seed) {
    return meansAndCounts(PartitionSums.ofEach(tables, snap, batchSize, 1, missingMse(masks, channels, seed)));
  }

  /** Sums each image's mean squared reconstruction error. */
  private static final PartitionSums.Work MSE = (enc, partition) -> (px, sums) -> {
    for (double m : enc.mse(px)) {
      sums[0] += m;
    }
  };

  /** Sums each image's mean squared error over the pixels its mask (drawn from seed and partition) hides. */
  private static PartitionSums.Work missingMse(List<PixelMask> masks, int channels, long seed) {
    return (enc, partition) -> {
      java.util.SplittableRandom rnd = new java.util.SplittableRandom(seed * 31 + partition);
      return (px, sums) -> {
        List<boolean[]> missing = new java.util.ArrayList<>(px.size());
        for (int i = 0; i < px.size(); i++) {
          missing.add(PixelMask.draw(masks, channels, rnd));
        }
        float[][] filled = enc.inpaint(px, missing);
        for (int i = 0; i < px.size(); i++) {
          sums[0] += BatchEncoder.missingMse(filled[i], px.get(i), missing.get(i));
        }
      };
    };
  }

  private static double[] meanAndCount(double[] t) {
    return new double[] {t[1] == 0 ? Double.NaN : t[0] / t[1], t[1]};
  }

  private static double[][] meansAndCounts(double[][] t) {
    double[][] out = new double[t.length][];
    for (int i = 0; i < t.length; i++) {
      out[i] = meanAndCount(t[i]);
    }
    return out;
  }

  /**
   * Writes a feature table as Parquet at {@code dir}, atomically: Spark writes into a hidden staging
   * directory that is renamed into place after the write committed. Existing output is refused unless overwrite.
   */
  public static void write(Dataset<Row> features, String dir, Configuration conf, boolean overwrite) {
    write(features, dir, conf, overwrite, null);
  }

  /**
   * As {@link #write(Dataset, String, Configuration, boolean)}, checking the table before it is committed:
   * {@code beforeCommit} (may be null) gets the number of rows Spark wrote, counted from the staged Parquet files'
   * footers, and may throw, which leaves nothing at {@code dir}.
   */
  public static void write(Dataset<Row> features, String dir, Configuration conf, boolean overwrite, java.util.function.LongConsumer beforeCommit) {
    FeatureSchema.check(features.schema(), "The feature table to write");
    // Parquet's dictionaries pay only for label and split: id and path are unique per row and a network's codes and
    // errors nearly so, and a dictionary of them only costs (every value hashed into a dictionary that is abandoned
    // once full: a quarter of an encode task's time went there)
    writeParquet(features, dir, conf, overwrite, java.util.Map.of(DICTIONARY, "false", DICTIONARY + "#" + ImageSchema.LABEL, "true",
        DICTIONARY + "#" + ImageSchema.SPLIT, "true"), beforeCommit);
  }

  /** Parquet's dictionary encoding, for all columns and (suffix {@code #column}, parquet-mr 1.12+) for one. */
  static final String DICTIONARY = "parquet.enable.dictionary";

  /** Writes any table as Parquet at {@code dir}, atomically (see {@link Outputs#writeAtomically}). */
  public static void writeParquet(Dataset<Row> table, String dir, Configuration conf, boolean overwrite) {
    writeParquet(table, dir, conf, overwrite, java.util.Map.of(), null);
  }

  /**
   * As {@link #writeParquet(Dataset, String, Configuration, boolean)}, giving {@code beforeCommit} the staged table's
   * row count, read from its files' footers (no second pass over the table); it may throw, which leaves nothing at
   * {@code dir}.
   */
  public static void writeParquet(Dataset<Row> table, String dir, Configuration conf, boolean overwrite, java.util.function.LongConsumer beforeCommit) {
    writeParquet(table, dir, conf, overwrite, java.util.Map.of(), beforeCommit);
  }

  /**
   * As {@link #writeParquet(Dataset, String, Configuration, boolean)}, with the writer's {@code options}, and
   * {@code beforeCommit} (may be null) given the staged table's row count before it is committed.
   */
  private static void writeParquet(Dataset<Row> table, String dir, Configuration conf, boolean overwrite, java.util.Map<String, String> options,
      java.util.function.LongConsumer beforeCommit) {
    Outputs.writeAtomically(new Path(dir), conf, overwrite, staging -> {
      table.write().mode(SaveMode.ErrorIfExists).options(options).parquet(staging.toString());
      if (beforeCommit != null) {
        beforeCommit.accept(parquetRows(staging, conf));
      }
    });
  }

  /** Threads that read a written table's footers at once (each read is a request or two to the file system). */
  static final int FOOTER_READERS = 16;

  /**
   * The rows of the Parquet table written at {@code dir}, from its files' footers: no Spark job, and on the driver
   * only the footers' few bytes. A table has a file per write task, and on an object store each footer costs a
   * round trip or two, so up to {@link #FOOTER_READERS} are read at once rather than a thousand round trips one after
   * another (docs/TRAINING.md measures both against an S3 server on loopback).
   */
  static long parquetRows(Path dir, Configuration conf) throws IOException {
    List<FileStatus> files = new ArrayList<>();
    for (FileStatus f : dir.getFileSystem(conf).listStatus(dir)) {
      String name = f.getPath().getName();
      if (f.isFile() && name.endsWith(".parquet") && !name.startsWith(".") && !name.startsWith("_")) {
        files.add(f);
      }
    }
    if (files.size() <= 1) {
      return files.isEmpty() ? 0 : footerRows(files.get(0), conf);
    }
    AtomicInteger threads = new AtomicInteger();
    ExecutorService readers = Executors.newFixedThreadPool(Math.min(FOOTER_READERS, files.size()), r -> {
      Thread t = new Thread(r, "latentspark-footer-" + threads.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<Long>> counts = new ArrayList<>();
      for (FileStatus f : files) {
        counts.add(readers.submit(() -> footerRows(f, conf)));
      }
      long rows = 0;
      for (Future<Long> c : counts) {
        rows += c.get();
      }
      return rows;
    } catch (ExecutionException e) {
      throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while reading the footers of the table at " + dir);
    } finally {
      readers.shutdownNow();
    }
  }

  private static long footerRows(FileStatus file, Configuration conf) throws IOException {
    try (var reader = org.apache.parquet.hadoop.ParquetFileReader.open(org.apache.parquet.hadoop.util.HadoopInputFile.fromStatus(file, conf))) {
      return reader.getRecordCount();
    } catch (IOException | RuntimeException e) {
      throw new IOException("cannot read the row count in the Parquet footer of " + file.getPath() + ": " + e.getMessage(), e);
    }
  }
}
