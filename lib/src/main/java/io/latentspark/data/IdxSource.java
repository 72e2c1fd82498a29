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
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeArrayData;
import org.apache.spark.unsafe.Platform;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * {@code data.format = idx}: MNIST-style IDX files (gzipped or not), streamed on the executors. The files' images are
 * cut into one range per partition (counts from the headers, read on the driver), and each task reads its range:
 * no shuffle spreads the rows.
 */
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
    int[] counts = new int[parts.size()];
    for (int i = 0; i < counts.length; i++) {
      counts[i] = checkedCount(parts.get(i), hconf);
    }
    List<IdxRange> ranges = IdxRange.split(parts, counts, partitions);
    HadoopConf conf = new HadoopConf(hconf);
    int h = cfg.height();
    int w = cfg.width();
    int c = cfg.channels();
    double validation = cfg.validationFraction();
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    // the ranges travel in the task's closure (Java serialisation), the collection parallelised holds only their
    // numbers: a parallelised collection's elements go through spark.serializer, and Kryo (the cluster scripts' choice)
    // cannot serialise records
    List<Integer> numbers = new ArrayList<>();
    for (int i = 0; i < ranges.size(); i++) {
      numbers.add(i);
    }
    JavaRDD<InternalRow> rows = jsc.parallelize(numbers, ranges.size()).flatMap(i -> rangeRows(ranges.get(i), conf, seed, h, w, c, validation));
    return spark.internalCreateDataFrame(rows.rdd(), ImageSchema.SCHEMA, false);
  }

  /** The image count of one part, read from the headers on the driver; the image and label files must agree. */
  private static int checkedCount(IdxPart part, org.apache.hadoop.conf.Configuration hconf) {
    try {
      Path imagesPath = new Path(part.images());
      Path labelsPath = new Path(part.labels());
      int images;
      try (InputStream in = imagesPath.getFileSystem(hconf).open(imagesPath)) {
        images = IdxFormat.imageCount(in, part.images());
      }
      int labels;
      try (InputStream in = labelsPath.getFileSystem(hconf).open(labelsPath)) {
        labels = IdxFormat.readLabels(in, part.labels()).length;
      }
      if (images != labels) {
        throw new IllegalArgumentException("IDX files disagree: " + part.images() + " has " + images + " images but "
            + part.labels() + " has " + labels + " labels");
      }
      return images;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read IDX file headers under data.path: " + e.getMessage(), e);
    }
  }

  /** One partition's images: consecutive runs of images of one or more parts. */
  private record IdxRange(List<Segment> segments) implements java.io.Serializable {
    /** Images {@code from} (inclusive) to {@code to} (exclusive) of one part. */
    record Segment(IdxPart part, int from, int to) implements java.io.Serializable {}

    /**
     * The parts' images laid end to end and cut into {@code partitions} runs of equal length (at most one per image):
     * each partition reads its own range of the files, so the rows need no shuffle to spread over the cluster.
     */
    static List<IdxRange> split(List<IdxPart> parts, int[] counts, int partitions) {
      long total = 0;
      for (int n : counts) {
        total += n;
      }
      int p = (int) Math.max(1, Math.min(partitions, total));
      List<IdxRange> out = new ArrayList<>(p);
      int part = 0;
      int offset = 0;
      for (int k = 0; k < p; k++) {
        long size = (k + 1) * total / p - k * total / p;
        List<Segment> segs = new ArrayList<>();
        while (size > 0) {
          while (offset == counts[part]) {
            part++;
            offset = 0;
          }
          int take = (int) Math.min(size, counts[part] - offset);
          segs.add(new Segment(parts.get(part), offset, offset + take));
          offset += take;
          size -= take;
        }
        out.add(new IdxRange(segs));
      }
      return out;
    }
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

  /** Streams a range's images as rows, one segment after the other (a segment's file is opened when it is reached). */
  private static Iterator<InternalRow> rangeRows(IdxRange range, HadoopConf conf, long seed, int h, int w, int c, double validation) {
    return new Iterator<>() {
      int next = 0;
      Iterator<InternalRow> current = java.util.Collections.emptyIterator();

      @Override
      public boolean hasNext() {
        while (!current.hasNext() && next < range.segments().size()) {
          try {
            current = segmentRows(range.segments().get(next++), conf, seed, h, w, c, validation);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
        return current.hasNext();
      }

      @Override
      public InternalRow next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        return current.next();
      }
    };
  }

  /**
   * Streams images {@code from} to {@code to} of one IDX file as rows (a gzipped file is inflated from its start; the
   * skipped images are not kept); only the label file is held in memory (one byte per image).
   */
  private static Iterator<InternalRow> segmentRows(IdxRange.Segment seg, HadoopConf conf, long seed, int h, int w, int c, double validation)
      throws IOException {
    IdxPart part = seg.part();
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
    try {
      images.skip(seg.from());
    } catch (IOException | RuntimeException e) {
      images.close();
      throw e;
    }
    UTF8String file = UTF8String.fromString(part.images() + "#");
    UTF8String split = UTF8String.fromString(part.split());
    boolean train = part.split().equals(ImageSchema.TRAIN);
    UTF8String[] labelNames = new UTF8String[256];
    for (int k = 0; k < labelNames.length; k++) {
      labelNames[k] = UTF8String.fromString(Integer.toString(k));
    }
    byte[] raw = new byte[images.rows * images.cols];
    float[] scratch = new float[raw.length];
    // one row and one pixel array serve every image: Spark copies each row out (into its UnsafeRow) before the next
    UnsafeArrayData pixels = UnsafeArrayData.fromPrimitiveArray(new float[h * w * c]);
    long pixelsOffset = pixels.getBaseOffset() + UnsafeArrayData.calculateHeaderPortionInBytes(h * w * c);
    Object[] values = new Object[5];
    values[4] = pixels;
    GenericInternalRow row = new GenericInternalRow(values);
    return new Iterator<>() {
      int i = seg.from();

      @Override
      public boolean hasNext() {
        boolean more = i < seg.to();
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
      public InternalRow next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        try {
          images.next(raw);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        for (int k = 0; k < raw.length; k++) {
          scratch[k] = UNIT[raw[k] & 0xFF];
        }
        float[] px = new Pixels(1, images.rows, images.cols, scratch).toChannels(c).resize(h, w).data();
        // one bulk copy into the array's values (setFloat per pixel was a fifth of the read -> encode -> Parquet path)
        Platform.copyMemory(px, Platform.FLOAT_ARRAY_OFFSET, pixels.getBaseObject(), pixelsOffset, (long) px.length * Float.BYTES);
        String id = id(part.prefix(), i);
        values[0] = UTF8String.fromString(id);
        values[1] = UTF8String.concat(file, UTF8String.fromString(Integer.toString(i)));
        values[2] = labelNames[labels[i] & 0xFF];
        values[3] = train ? UTF8String.fromString(Splits.trainOrValidation(seed, id, validation)) : split;
        i++;
        return row;
      }
    };
  }

  /** A pixel byte's value in [0, 1]: {@code UNIT[b] == b / 255f}, looked up rather than divided. */
  private static final float[] UNIT = new float[256];

  static {
    for (int b = 0; b < UNIT.length; b++) {
      UNIT[b] = b / 255f;
    }
  }

  /** {@code prefix-NNNNN}: the image's index zero-padded to five digits (String.format was a tenth of the load's time). */
  static String id(String prefix, int index) {
    String n = Integer.toString(index);
    return n.length() >= 5 ? prefix + "-" + n : prefix + "-" + "00000".substring(n.length()) + n;
  }
}
