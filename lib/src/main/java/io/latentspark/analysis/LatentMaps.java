package io.latentspark.analysis;

import io.latentspark.config.LatentMapConfig;
import io.latentspark.data.ImageSchema;
import io.latentspark.data.Pixels;
import io.latentspark.encode.BatchEncoder;
import io.latentspark.encode.NetworkSnapshot;
import io.latentspark.model.AutoencoderModel;
import io.latentspark.spec.ImageShape;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;

/**
 * Pictures of the latent space. For a 2-D code: the test codes' scatter by label, beside the same images' first two
 * principal components (PCA of the training pixels, the classical 2-D map), and the decoder's manifold: a grid of
 * codes decoded, at the prior's quantiles for a VAE and across the drawn codes' 1st-99th percentile box otherwise.
 * For any code size: interpolation strips, pairs of test images whose codes (a VAE's means) are joined by a straight
 * line and decoded at evenly spaced points.
 */
public final class LatentMaps {
  private LatentMaps() {}

  /**
   * What was computed for the drawn images: their labels, codes and (2-D codes only, else null) first two principal
   * components, the decoded manifold and its axes, the interpolation strips as one image, the pairs' ids, and the
   * points (id, label, code, PCA) as CSV.
   */
  public record Result(int latentSize, List<String> labels, double[][] codes, double[][] principal, BufferedImage manifold,
      double[][] manifoldAxes, BufferedImage interpolation, List<String[]> pairs, String pointsCsv, boolean variational) {
    public int points() {
      return labels.size();
    }
  }

  /** The test rows of {@code images}, or a clear error when there are none. */
  public static Dataset<Row> testImages(Dataset<Row> images) {
    ImageSchema.check(images.schema());
    Dataset<Row> pool = images.where(functions.col(ImageSchema.SPLIT).equalTo(ImageSchema.TEST));
    if (pool.isEmpty()) {
      throw new IllegalArgumentException("latent-map draws test images, but the dataset has no rows in the test split");
    }
    return pool;
  }

  /** The pictures of {@code sample} (drawn test images; collected to the driver) under {@code model}; PCA is fitted on {@code images}' train split. */
  public static Result run(AutoencoderModel model, Dataset<Row> images, Dataset<Row> sample, LatentMapConfig cfg, ImageShape shape, long seed) {
    List<Row> rows = sample.orderBy(ImageSchema.ID).collectAsList();
    List<float[]> px = new ArrayList<>();
    List<String> labels = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    for (Row r : rows) {
      px.add(ImageSchema.pixels(r, r.fieldIndex(ImageSchema.PIXELS)));
      int li = r.fieldIndex(ImageSchema.LABEL);
      labels.add(r.isNullAt(li) ? null : r.getString(li));
      ids.add(r.getString(r.fieldIndex(ImageSchema.ID)));
    }
    BatchEncoder enc = BatchEncoder.of(NetworkSnapshot.of(model));
    float[][] z = new float[px.size()][];
    for (int i = 0; i < px.size(); i += 512) {
      float[][] part = enc.encode(px.subList(i, Math.min(px.size(), i + 512))).z();
      System.arraycopy(part, 0, z, i, part.length);
    }
    int d = z[0].length;
    boolean vae = model.config().model().spec().variational();

    BufferedImage manifold = null;
    double[][] axes = null;
    double[][] xy = new double[px.size()][];
    for (int i = 0; i < px.size(); i++) {
      xy[i] = new double[d];
      for (int k = 0; k < d; k++) {
        xy[i][k] = z[i][k];
      }
    }
    StringBuilder csv = new StringBuilder("id,label");
    for (int k = 0; k < d; k++) {
      csv.append(",z").append(k);
    }
    double[][] pc = null;
    if (d == 2) {
      csv.append(",pc0,pc1");
      PcaBaseline pca = PcaBaseline.fit(images, 2);
      pc = new double[px.size()][];
      for (int i = 0; i < px.size(); i++) {
        float[] p = pca.encode(px.get(i));
        pc[i] = new double[] {p[0], p[1]};
      }
      axes = vae ? priorAxes(cfg.grid()) : percentileAxes(z, cfg.grid());
      manifold = manifold(enc, axes, shape);
    }
    csv.append('\n');
    for (int i = 0; i < px.size(); i++) {
      csv.append(ids.get(i)).append(',').append(labels.get(i) == null ? "" : labels.get(i));
      for (float v : z[i]) {
        csv.append(',').append(v);
      }
      if (pc != null) {
        csv.append(',').append((float) pc[i][0]).append(',').append((float) pc[i][1]);
      }
      csv.append('\n');
    }
    List<int[]> pairs = pairs(labels, cfg.pairs(), seed);
    List<String[]> pairIds = new ArrayList<>();
    List<float[]> strips = new ArrayList<>();
    for (int[] p : pairs) {
      pairIds.add(new String[] {ids.get(p[0]), ids.get(p[1])});
      float[][] line = new float[cfg.steps()][d];
      for (int s = 0; s < cfg.steps(); s++) {
        double t = s / (double) (cfg.steps() - 1);
        for (int k = 0; k < d; k++) {
          line[s][k] = (float) ((1 - t) * z[p[0]][k] + t * z[p[1]][k]);
        }
      }
      strips.add(px.get(p[0]));
      strips.addAll(Arrays.asList(enc.decode(line)));
      strips.add(px.get(p[1]));
    }
    BufferedImage interpolation = strips.isEmpty() ? null : tiles(strips, cfg.steps() + 2, shape, 2, 6);
    return new Result(d, labels, xy, pc, manifold, axes, interpolation, pairIds, csv.toString(), vae);
  }

