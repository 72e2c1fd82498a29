package io.latentspark.analysis;

import io.latentspark.config.CompressConfig;
import io.latentspark.data.ImageSchema;
import io.latentspark.encode.BatchEncoder;
import io.latentspark.encode.BatchedIterator;
import io.latentspark.encode.NetworkSnapshot;
import io.latentspark.encode.SparkEncoder;
import io.latentspark.model.AutoencoderModel;
import io.latentspark.spec.ImageShape;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Image compression with the autoencoder as the transform: an image's latent code is quantised (each value to
 * 2^bits levels between that dimension's minimum and maximum on the training split), arithmetic-coded under
 * per-dimension frequencies counted on the training split ({@link ArithmeticCoder}; every image's code is whole bytes
 * and decodes on its own), decoded back to levels, dequantised and decoded by the network. Beside it, the same
 * images as baseline JPEG files (ImageIO) at several qualities. Everything runs on the executors; each row of the
 * result table is one image under one codec and setting with the bytes it takes and the squared error of what a
 * receiver reconstructs from those bytes.
 */
public final class Compression {
  public static final String AUTOENCODER = "autoencoder";
  public static final String FLOAT32 = "autoencoder-float32";
  public static final String JPEG = "jpeg";
  /** The result table's columns. */
  public static final StructType SCHEMA = new StructType()
      .add(ImageSchema.ID, DataTypes.StringType, false)
      .add(ImageSchema.LABEL, DataTypes.StringType, true)
      .add("codec", DataTypes.StringType, false)
      .add("setting", DataTypes.IntegerType, false)
      .add("bytes", DataTypes.IntegerType, false)
      .add("scan_bytes", DataTypes.IntegerType, false)
      .add("mse", DataTypes.DoubleType, false)
      .add("code", DataTypes.BinaryType, true);

  private Compression() {}

  /**
   * One codec at one setting (bits per value, or JPEG quality) over the compressed images: mean bits per image
   * (whole files; for JPEG also the entropy-coded scan alone, without the headers and tables every file repeats)
   * and the mean squared error, with PSNR = 10 log10(1 / MSE).
   */
  public record Point(String codec, int setting, long images, double bitsPerImage, double scanBitsPerImage, double mse, double psnr) {}

  /**
   * The measured points (codec, then setting) and the per-image table; the table is cached and its broadcasts
   * live until {@link #close} (call it once the table is written).
   */
  public record Result(List<Point> points, Codec codec, Dataset<Row> table, Runnable release) implements AutoCloseable {
    @Override
    public void close() {
      release.run();
    }
  }

  /**
   * The quantiser and the coder's tables, fitted on the training codes. A class, not a record: it is broadcast, and
   * Spark's Kryo cannot serialise records.
   */
  public static final class Codec implements Serializable {
    private static final long serialVersionUID = 1L;
    final float[] lo;
    final float[] hi;
    final int[] bits;
    /** tables[b][d]: cumulative counts of dimension d's levels at bit depth bits[b]. */
    final int[][][] tables;

    Codec(float[] lo, float[] hi, int[] bits, int[][][] tables) {
      this.lo = lo;
      this.hi = hi;
      this.bits = bits;
      this.tables = tables;
    }

    public int latentSize() {
      return lo.length;
    }

    public float[] lo() {
      return lo.clone();
    }

    public float[] hi() {
      return hi.clone();
    }

    public int[] bits() {
      return bits.clone();
    }

    /** The cumulative frequency tables at bit depth {@code bits()[b]}, one per dimension. */
    public int[][] tables(int b) {
      return tables[b];
    }

    /** The level of value {@code v} of dimension {@code d} at {@code depth} bits. */
    int level(float v, int d, int depth) {
      int max = (1 << depth) - 1;
      float span = hi[d] - lo[d];
      if (!(span > 0)) {
        return 0;
      }
      return (int) Math.max(0, Math.min(max, Math.round((v - lo[d]) / span * max)));
    }

    /** The value level {@code q} of dimension {@code d} stands for at {@code depth} bits. */
    float value(int q, int d, int depth) {
      int max = (1 << depth) - 1;
      return lo[d] + (hi[d] - lo[d]) * q / max;
    }

