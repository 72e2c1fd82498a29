package io.latentspark.train;

import io.latentspark.config.DataConfig;
import io.latentspark.data.ImageSchema;
import io.latentspark.model.InputNormalizer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** Fits the configured input normalisation on the training split only. */
public final class Normalizers {
  private Normalizers() {}

  public static InputNormalizer fit(DataConfig cfg, Dataset<Row> train) {
    if (cfg.normalize() == io.latentspark.config.Normalization.UNIT) {
      return InputNormalizer.unit();
    }
    int n = cfg.inputSize();
    double[] zero = new double[2 * n + 1];
    double[] acc = ImageSchema.pixelArrays(train).aggregate(zero, (a, p) -> {
      for (int i = 0; i < n; i++) {
        a[i] += p[i];
        a[n + i] += (double) p[i] * p[i];
      }
      a[2 * n] += 1;
      return a;
    }, (a, b) -> {
      for (int i = 0; i < a.length; i++) {
        a[i] += b[i];
      }
      return a;
    });
    double[] sum = java.util.Arrays.copyOfRange(acc, 0, n);
    double[] sumSq = java.util.Arrays.copyOfRange(acc, n, 2 * n);
    return InputNormalizer.standardize(sum, sumSq, (long) acc[2 * n]);
  }
}
