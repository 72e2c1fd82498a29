package io.latentspark.encode;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.SparkContext;
import org.apache.spark.unsafe.types.UTF8String;
import org.apache.spark.util.AccumulatorV2;

/**
 * What an encode job saw, split by split: how many images it encoded and the sums of their reconstruction MSE and
 * BCE. The tasks that write a feature table add to it as they encode ({@link SparkEncoder#encode(org.apache.spark.sql.SparkSession,
 * FeatureEncoder, org.apache.spark.sql.Dataset, int, EncodeTally)}); as the write is an action, Spark applies each
 * partition's additions once even when its task ran more than once. So the count that checks the written table and the
 * mean errors by split come without reading the table again (that read-back was 40% of encoding MNIST without a network).
 */
public final class EncodeTally extends AccumulatorV2<EncodeTally.Image, Map<String, EncodeTally.Split>> {
  private static final long serialVersionUID = 1L;

  /** One split's images and the sums of their per-image mean squared error and cross-entropy. */
  public record Split(long images, double mseSum, double bceSum) implements java.io.Serializable {
    /** The mean of the images' reconstruction MSE (NaN for no images, or when the engine had no decoder). */
    public double meanMse() {
      return images == 0 ? Double.NaN : mseSum / images;
    }

    /** The mean of the images' per-pixel cross-entropy (NaN as {@link #meanMse}). */
    public double meanBce() {
      return images == 0 ? Double.NaN : bceSum / images;
    }
  }

  /** One image's split and errors. */
  public record Image(String split, double mse, double bce) implements java.io.Serializable {}

  /** split -> {images, MSE sum, BCE sum}; mutable arrays so that a task adds an image without allocating. */
  private final HashMap<String, double[]> sums = new HashMap<>();
  /** The last split added to (a partition's images come in runs of one split): saves turning each key into a String. */
  private transient UTF8String lastSplit;
  private transient double[] lastSums;

  /** A new tally registered with {@code sc} under {@code name} (shown in the Spark UI). */
  public static EncodeTally register(SparkContext sc, String name) {
    EncodeTally t = new EncodeTally();
    sc.register(t, name);
    return t;
  }

  /** Adds one image of split {@code split} with its errors (as {@link #add(Image)}, without making a String or a record). */
  void add(UTF8String split, double mse, double bce) {
    if (lastSums == null || !split.equals(lastSplit)) {
      lastSums = sums.computeIfAbsent(split.toString(), k -> new double[3]);
      lastSplit = split.copy();
    }
    addTo(lastSums, mse, bce);
  }

  @Override
  public void add(Image v) {
    addTo(sums.computeIfAbsent(v.split(), k -> new double[3]), v.mse(), v.bce());
  }

  private static void addTo(double[] s, double mse, double bce) {
    s[0]++;
    s[1] += mse;
    s[2] += bce;
  }

  /** Images encoded, all splits. */
  public long images() {
    long n = 0;
    for (double[] s : sums.values()) {
      n += (long) s[0];
    }
    return n;
  }

  /** Mean reconstruction MSE by split, splits in order. */
  public Map<String, Double> meanMse() {
    Map<String, Double> out = new TreeMap<>();
    value().forEach((k, v) -> out.put(k, v.meanMse()));
    return out;
  }

  /** Mean per-pixel cross-entropy by split, splits in order. */
  public Map<String, Double> meanBce() {
    Map<String, Double> out = new TreeMap<>();
    value().forEach((k, v) -> out.put(k, v.meanBce()));
    return out;
  }

  @Override
  public boolean isZero() {
    return sums.isEmpty();
  }

  @Override
  public EncodeTally copy() {
    EncodeTally c = new EncodeTally();
    sums.forEach((k, v) -> c.sums.put(k, v.clone()));
    return c;
  }

  @Override
  public void reset() {
    sums.clear();
    lastSplit = null;
    lastSums = null;
  }

  @Override
  public void merge(AccumulatorV2<Image, Map<String, Split>> other) {
    if (!(other instanceof EncodeTally o)) {
      throw new UnsupportedOperationException("Cannot merge " + other.getClass().getName() + " into an EncodeTally");
    }
    o.sums.forEach((k, v) -> {
      double[] s = sums.computeIfAbsent(k, x -> new double[3]);
      for (int i = 0; i < s.length; i++) {
        s[i] += v[i];
      }
    });
  }

  /** Split name -> its images and error sums, splits in order. */
  @Override
  public Map<String, Split> value() {
    Map<String, Split> out = new TreeMap<>();
    sums.forEach((k, v) -> out.put(k, new Split((long) v[0], v[1], v[2])));
    return out;
  }
}
