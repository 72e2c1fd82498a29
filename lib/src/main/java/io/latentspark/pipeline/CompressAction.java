package io.latentspark.pipeline;

import io.latentspark.analysis.Compression;
import io.latentspark.config.LatentSparkConfig;
import io.latentspark.config.RunLayout;
import io.latentspark.export.Charts;
import io.latentspark.util.Json;
import io.latentspark.util.Outputs;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/**
 * Compresses the compress.split images with the autoencoder (quantised, arithmetic-coded latent codes) and with JPEG,
 * and writes {@code out/compression/} atomically: rate-distortion.csv and .png, codec.json (the quantiser's ranges and
 * the coder's tables: what a receiver needs besides the bytes) and codes/ (Parquet: every image's bytes per codec and
 * setting with the squared error of its reconstruction from them).
 */
public final class CompressAction extends Action<CompressAction, CompressAction.Result> {

  /** The rate-distortion points and where they were written. */
  public record Result(String dir, String split, List<Compression.Point> points) implements ActionResult {
    @Override
    public String summary() {
      StringBuilder b = new StringBuilder("compressed the " + split + " split: " + dir);
      for (Compression.Point p : points) {
        b.append(String.format("%n  %-20s %3d  %8.1f bits/image (scan %8.1f)  MSE %.5f  PSNR %.2f dB", p.codec(), p.setting(),
            p.bitsPerImage(), p.scanBitsPerImage(), p.mse(), p.psnr()));
      }
      return b.toString();
    }
  }

  public CompressAction(SparkSession spark, LatentSparkConfig cfg, RunLayout out) {
    super(spark, cfg, out);
  }

  @Override
  protected List<String> outputs() {
    return List.of(out.compression());
  }

  @Override
  protected Result run() {
    Path target = new Path(out.compression());
    try (Compression.Result r = Compression.run(spark, model(), images(), cfg.compress(), cfg.data().shape(), cfg.encode().batchSize())) {
      Outputs.writeAtomically(target, hadoop(), overwrite(), staging -> {
        r.table().write().mode(SaveMode.ErrorIfExists).parquet(new Path(staging, "codes").toString());
        Outputs.writeString(new Path(staging, "rate-distortion.csv"), csv(r.points()), hadoop());
        Outputs.writeBytes(new Path(staging, "rate-distortion.png"), plot(r.points()), hadoop());
        Outputs.writeString(new Path(staging, "codec.json"), codecJson(r.codec()), hadoop());
      });
      return new Result(target.toString(), cfg.compress().split(), r.points());
    }
  }

  static String csv(List<Compression.Point> points) {
    StringBuilder b = new StringBuilder("codec,setting,images,bits_per_image,scan_bits_per_image,mse,psnr_db\n");
    for (Compression.Point p : points) {
      b.append(String.format(java.util.Locale.ROOT, "%s,%d,%d,%.2f,%.2f,%.6f,%.3f%n", p.codec(), p.setting(), p.images(), p.bitsPerImage(),
          p.scanBitsPerImage(), p.mse(), p.psnr()));
    }
    return b.toString();
  }

  /** PSNR against bits per image: the autoencoder's bit depths, JPEG's whole files and JPEG's scans alone. */
  static byte[] plot(List<Compression.Point> points) {
    Map<String, double[][]> curves = new LinkedHashMap<>();
    curves.put("autoencoder (quantised, arithmetic-coded)", curve(points, Compression.AUTOENCODER, false));
    curves.put("JPEG file", curve(points, Compression.JPEG, false));
    curves.put("JPEG scan only (no headers/tables)", curve(points, Compression.JPEG, true));
    return Charts.curvesPng("Rate-distortion", "bits per image", "PSNR (dB)", curves, 800, 500);
  }

  private static double[][] curve(List<Compression.Point> points, String codec, boolean scan) {
    List<Compression.Point> ps = points.stream().filter(p -> p.codec().equals(codec)).toList();
    double[][] xy = new double[2][ps.size()];
    for (int i = 0; i < ps.size(); i++) {
      xy[0][i] = scan ? ps.get(i).scanBitsPerImage() : ps.get(i).bitsPerImage();
      xy[1][i] = ps.get(i).psnr();
    }
    return xy;
  }

  static String codecJson(Compression.Codec c) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("latentSize", c.latentSize());
    m.put("quantiser", "level = round((z - lo) / (hi - lo) * (2^bits - 1)), clamped to [0, 2^bits - 1]; z = lo + (hi - lo) * level / (2^bits - 1)");
    m.put("coder", "Witten-Neal-Cleary arithmetic coding, 32-bit bounds, one table per dimension (cumulative counts), "
        + "each image's code byte-aligned with trailing zero bytes dropped");
    m.put("lo", c.lo());
    m.put("hi", c.hi());
    Map<String, int[][]> tables = new LinkedHashMap<>();
    for (int b = 0; b < c.bits().length; b++) {
      tables.put(String.valueOf(c.bits()[b]), c.tables(b));
    }
    m.put("tables", tables);
    return Json.write(m);
  }
}
