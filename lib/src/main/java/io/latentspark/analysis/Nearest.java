package io.latentspark.analysis;

/** Exact k-nearest-neighbour search by squared Euclidean distance over an in-memory array of codes. */
final class Nearest {
  private Nearest() {}

  /**
   * Fills {@code idx}/{@code dist} (length k) with the nearest rows of {@code codes} to {@code q}, nearest
   * first (ties by lower row index); returns how many were found (min(k, rows)). Distances are squared.
   */
  static int topK(float[] q, float[][] codes, int[] idx, double[] dist) {
    return topK(q, codes, idx, dist, j -> false);
  }

  /** {@link #topK(float[], float[][], int[], double[])} over the rows {@code j} for which {@code skip} is false. */
  static int topK(float[] q, float[][] codes, int[] idx, double[] dist, java.util.function.IntPredicate skip) {
    int k = idx.length;
    int found = 0;
    for (int j = 0; j < codes.length; j++) {
      if (skip.test(j)) {
        continue;
      }
      float[] c = codes[j];
      if (c.length != q.length) {
        throw new IllegalArgumentException("A code has " + c.length + " values but the query has " + q.length);
      }
      double d = 0;
      for (int t = 0; t < q.length; t++) {
        double e = q[t] - c[t];
        d += e * e;
      }
      if (found < k || d < dist[found - 1]) {
        int pos = found < k ? found++ : found - 1;
        while (pos > 0 && dist[pos - 1] > d) {
          dist[pos] = dist[pos - 1];
          idx[pos] = idx[pos - 1];
          pos--;
        }
        dist[pos] = d;
        idx[pos] = j;
      }
    }
    return found;
  }
}
