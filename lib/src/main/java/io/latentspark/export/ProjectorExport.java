package io.latentspark.export;

import io.latentspark.config.ExportConfig;
import io.latentspark.data.ImageSchema;
import io.latentspark.encode.FeatureSchema;
import io.latentspark.util.Outputs;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;

/**
 * Writes a stratified sample of a feature table for t-SNE and the TensorFlow Embedding Projector:
 * <pre>
 *   vectors.tsv             one latent vector per line, tab-separated, no header
 *   metadata.tsv            header "id label split reconstruction_error" (tab-separated), one line per vector
 *   projector_config.pbtxt  points the projector at the two files
 *   embedding.csv           header id,label,split,reconstruction_error,z0..z{d-1}; the same rows as CSV
 *   sprite.png              thumbnails of the sampled images in the same order (when the images are given)
 * </pre>
 * Rows are in the same order in all files. The directory is committed atomically.
 */
public final class ProjectorExport {
  public static final String VECTORS = "vectors.tsv";
  public static final String METADATA = "metadata.tsv";
  public static final String CONFIG = "projector_config.pbtxt";
  public static final String CSV = "embedding.csv";
  public static final String SPRITE = "sprite.png";
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ProjectorExport.class);

  private ProjectorExport() {}

  /** Summary of what was written; {@code sprite} tells whether sprite.png was. */
  public record Result(String dir, int rows, int dimensions, boolean sprite) {}

  /** The images behind a feature table (image schema, same ids) and their shape, for the sprite. */
  public record Images(Dataset<Row> table, int channels, int height, int width) {}

  public static Result write(Dataset<Row> features, ExportConfig cfg, long seed, String dir, Configuration conf, boolean overwrite) {
    return write(features, null, cfg, seed, dir, conf, overwrite);
  }

  /** As above; with {@code images} (may be null) and export.sprite on, sprite.png too. */
  public static Result write(Dataset<Row> features, Images images, ExportConfig cfg, long seed, String dir, Configuration conf,
      boolean overwrite) {
    FeatureSchema.check(features.schema(), "The export input");
    Path target = new Path(dir);
    Outputs.checkWritable(target, conf, overwrite); // before the sample is computed
    Dataset<Row> chosen = features.where(functions.col(ImageSchema.SPLIT).isin(cfg.splits().toArray()));
    List<Row> rows = StratifiedSample.of(chosen, cfg.sampleSize(), seed)
        .select(ImageSchema.ID, ImageSchema.LABEL, ImageSchema.SPLIT, FeatureSchema.RECONSTRUCTION_ERROR, FeatureSchema.Z)
        .orderBy(ImageSchema.LABEL, ImageSchema.ID)
        .collectAsList();
    if (rows.isEmpty()) {
      throw new IllegalArgumentException("Nothing to export: the feature table has no rows in the splits " + cfg.splits());
    }
    int dims = rows.get(0).getList(4).size();
    SpriteSheet.Sprite sprite = cfg.sprite() && images != null ? sprite(rows, images) : null;
    Outputs.writeAtomically(target, conf, overwrite, staging -> {
      FileSystem fs = Outputs.fs(staging, conf);
      fs.mkdirs(staging);
      try (Writer vectors = open(fs, new Path(staging, VECTORS));
          Writer meta = open(fs, new Path(staging, METADATA));
          Writer csv = open(fs, new Path(staging, CSV))) {
        writeRows(rows, dims, vectors, meta, csv);
      }
      String spriteBlock = "";
      if (sprite != null) {
        try (java.io.OutputStream out = fs.create(new Path(staging, SPRITE), true)) {
          out.write(sprite.png());
        }
        spriteBlock = "  sprite {\n    image_path: \"" + SPRITE + "\"\n    single_image_dim: " + sprite.thumbWidth()
            + "\n    single_image_dim: " + sprite.thumbHeight() + "\n  }\n";
      }
      Outputs.writeString(new Path(staging, CONFIG), "embeddings {\n  tensor_name: \"latentspark\"\n  tensor_shape: " + rows.size()
          + "\n  tensor_shape: " + dims + "\n  tensor_path: \"" + VECTORS + "\"\n  metadata_path: \"" + METADATA + "\"\n"
          + spriteBlock + "}\n", conf);
    });
    return new Result(target.toString(), rows.size(), dims, sprite != null);
  }

  /** The sprite of the sampled rows, or null (with a warning) when some sampled ids are not among the images. */
  private static SpriteSheet.Sprite sprite(List<Row> rows, Images images) {
    List<String> ids = rows.stream().map(r -> r.getString(0)).toList();
    java.util.Map<String, float[]> pixels = new java.util.HashMap<>();
    Dataset<Row> wanted = images.table().sparkSession().createDataset(ids, org.apache.spark.sql.Encoders.STRING()).toDF(ImageSchema.ID);
    for (Row r : images.table().join(functions.broadcast(wanted), ImageSchema.ID).select(ImageSchema.ID, ImageSchema.PIXELS).collectAsList()) {
      pixels.put(r.getString(0), ImageSchema.pixels(r, 1));
    }
    List<float[]> ordered = new java.util.ArrayList<>(ids.size());
    for (String id : ids) {
      float[] p = pixels.get(id);
      if (p == null) {
        LOG.warn("No sprite: the sampled id {} (and {} more) is not in the configured dataset; pass the --config the features were "
            + "encoded with", id, ids.size() - pixels.size() - 1);
        return null;
      }
      ordered.add(p);
    }
    return SpriteSheet.of(ordered, images.channels(), images.height(), images.width());
  }

  private static void writeRows(List<Row> rows, int dims, Writer vectors, Writer meta, Writer csv) throws IOException {
    meta.write("id\tlabel\tsplit\treconstruction_error\n");
    csv.write("id,label,split,reconstruction_error");
    for (int k = 0; k < dims; k++) {
      csv.write(",z" + k);
    }
    csv.write('\n');
    for (Row r : rows) {
      String id = r.getString(0);
      String label = r.isNullAt(1) ? "" : r.getString(1);
      String split = r.getString(2);
      double err = r.getDouble(3);
      List<Float> z = r.getList(4);
      StringBuilder v = new StringBuilder();
      StringBuilder c = new StringBuilder();
      c.append(csvField(id)).append(',').append(csvField(label)).append(',').append(split).append(',').append(err);
      for (int k = 0; k < z.size(); k++) {
        if (k > 0) {
          v.append('\t');
        }
        v.append(z.get(k));
        c.append(',').append(z.get(k));
      }
      vectors.write(v.append('\n').toString());
      meta.write(tsvField(id) + "\t" + tsvField(label) + "\t" + split + "\t" + err + "\n");
      csv.write(c.append('\n').toString());
    }
  }

  static Writer open(FileSystem fs, Path p) throws IOException {
    return new BufferedWriter(new OutputStreamWriter(fs.create(p, true), StandardCharsets.UTF_8), 1 << 16);
  }

  /** Tabs and newlines would break the TSV row: they become spaces. */
  static String tsvField(String s) {
    return s.replace('\t', ' ').replace('\n', ' ').replace('\r', ' ');
  }

  /** RFC 4180 quoting where needed. */
  public static String csvField(String s) {
    if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) {
      return s;
    }
    return '"' + s.replace("\"", "\"\"") + '"';
  }
}
