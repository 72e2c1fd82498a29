package io.latentspark.train;

import io.latentspark.data.ImageSchema;
import io.latentspark.model.InputNormalizer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Function;
import org.apache.spark.sql.Row;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/** Turns images into autoencoder minibatches: features = labels = normalised pixels. */
final class Batches {
  private Batches() {}

  static DataSet of(List<float[]> pixels, InputNormalizer normalizer) {
    int inputSize = pixels.get(0).length;
    var features = Nd4j.create(block(pixels, normalizer, inputSize), new long[] {pixels.size(), inputSize});
    return new DataSet(features, features);
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

  /** Lazily groups a partition's rows into minibatches of {@code size}. */
  static Iterator<DataSet> fromRows(Iterator<Row> rows, int pixelsIdx, int size, InputNormalizer normalizer) {
    return grouped(rows, r -> ImageSchema.pixels(r, pixelsIdx), size, px -> of(px, normalizer));
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