    /** The levels of {@code z} at the b-th bit depth. */
    public int[] quantise(float[] z, int b) {
      int[] q = new int[z.length];
      for (int d = 0; d < z.length; d++) {
        q[d] = level(z[d], d, bits[b]);
      }
      return q;
    }

    /** The code {@code levels} stand for at the b-th bit depth. */
    public float[] dequantise(int[] levels, int b) {
      float[] z = new float[levels.length];
      for (int d = 0; d < z.length; d++) {
        z[d] = value(levels[d], d, bits[b]);
      }
      return z;
    }

    /** The bytes of an image's levels at the b-th bit depth. */
    public byte[] encode(int[] levels, int b) {
      return ArithmeticCoder.encode(levels, tables[b]);
    }

    /** The levels an image's bytes hold at the b-th bit depth. */
    public int[] decode(byte[] code, int b) {
      return ArithmeticCoder.decode(code, lo.length, tables[b]);
    }
  }

  /**
   * Fits the codec on the train split's codes and compresses the {@code cfg.split()} images of {@code images} with
   * it and with JPEG; the table is cached and its summary computed here.
   */
  public static Result run(SparkSession spark, AutoencoderModel model, Dataset<Row> images, CompressConfig cfg, ImageShape shape,
      int batchSize) {
    ImageSchema.check(images.schema());
    Codec codec = fit(spark, model, images.where(functions.col(ImageSchema.SPLIT).equalTo(ImageSchema.TRAIN)), cfg, batchSize);
    Dataset<Row> rows = images.where(functions.col(ImageSchema.SPLIT).equalTo(cfg.split()));
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Broadcast<NetworkSnapshot> snap = jsc.broadcast(NetworkSnapshot.of(model));
    Broadcast<Codec> bc = jsc.broadcast(codec);
    int idIdx = rows.schema().fieldIndex(ImageSchema.ID);
    int labelIdx = rows.schema().fieldIndex(ImageSchema.LABEL);
    int pxIdx = rows.schema().fieldIndex(ImageSchema.PIXELS);
    List<Integer> qualities = cfg.jpegQualities();
    JavaRDD<Row> out = rows.javaRDD().mapPartitions(it -> {
      BatchEncoder enc = BatchEncoder.of(snap.value());
      Codec c = bc.value();
      return new BatchedIterator<>(it, batchSize, batch -> compress(enc, c, batch, idIdx, labelIdx, pxIdx, qualities, shape));
    });
    Dataset<Row> table = spark.createDataFrame(out, SCHEMA).persist(org.apache.spark.storage.StorageLevel.MEMORY_AND_DISK());
    List<Point> points = new ArrayList<>();
    for (Row r : table.groupBy("codec", "setting")
        .agg(functions.count(functions.lit(1)), functions.avg("bytes"), functions.avg("scan_bytes"), functions.avg("mse"))
        .orderBy("codec", "setting").collectAsList()) {
      double mse = r.getDouble(5);
      points.add(new Point(r.getString(0), r.getInt(1), r.getLong(2), 8 * r.getDouble(3), 8 * r.getDouble(4), mse, psnr(mse)));
    }
    Runnable release = () -> {
      table.unpersist();
      snap.destroy();
      bc.destroy();
    };
    if (points.isEmpty()) {
      release.run();
      throw new IllegalArgumentException("Nothing to compress: the dataset has no rows in the " + cfg.split() + " split (compress.split)");
    }
    return new Result(points, codec, table, release);
  }

  /** Peak signal-to-noise ratio in dB of a mean squared error of pixels in [0,1]. */
  public static double psnr(double mse) {
    return 10 * Math.log10(1 / mse);
  }