  /** Grid coordinates of a N(0, I) prior: its quantiles from 2.5% to 97.5% on each axis (the second axis top down). */
  static double[][] priorAxes(int n) {
    NormalDistribution normal = new NormalDistribution(null, 0, 1);
    double[][] axes = new double[2][n];
    for (int i = 0; i < n; i++) {
      double q = 0.025 + 0.95 * i / (n - 1);
      axes[0][i] = normal.inverseCumulativeProbability(q);
      axes[1][n - 1 - i] = axes[0][i];
    }
    return axes;
  }

  /** Grid coordinates across the 1st to 99th percentile of the codes on each axis (the second axis top down). */
  static double[][] percentileAxes(float[][] z, int n) {
    double[][] axes = new double[2][n];
    for (int k = 0; k < 2; k++) {
      double[] v = new double[z.length];
      for (int i = 0; i < z.length; i++) {
        v[i] = z[i][k];
      }
      Arrays.sort(v);
      double lo = v[(int) Math.floor(0.01 * (v.length - 1))];
      double hi = v[(int) Math.ceil(0.99 * (v.length - 1))];
      for (int i = 0; i < n; i++) {
        double x = lo + (hi - lo) * i / (n - 1);
        axes[k][k == 0 ? i : n - 1 - i] = x;
      }
    }
    return axes;
  }

  /** The decoder's output for every grid code (axes[0][column], axes[1][row]), as one image. */
  static BufferedImage manifold(BatchEncoder enc, double[][] axes, ImageShape shape) {
    int n = axes[0].length;
    float[][] codes = new float[n * n][];
    for (int row = 0; row < n; row++) {
      for (int col = 0; col < n; col++) {
        codes[row * n + col] = new float[] {(float) axes[0][col], (float) axes[1][row]};
      }
    }
    return tiles(Arrays.asList(enc.decode(codes)), n, shape, 1, 0);
  }

  /**
   * Up to {@code count} pairs of distinct images with different labels (any two images when all share one label),
   * drawn with {@code seed}.
   */
  static List<int[]> pairs(List<String> labels, int count, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    List<int[]> out = new ArrayList<>();
    int n = labels.size();
    boolean oneLabel = labels.stream().distinct().count() <= 1;
    for (int tries = 0; out.size() < count && n >= 2 && tries < 100 * count; tries++) {
      int a = rnd.nextInt(n);
      int b = rnd.nextInt(n);
      if (a != b && (oneLabel || !java.util.Objects.equals(labels.get(a), labels.get(b)))) {
        out.add(new int[] {a, b});
      }
    }
    return out;
  }

  /** Images side by side, {@code columns} a row, each drawn at {@code scale} with {@code gap} pixels between rows. */
  static BufferedImage tiles(List<float[]> images, int columns, ImageShape shape, int scale, int gap) {
    int w = shape.width() * scale;
    int h = shape.height() * scale;
    int rows = (images.size() + columns - 1) / columns;
    BufferedImage out = new BufferedImage(columns * w, rows * (h + gap), BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, out.getWidth(), out.getHeight());
    for (int i = 0; i < images.size(); i++) {
      g.drawImage(new Pixels(shape.channels(), shape.height(), shape.width(), images.get(i)).toImage(scale), (i % columns) * w,
          (i / columns) * (h + gap), null);
    }
    g.dispose();
    return out;
  }
}
