package io.latentspark.analysis;

import java.util.List;

/**
 * Area under the ROC curve from score counts: the probability that a random positive scores higher than a
 * random negative, ties counting one half (the Mann-Whitney U statistic / (P x N)). Exact, with ties.
 */
public final class Auroc {
  private Auroc() {}

  /** One distinct score with how many positives and negatives have it. */
  public record Bucket(double score, long positives, long negatives) {}

  /** AUROC of {@code buckets} sorted by ascending score (distinct scores). NaN if there are no positives or no negatives. */
  public static double of(List<Bucket> buckets) {
    long negBelow = 0;
    long pos = 0;
    long neg = 0;
    double u = 0;
    double last = Double.NEGATIVE_INFINITY;
    for (Bucket b : buckets) {
      if (b.score() < last) {
        throw new IllegalArgumentException("Buckets must be sorted by ascending score");
      }
      last = b.score();
      u += b.positives() * (negBelow + 0.5 * b.negatives());
      negBelow += b.negatives();
      pos += b.positives();
      neg += b.negatives();
    }
    return pos == 0 || neg == 0 ? Double.NaN : u / ((double) pos * neg);
  }

  /** AUROC of scores with their positive flags (sorts a copy). */
  public static double of(double[] scores, boolean[] positive) {
    Integer[] order = new Integer[scores.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    java.util.Arrays.sort(order, (a, b) -> Double.compare(scores[a], scores[b]));
    java.util.List<Bucket> buckets = new java.util.ArrayList<>();
    int i = 0;
    while (i < order.length) {
      double s = scores[order[i]];
      long p = 0;
      long n = 0;
      while (i < order.length && scores[order[i]] == s) {
        if (positive[order[i]]) {
          p++;
        } else {
          n++;
        }
        i++;
      }
      buckets.add(new Bucket(s, p, n));
    }
    return of(buckets);
  }
}
