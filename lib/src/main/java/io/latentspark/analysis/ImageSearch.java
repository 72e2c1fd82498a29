package io.latentspark.analysis;

import io.latentspark.data.DecodeOptions;
import io.latentspark.config.DataConfig;
import io.latentspark.data.ImageSchema;
import io.latentspark.data.ImageSources;
import io.latentspark.encode.BatchEncoder;
import io.latentspark.encode.FeatureSchema;
import io.latentspark.encode.NetworkSnapshot;
import io.latentspark.model.AutoencoderModel;
import io.latentspark.util.HadoopConf;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Image search in latent space: query images are decoded like the dataset and encoded with the model on the
 * driver; every executor scans its partitions of the feature table and keeps the k nearest rows per query;
 * the driver merges those (partitions x queries x k rows). Exact; the cost is one pass over the feature
 * table (rows x queries x latent size multiply-adds), so it scales linearly with the table and is meant for
 * batches of queries, not for interactive per-query latency on billions of rows (use an ANN index for that).
 */
public final class ImageSearch {
  private ImageSearch() {}

  /** One result: the query (its path), rank (1 = nearest), the row found and its Euclidean distance in latent space. */
  public record Hit(String query, int rank, String id, String path, String label, double distance) implements Serializable {}

  /** Codes of the query images (decoded as {@code data} says, encoded with the model's layer {@code layer}). */
  public static float[][] encodeQueries(AutoencoderModel model, List<String> paths, DataConfig data, int layer, HadoopConf conf) {
    List<float[]> px = new ArrayList<>();
    for (String p : paths) {
      px.add(ImageSources.decodeFile(new Path(p), p, conf, DecodeOptions.of(data)).data());
    }
    return BatchEncoder.of(NetworkSnapshot.of(model), layer, false).encode(px).z();
  }

  /** The k nearest rows of {@code features} to each query code, nearest first. */
  public static List<Hit> nearest(Dataset<Row> features, List<String> queryNames, float[][] queries, int k) {
    FeatureSchema.check(features.schema(), "The search table");
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(features.sparkSession().sparkContext());
    Broadcast<float[][]> q = jsc.broadcast(queries);
    // task results are plain arrays: Kryo (used on clusters) cannot serialise records
    List<Object[]> partial = features.select(ImageSchema.ID, ImageSchema.PATH, ImageSchema.LABEL, FeatureSchema.Z).javaRDD()
        .mapPartitions(rows -> {
          float[][] qs = q.value();
          List<List<Hit>> best = new ArrayList<>();
          for (int i = 0; i < qs.length; i++) {
            best.add(new ArrayList<>());
          }
          double[] worst = new double[qs.length];
          while (rows.hasNext()) {
            Row r = rows.next();
            float[] z = ImageSchema.pixels(r, 3);
            for (int i = 0; i < qs.length; i++) {
              if (z.length != qs[i].length) {
                throw new IllegalArgumentException("Row " + r.getString(0) + " has a " + z.length + "-d code but the query has "
                    + qs[i].length + " values: the feature table was made with another model or encode.layer");
              }
              double d = 0;
              for (int t = 0; t < z.length; t++) {
                double e = z[t] - qs[i][t];
                d += e * e;
              }
              List<Hit> b = best.get(i);
              if (b.size() < k || d < worst[i]) {
                b.add(new Hit(queryNames.get(i), 0, r.getString(0), r.getString(1), r.isNullAt(2) ? null : r.getString(2), d));
                if (b.size() > k) {
                  b.sort(ORDER);
                  b.remove(b.size() - 1);
                }
                worst[i] = b.size() < k ? Double.POSITIVE_INFINITY : b.stream().mapToDouble(Hit::distance).max().orElse(0);
              }
            }
          }
          List<Object[]> out = new ArrayList<>();
          for (List<Hit> b : best) {
            for (Hit h : b) {
              out.add(new Object[] {h.query(), h.id(), h.path(), h.label(), h.distance()});
            }
          }
          return out.iterator();
        }).collect();
    q.destroy();
    List<Hit> out = new ArrayList<>();
    for (String name : queryNames) {
      List<Hit> mine = partial.stream().filter(h -> h[0].equals(name))
          .map(h -> new Hit((String) h[0], 0, (String) h[1], (String) h[2], (String) h[3], (Double) h[4])).sorted(ORDER).limit(k).toList();
      for (int r = 0; r < mine.size(); r++) {
        Hit h = mine.get(r);
        out.add(new Hit(h.query(), r + 1, h.id(), h.path(), h.label(), Math.sqrt(h.distance())));
      }
    }
    return out;
  }

  /** Distance, then id, so that results do not depend on partitioning. */
  private static final Comparator<Hit> ORDER = Comparator.comparingDouble(Hit::distance).thenComparing(Hit::id);
}
