package io.latentspark.analysis;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.latentspark.SparkTestBase;
import io.latentspark.TestData;
import io.latentspark.config.LatentSparkConfig;
import io.latentspark.data.ImageSchema;
import io.latentspark.model.AutoencoderModel;
import io.latentspark.train.LocalTrainer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;

/**
 * A linear autoencoder (identity activations, MSE) learns the same subspace as PCA (Baldi and Hornik 1989).
 * The autoencoder (DL4J, Adam) and the PCA (Spark MLlib) are computed independently; their k-dimensional
 * subspaces of R^d are compared through the projection matrices.
 */
class LinearAutoencoderPcaTest extends SparkTestBase {
  static final int D = 20;
  static final int K = 3;

  @Test
  void linearAutoencoderSpansThePrincipalSubspace() {
    Random rnd = new Random(7);
    double[][] basis = new double[K][D];
    for (double[] b : basis) {
      for (int i = 0; i < D; i++) {
        b[i] = rnd.nextGaussian() / Math.sqrt(D);
      }
    }
    double[] scales = {0.35, 0.25, 0.15};
    List<Row> rows = new ArrayList<>();
    List<float[]> train = new ArrayList<>();
    for (int n = 0; n < 3000; n++) {
      float[] x = new float[D];
      double[] s = new double[K];
      for (int j = 0; j < K; j++) {
        s[j] = rnd.nextGaussian() * scales[j];
      }
      for (int i = 0; i < D; i++) {
        double v = 0.5 + 0.01 * rnd.nextGaussian();
        for (int j = 0; j < K; j++) {
          v += s[j] * basis[j][i];
        }
        x[i] = (float) v;
      }
      train.add(x);
      rows.add(RowFactory.create("r" + n, "", null, ImageSchema.TRAIN, x));
    }
    LatentSparkConfig cfg = TestData.config("data.height=1", "data.width=" + D, "model.encoderLayers=[]", "model.latentSize=" + K,
        "model.activation=identity", "model.latentActivation=identity", "model.outputActivation=identity", "train.epochs=60",
        "train.batchSizePerWorker=64", "train.learningRate=0.01");
    AutoencoderModel ae = new LocalTrainer(cfg).train(train, "test");
    var net = ae.network();
    float[][] decoder = net.getLayer(net.getnLayers() - 1).getParam("W").toFloatMatrix(); // K x D
    double[][] aeRows = new double[K][D];
    for (int j = 0; j < K; j++) {
      for (int i = 0; i < D; i++) {
        aeRows[j][i] = decoder[j][i];
      }
    }
    Dataset<Row> images = spark.createDataFrame(rows, ImageSchema.SCHEMA);
    PcaBaseline pca = PcaBaseline.fit(images, K);

    double distance = projectionDistance(aeRows, pca.componentRows());
    assertTrue(distance < 0.05, "sin of the largest principal angle between AE and PCA subspaces is " + distance);
    // the measure does discriminate: a subspace that swaps one principal direction for another direction is far
    double[][] wrong = pca.componentRows();
    for (int i = 0; i < D; i++) {
      wrong[2][i] = rnd.nextGaussian();
    }
    assertTrue(projectionDistance(wrong, pca.componentRows()) > 0.5);
  }

  /** Spectral-norm distance between the orthogonal projectors onto the row spaces (= sin of the largest principal angle). */
  static double projectionDistance(double[][] a, double[][] b) {
    double[][] p = projector(orthonormal(a));
    double[][] q = projector(orthonormal(b));
    int d = p.length;
    double[][] diff = new double[d][d];
    for (int i = 0; i < d; i++) {
      for (int j = 0; j < d; j++) {
        diff[i][j] = p[i][j] - q[i][j];
      }
    }
    // power iteration on the symmetric difference for its largest absolute eigenvalue
    double[] v = new double[d];
    java.util.Arrays.fill(v, 1.0 / Math.sqrt(d));
    double lambda = 0;
    for (int it = 0; it < 500; it++) {
      double[] w = new double[d];
      for (int i = 0; i < d; i++) {
        for (int j = 0; j < d; j++) {
          w[i] += diff[i][j] * v[j];
        }
      }
      double[] w2 = new double[d];
      for (int i = 0; i < d; i++) {
        for (int j = 0; j < d; j++) {
          w2[i] += diff[i][j] * w[j];
        }
      }
      double norm = 0;
      for (double x : w2) {
        norm += x * x;
      }
      norm = Math.sqrt(norm);
      if (norm == 0) {
        return 0;
      }
      for (int i = 0; i < d; i++) {
        v[i] = w2[i] / norm;
      }
      lambda = Math.sqrt(norm);
    }
    return lambda;
  }

  static double[][] orthonormal(double[][] rows) {
    double[][] q = new double[rows.length][];
    for (int j = 0; j < rows.length; j++) {
      double[] v = rows[j].clone();
      for (int t = 0; t < j; t++) {
        double dot = 0;
        for (int i = 0; i < v.length; i++) {
          dot += v[i] * q[t][i];
        }
        for (int i = 0; i < v.length; i++) {
          v[i] -= dot * q[t][i];
        }
      }
      double n = 0;
      for (double x : v) {
        n += x * x;
      }
      n = Math.sqrt(n);
      for (int i = 0; i < v.length; i++) {
        v[i] /= n;
      }
      q[j] = v;
    }
    return q;
  }

  static double[][] projector(double[][] q) {
    int d = q[0].length;
    double[][] p = new double[d][d];
    for (double[] v : q) {
      for (int i = 0; i < d; i++) {
        for (int j = 0; j < d; j++) {
          p[i][j] += v[i] * v[j];
        }
      }
    }
    return p;
  }
}