  /** The quantiser's ranges and the coder's per-dimension level frequencies, from the codes of {@code train} (on Spark). */
  static Codec fit(SparkSession spark, AutoencoderModel model, Dataset<Row> train, CompressConfig cfg, int batchSize) {
    Dataset<Row> features = SparkEncoder.encode(spark, model, train, batchSize);
    int zIdx = features.schema().fieldIndex("z");
    JavaRDD<float[]> codes = features.javaRDD().map(r -> ImageSchema.pixels(r, zIdx)).persist(org.apache.spark.storage.StorageLevel.MEMORY_AND_DISK());
    try {
      if (codes.isEmpty()) {
        throw new IllegalArgumentException("The codec's ranges and frequencies are fitted on the train split, but the dataset has no train rows");
      }
      int d = codes.first().length;
      float[] range = codes.treeAggregate(null, (acc, z) -> {
        float[] a = acc == null ? initRange(z.length) : acc;
        for (int k = 0; k < z.length; k++) {
          a[k] = Math.min(a[k], z[k]);
          a[z.length + k] = Math.max(a[z.length + k], z[k]);
        }
        return a;
      }, Compression::mergeRange);
      float[] lo = java.util.Arrays.copyOfRange(range, 0, d);
      float[] hi = java.util.Arrays.copyOfRange(range, d, 2 * d);
      int[] bits = cfg.bits().stream().mapToInt(Integer::intValue).toArray();
      Codec levels = new Codec(lo, hi, bits, null);
      int[] offsets = new int[bits.length + 1];
      for (int b = 0; b < bits.length; b++) {
        offsets[b + 1] = offsets[b] + d * (1 << bits[b]);
      }
      int size = offsets[bits.length];
      long[] counts = codes.treeAggregate(new long[size], (acc, z) -> {
        for (int b = 0; b < bits.length; b++) {
          for (int k = 0; k < z.length; k++) {
            acc[offsets[b] + k * (1 << bits[b]) + levels.level(z[k], k, bits[b])]++;
          }
        }
        return acc;
      }, (a, b2) -> {
        for (int i = 0; i < a.length; i++) {
          a[i] += b2[i];
        }
        return a;
      });
      int[][][] tables = new int[bits.length][d][];
      for (int b = 0; b < bits.length; b++) {
        int n = 1 << bits[b];
        for (int k = 0; k < d; k++) {
          int from = offsets[b] + k * n;
          tables[b][k] = ArithmeticCoder.cumulative(java.util.Arrays.copyOfRange(counts, from, from + n));
        }
      }
      return new Codec(lo, hi, bits, tables);
    } finally {
      codes.unpersist(false);
    }
  }

  private static float[] initRange(int d) {
    float[] a = new float[2 * d];
    java.util.Arrays.fill(a, 0, d, Float.POSITIVE_INFINITY);
    java.util.Arrays.fill(a, d, 2 * d, Float.NEGATIVE_INFINITY);
    return a;
  }

  private static float[] mergeRange(float[] a, float[] b) {
    if (a == null) {
      return b;
    }
    if (b == null) {
      return a;
    }
    int d = a.length / 2;
    for (int k = 0; k < d; k++) {
      a[k] = Math.min(a[k], b[k]);
      a[d + k] = Math.max(a[d + k], b[d + k]);
    }
    return a;
  }

  /** One batch of images under every codec and setting: the rows of the result table. */
  private static List<Row> compress(BatchEncoder enc, Codec c, List<Row> batch, int idIdx, int labelIdx, int pxIdx, List<Integer> qualities,
      ImageShape shape) {
    List<float[]> px = new ArrayList<>(batch.size());
    for (Row r : batch) {
      px.add(ImageSchema.pixels(r, pxIdx));
    }
    BatchEncoder.Result encoded = enc.encode(px);
    float[][] z = encoded.z();
    List<Row> out = new ArrayList<>();
    for (int i = 0; i < batch.size(); i++) {
      out.add(row(batch.get(i), idIdx, labelIdx, FLOAT32, 32, 4 * z[i].length, 4 * z[i].length, mse(encoded.reconstruction()[i], px.get(i)), null));
    }
    for (int b = 0; b < c.bits.length; b++) {
      byte[][] codes = new byte[batch.size()][];
      float[][] received = new float[batch.size()][];
      for (int i = 0; i < batch.size(); i++) {
        int[] levels = c.quantise(z[i], b);
        codes[i] = c.encode(levels, b);
        int[] back = c.decode(codes[i], b); // what a receiver of the bytes gets
        if (!java.util.Arrays.equals(levels, back)) {
          throw new IllegalStateException("The arithmetic coder did not decode image " + batch.get(i).getString(idIdx) + "'s code at "
              + c.bits[b] + " bits: " + java.util.Arrays.toString(levels) + " came back as " + java.util.Arrays.toString(back));
        }
        received[i] = c.dequantise(back, b);
      }
      float[][] rec = enc.decode(received);
      for (int i = 0; i < batch.size(); i++) {
        out.add(row(batch.get(i), idIdx, labelIdx, AUTOENCODER, c.bits[b], codes[i].length, codes[i].length, mse(rec[i], px.get(i)), codes[i]));
      }
    }
    for (int q : qualities) {
      for (int i = 0; i < batch.size(); i++) {
        byte[] jpeg = jpeg(px.get(i), shape, q);
        out.add(row(batch.get(i), idIdx, labelIdx, JPEG, q, jpeg.length, scanBytes(jpeg), mse(fromJpeg(jpeg, shape), px.get(i)), jpeg));
      }
    }
    return out;
  }

