package io.latentspark.export;

import de.javagl.tsne.Tsne;
import io.latentspark.config.ExportConfig;
import io.latentspark.data.ImageSchema;
import io.latentspark.encode.FeatureSchema;
import io.latentspark.util.Outputs;
import java.io.OutputStream;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;

/**
 * A 2-D t-SNE map of a stratified sample of a feature table, computed on the driver with the Barnes-Hut
 * t-SNE of {@code de.javagl:bh-tsne} (seeded, so the same sample gives the same map). Writes a directory:
 * <pre>
 *   points.csv    header id,label,split,x,y; one row per sampled image
 *   scatter.png   the map coloured by label
 * </pre>
 * committed atomically.
 */
public final class TsneMap {
  public static final String POINTS = "points.csv";
  public static final String SCATTER = "scatter.png";

  /** Below this many rows no map is drawn (with a warning). */
  static final int MIN_POINTS = 10;
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(TsneMap.class);

  private TsneMap() {}

  /** What was written and how long t-SNE itself took. */
  public record Result(String dir, int points, double tsneSeconds) {}

  /**
   * Maps {@code x} (one row per point) to 2-D. {@code x.length} must exceed 3 x perplexity + 1.
   * theta 0 is exact t-SNE; larger is faster and coarser.
   */
  public static double[][] embed(double[][] x, double perplexity, int iterations, double theta, long seed) {
    if (x.length <= 3 * perplexity + 1) {
      throw new IllegalArgumentException("t-SNE with perplexity " + perplexity + " needs more than " + (int) (3 * perplexity + 1)
          + " points but got " + x.length + " (lower export.tsne.perplexity or raise export.tsne.sampleSize)");
    }
    Tsne tsne = new Tsne();
    tsne.setOutputDims(2);
    tsne.setInitialDims(x[0].length);
    tsne.setPerplexity(perplexity);
    tsne.setMaxIterations(iterations);
    tsne.setTheta(theta);
    tsne.setRandomSeed(seed);
    tsne.setMessageConsumer(m -> LOG.debug("t-SNE: {}", m)); // the library prints to stdout otherwise
    double[][] y = tsne.run(x);
    for (double[] p : y) {
      if (!Double.isFinite(p[0]) || !Double.isFinite(p[1])) {
        throw new IllegalStateException("t-SNE produced a non-finite coordinate; the input may hold NaN or duplicate-only rows");
      }
    }
    return y;
  }

  /**
   * Samples {@code features} as {@code export.*} says, maps the sample and writes {@code dir}. A sample too small
   * for the perplexity gets a lower one (warned); one under {@link #MIN_POINTS} rows gets no map (returns null).
   */
  public static Result write(Dataset<Row> features, ExportConfig cfg, long seed, String dir, Configuration conf, boolean overwrite) {
    FeatureSchema.check(features.schema(), "The t-SNE input");
    Path target = new Path(dir);
    Outputs.checkWritable(target, conf, overwrite);
    Dataset<Row> chosen = features.where(functions.col(ImageSchema.SPLIT).isin(cfg.splits().toArray()));
    List<Row> rows = StratifiedSample.of(chosen, cfg.tsneSampleSize(), seed)
        .select(ImageSchema.ID, ImageSchema.LABEL, ImageSchema.SPLIT, FeatureSchema.Z)
        .orderBy(ImageSchema.LABEL, ImageSchema.ID)
        .collectAsList();
    double[][] x = new double[rows.size()][];
    List<String> labels = new ArrayList<>(rows.size());
    for (int i = 0; i < x.length; i++) {
      List<Float> z = rows.get(i).getList(3);
      x[i] = new double[z.size()];
      for (int k = 0; k < x[i].length; k++) {
        x[i][k] = z.get(k);
      }
      labels.add(rows.get(i).isNullAt(1) ? null : rows.get(i).getString(1));
    }
    double perplexity = cfg.tsnePerplexity();
    if (x.length <= 3 * perplexity + 1) {
      if (x.length < MIN_POINTS) {
        LOG.warn("No t-SNE map: the sample has {} rows, fewer than {}", x.length, MIN_POINTS);
        return null;
      }
      perplexity = Math.floor((x.length - 2) / 3.0);
      LOG.warn("The t-SNE sample has only {} rows: perplexity lowered from {} to {}", x.length, cfg.tsnePerplexity(), perplexity);
    }
    long start = System.nanoTime();
    double[][] y = embed(x, perplexity, cfg.tsneIterations(), cfg.tsneTheta(), seed);
    double seconds = (System.nanoTime() - start) / 1e9;
    byte[] png = Charts.scatterPng("t-SNE of " + rows.size() + " latent codes (perplexity " + perplexity + ")", labels, y,
        900, 800);
    Outputs.writeAtomically(target, conf, overwrite, staging -> {
      FileSystem fs = Outputs.fs(staging, conf);
      fs.mkdirs(staging);
      try (Writer w = ProjectorExport.open(fs, new Path(staging, POINTS))) {
        w.write("id,label,split,x,y\n");
        for (int i = 0; i < y.length; i++) {
          Row r = rows.get(i);
          w.write(ProjectorExport.csvField(r.getString(0)) + "," + (labels.get(i) == null ? "" : ProjectorExport.csvField(labels.get(i)))
              + "," + r.getString(2) + "," + y[i][0] + "," + y[i][1] + "\n");
        }
      }
      try (OutputStream out = fs.create(new Path(staging, SCATTER), true)) {
        out.write(png);
      }
    });
    return new Result(target.toString(), y.length, seconds);
  }
}
