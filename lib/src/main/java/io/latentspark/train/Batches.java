package io.latentspark.train;

import io.latentspark.data.ImageSchema;
import io.latentspark.model.InputNormalizer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.sql.Row;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/** Turns image rows into autoencoder minibatches: features = labels = normalised pixels. */
final class Batches {
  private Batches() {}

  static DataSet of(List<float[]> pixels, InputNormalizer normalizer) {
    float[][] x = new float[pixels.size()][];
    for (int i = 0; i < x.length; i++) {
      x[i] = normalizer.apply(pixels.get(i).clone());
    }
    var features = Nd4j.create(x);
    return new DataSet(features, features);
  }

  /** Lazily groups a partition's rows into minibatches of {@code size}. */
  static Iterator<DataSet> fromRows(Iterator<Row> rows, int pixelsIdx, int size, InputNormalizer normalizer) {
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return rows.hasNext();
      }

      @Override
      public DataSet next() {
        List<float[]> px = new ArrayList<>(size);
        while (px.size() < size && rows.hasNext()) {
          px.add(ImageSchema.pixels(rows.next(), pixelsIdx));
        }
        return of(px, normalizer);
      }
    };
  }
}
