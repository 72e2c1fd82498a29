package io.latentspark.analysis;

import io.latentspark.data.ImageSchema;
import io.latentspark.encode.FeatureSchema;
import java.io.Serializable;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.feature.PCA;
import org.apache.spark.ml.feature.PCAModel;
import org.apache.spark.ml.linalg.DenseMatrix;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.stat.Summarizer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructType;

/**
 * The linear baseline: Spark MLlib PCA with k components fitted on the train split of an image table.
 * Codes are {@code z = P^T (x - mean)}, reconstructions {@code mean + P z}, so its feature table has the
 * same columns as the autoencoder's (z, reconstruction_error, reconstruction_bce) and every consumer
 * (evaluate, anomaly, t-SNE) works on both. MLlib's PCAModel does not centre; this class does.
 */
public final class PcaBaseline implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final double EPS = 1e-7;

  private final double[] mean;
  /** d x k, column-major as MLlib stores it. */
  private final double[] components;
  private final int d;
  private final int k;
  private final double[] explainedVariance;

  private PcaBaseline(double[] mean, double[] components, int d, int k, double[] explainedVariance) {
    this.mean = mean;
    this.components = components;
    this.d = d;
    this.k = k;
    this.explainedVariance = explainedVariance;
  }

  /** Fits k principal components on the rows of {@code images} whose split is train. */
  public static PcaBaseline fit(Dataset<Row> images, int k) {
    ImageSchema.check(images.schema());
    Dataset<Row> vectors = asVectors(images.where(functions.col(ImageSchema.SPLIT).equalTo(ImageSchema.TRAIN)));
    if (vectors.isEmpty()) {
      throw new IllegalArgumentException("PCA needs rows in the train split; the image table has none");
    }
    Row first = vectors.first();
    int d = ((Vector) first.get(0)).size();
    if (k <= 0 || k >= d) {
      throw new IllegalArgumentException("PCA dimension " + k + " must be between 1 and " + (d - 1) + " (the input has " + d + " values)");
    }
    PCAModel model = new PCA().setInputCol("x").setOutputCol("pc").setK(k).fit(vectors);
    Vector mean = (Vector) vectors.select(Summarizer.mean(functions.col("x"))).first().get(0);
    DenseMatrix pc = model.pc();
    return new PcaBaseline(mean.toArray(), pc.toArray(), d, k, model.explainedVariance().toArray());
  }

  static Dataset<Row> asVectors(Dataset<Row> images) {
    int idx = images.schema().fieldIndex(ImageSchema.PIXELS);
    JavaRDD<Row> rows = images.javaRDD().map(r -> {
      float[] p = ImageSchema.pixels(r, idx);
      double[] v = new double[p.length];
      for (int i = 0; i < p.length; i++) {
        v[i] = p[i];
      }
      return RowFactory.create(Vectors.dense(v));
    });
    return images.sparkSession().createDataFrame(rows, new StructType().add("x", SQLDataTypes.VectorType(), false));
  }

  public int dimension() {
    return k;
  }

  /** Fraction of the variance of the training data each component explains. */
  public double[] explainedVariance() {
    return explainedVariance.clone();
  }

  /** The code of one image. */
  public float[] encode(float[] x) {
    float[] z = new float[k];
    for (int j = 0; j < k; j++) {
      double s = 0;
      int col = j * d;
      for (int i = 0; i < d; i++) {
        s += components[col + i] * (x[i] - mean[i]);
      }
      z[j] = (float) s;
    }
    return z;
  }

  /** The reconstruction of a code in pixel space (not clipped). */
  public float[] decode(float[] z) {
    float[] x = new float[d];
    for (int i = 0; i < d; i++) {
      double s = mean[i];
      for (int j = 0; j < k; j++) {
        s += components[j * d + i] * z[j];
      }
      x[i] = (float) s;
    }
    return x;
  }

  /** The component matrix as rows of length d (component j = row j), for subspace comparisons. */
  public double[][] componentRows() {
    double[][] out = new double[k][d];
    for (int j = 0; j < k; j++) {
      System.arraycopy(components, j * d, out[j], 0, d);
    }
    return out;
  }

  /** The feature table of {@code images} (same columns as the autoencoder's encoder writes, without error map). */
  public Dataset<Row> features(SparkSession spark, Dataset<Row> images) {
    ImageSchema.check(images.schema());
    StructType schema = images.schema();
    int px = schema.fieldIndex(ImageSchema.PIXELS);
    int id = schema.fieldIndex(ImageSchema.ID);
    int path = schema.fieldIndex(ImageSchema.PATH);
    int label = schema.fieldIndex(ImageSchema.LABEL);
    int split = schema.fieldIndex(ImageSchema.SPLIT);
    PcaBaseline self = this;
    JavaRDD<Row> rows = images.javaRDD().map(r -> {
      float[] x = ImageSchema.pixels(r, px);
      if (x.length != self.d) {
        throw new IllegalArgumentException("Image " + r.getString(id) + " has " + x.length + " pixel values but the PCA was fitted on " + self.d);
      }
      float[] z = self.encode(x);
      float[] rec = self.decode(z);
      double mse = 0;
      double bce = 0;
      for (int i = 0; i < x.length; i++) {
        double e = rec[i] - x[i];
        mse += e * e;
        double q = Math.min(1 - EPS, Math.max(EPS, rec[i]));
        bce -= x[i] * Math.log(q) + (1 - x[i]) * Math.log(1 - q);
      }
      return RowFactory.create(r.getString(id), r.getString(path), r.isNullAt(label) ? null : r.getString(label), r.getString(split), z,
          mse / x.length, bce / x.length);
    });
    return spark.createDataFrame(rows, FeatureSchema.written(false));
  }

  /** Mean of {@code column} per split of a feature table. */
  public static java.util.Map<String, Double> meanBySplit(Dataset<Row> features, String column) {
    java.util.Map<String, Double> out = new java.util.TreeMap<>();
    for (Row r : features.groupBy(ImageSchema.SPLIT).agg(functions.avg(column)).collectAsList()) {
      out.put(r.getString(0), r.getDouble(1));
    }
    return out;
  }
}