  private static Row row(Row image, int idIdx, int labelIdx, String codec, int setting, int bytes, int scanBytes, double mse, byte[] code) {
    return RowFactory.create(image.getString(idIdx), image.isNullAt(labelIdx) ? null : image.getString(labelIdx), codec, setting, bytes,
        scanBytes, mse, code);
  }

  /** Mean squared error of {@code x} (clamped to [0,1], as an image stores it) against {@code truth}. */
  static double mse(float[] x, float[] truth) {
    double s = 0;
    for (int p = 0; p < truth.length; p++) {
      double d = Math.min(1f, Math.max(0f, x[p])) - truth[p];
      s += d * d;
    }
    return s / truth.length;
  }

  /** The image as a baseline JPEG file at {@code quality} (1-100): 8-bit grey, or 8-bit RGB for three channels. */
  static byte[] jpeg(float[] pixels, ImageShape shape, int quality) {
    int h = shape.height();
    int w = shape.width();
    int plane = h * w;
    BufferedImage img;
    if (shape.channels() == 1) {
      img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
      for (int p = 0; p < plane; p++) {
        img.getRaster().setSample(p % w, p / w, 0, Math.round(pixels[p] * 255));
      }
    } else if (shape.channels() == 3) {
      img = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
      for (int p = 0; p < plane; p++) {
        for (int ch = 0; ch < 3; ch++) {
          img.getRaster().setSample(p % w, p / w, ch, Math.round(pixels[ch * plane + p] * 255));
        }
      }
    } else {
      throw new IllegalArgumentException("JPEG holds grey or RGB images, not " + shape.channels() + " channels");
    }
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (MemoryCacheImageOutputStream stream = new MemoryCacheImageOutputStream(bytes)) {
      writer.setOutput(stream);
      ImageWriteParam param = writer.getDefaultWriteParam();
      param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
      param.setCompressionQuality(quality / 100f);
      writer.write(null, new IIOImage(img, null, null), param);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      writer.dispose();
    }
    return bytes.toByteArray();
  }

  /** A JPEG file's pixels in [0,1], channel-major as {@code shape} says. */
  static float[] fromJpeg(byte[] jpeg, ImageShape shape) {
    BufferedImage img;
    try {
      img = ImageIO.read(new ByteArrayInputStream(jpeg));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    int h = shape.height();
    int w = shape.width();
    int plane = h * w;
    float[] out = new float[plane * shape.channels()];
    for (int p = 0; p < plane; p++) {
      if (shape.channels() == 1) {
        out[p] = img.getRaster().getSample(p % w, p / w, 0) / 255f;
      } else {
        int rgb = img.getRGB(p % w, p / w);
        out[p] = ((rgb >> 16) & 0xFF) / 255f;
        out[plane + p] = ((rgb >> 8) & 0xFF) / 255f;
        out[2 * plane + p] = (rgb & 0xFF) / 255f;
      }
    }
    return out;
  }

  /**
   * Bytes of a JPEG file from its start-of-scan marker (FF DA) to the end: the image data without the headers and
   * tables before it (found by walking the marker segments, whose lengths say where the next one starts).
   */
  static int scanBytes(byte[] jpeg) {
    int i = 2; // after SOI
    while (i + 3 < jpeg.length) {
      if ((jpeg[i] & 0xFF) != 0xFF) {
        break;
      }
      int marker = jpeg[i + 1] & 0xFF;
      if (marker == 0xDA) {
        return jpeg.length - i;
      }
      i += 2 + (((jpeg[i + 2] & 0xFF) << 8) | (jpeg[i + 3] & 0xFF));
    }
    throw new IllegalStateException("A JPEG file of " + jpeg.length + " bytes has no start-of-scan marker where its segments lead");
  }
}
