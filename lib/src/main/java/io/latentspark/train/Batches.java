package io.latentspark.train;

import io.latentspark.data.ImageSchema;
import io.latentspark.model.InputNormalizer;
import io.latentspark.spec.AutoencoderSpec;
import io.latentspark.spec.ImageShape;
import io.latentspark.spec.PixelMask;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.apache.spark.sql.Row;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/** Turns images into training minibatches: features = labels = normalised pixels, or masked ones for inpainting. */
final class Batches {
  private Batches() {}

  /**
   * What the network fits for a minibatch of normalised inputs {@code x} ([rows, inputSize]): an autoencoder's
   * (features = labels = x) or an inpainting model's (see {@link #masked}); {@code seed} draws the masks.
   */
  @FunctionalInterface
  interface Maker extends Serializable {
    DataSet make(INDArray x, long seed);
  }

  /** An autoencoder's minibatch: the network reconstructs its input. */
  static final Maker AUTOENCODER = (x, seed) -> new DataSet(x, x);

  /** The {@link Maker} of {@code spec} for images of {@code shape}. */
  static Maker maker(AutoencoderSpec spec, ImageShape shape) {
    List<PixelMask> masks = spec.trainingMasks(shape);
    if (masks.isEmpty()) {
      return AUTOENCODER;
    }
    int channels = shape.channels();
    return (x, seed) -> masked(x, masks, channels, seed);
  }

  /**
   * An inpainting minibatch: each row gets one of {@code masks} (drawn, and placed where the kind is random, from
   * {@code seed}); the features are x with the missing values set to 0, the labels x, and the labels mask is 1
   * exactly at the missing values, so DL4J's loss (and its gradient) counts only them.
   */
  static DataSet masked(INDArray x, List<PixelMask> masks, int channels, long seed) {
    int rows = Math.toIntExact(x.size(0));
    int n = Math.toIntExact(x.size(1));
    float[] observed = new float[rows * n];
    float[] missing = new float[rows * n];
    SplittableRandom rnd = new SplittableRandom(seed);
    for (int i = 0; i < rows; i++) {
      boolean[] m = PixelMask.draw(masks, channels, rnd);
      if (m.length != n) {
        throw new IllegalArgumentException("A mask covers " + m.length + " values, the network's input has " + n);
      }
      for (int p = 0; p < n; p++) {
        if (m[p]) {
          missing[i * n + p] = 1;
        } else {
          observed[i * n + p] = 1;
        }
      }
    }
    INDArray features = x.mul(Nd4j.create(observed, new long[] {rows, n}));
    return new DataSet(features, x, null, Nd4j.create(missing, new long[] {rows, n}));
  }

  static DataSet of(List<float[]> pixels, InputNormalizer normalizer, Maker maker, long seed) {
    return maker.make(features(pixels, normalizer), seed);
  }

  /** The normalised pixels of a minibatch as a [rows, inputSize] array. */
  static INDArray features(List<float[]> pixels, InputNormalizer normalizer) {
    int inputSize = pixels.get(0).length;
    return Nd4j.create(block(pixels, normalizer, inputSize), new long[] {pixels.size(), inputSize});
  }

  /**
   * Normalised copies of {@code pixels}, row after row in one array (the inputs are not modified); fails
   * naming both sizes if an image does not have {@code inputSize} values.
   */
  static float[] block(List<float[]> pixels, InputNormalizer normalizer, int inputSize) {
    float[] block = new float[pixels.size() * inputSize];
    for (int i = 0; i < pixels.size(); i++) {
      float[] p = pixels.get(i);
      if (p.length != inputSize) {
        throw new IllegalArgumentException("An image has " + p.length + " pixel values, the network expects " + inputSize);
      }
      System.arraycopy(normalizer.apply(p.clone()), 0, block, i * inputSize, inputSize);
    }
    return block;
  }

  /** Lazily groups a partition's rows into minibatches of {@code size}; the i-th is made with seed {@code seed + i}. */
  static Iterator<DataSet> fromRows(Iterator<Row> rows, int pixelsIdx, int size, InputNormalizer normalizer, Maker maker, long seed) {
    long[] next = {seed};
    return grouped(rows, r -> ImageSchema.pixels(r, pixelsIdx), size, px -> of(px, normalizer, maker, next[0]++));
  }

  /** Lazily groups the pixels of {@code rows}, {@code size} at a time (the last group may be smaller), into what {@code build} makes of them. */
  static <T, B> Iterator<B> grouped(Iterator<T> rows, Function<T, float[]> pixels, int size, Function<List<float[]>, B> build) {
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return rows.hasNext();
      }

      @Override
      public B next() {
        List<float[]> px = new ArrayList<>(size);
        while (px.size() < size && rows.hasNext()) {
          px.add(pixels.apply(rows.next()));
        }
        return build.apply(px);
      }
    };
  }
}
