package io.latentspark.encode;

import io.latentspark.config.EncodeConfig;
import io.latentspark.model.AutoencoderModel;
import io.latentspark.onnx.OnnxExport;
import io.latentspark.onnx.OnnxSession;
import io.latentspark.spec.ImageShape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

/**
 * Features from ONNX Runtime (CPU) inside the executors: one session per executor JVM and model, batched, with as
 * many intra-op threads as the task has cores (or {@code encode.onnx.threads}). Two sources: a LatentSpark model
 * exported in memory ({@link #exported}: its autoencoder graph with the normalisation and the reconstruction errors
 * inside it, {@link OnnxExport#scorer}), or an ONNX encoder
 * trained elsewhere with an optional decoder ({@link #foreign}: the images' normalisation applied here, input
 * flat {@code [N, C*H*W]}, {@code [N, C, H, W]} or for one channel {@code [N, H, W]} as the model declares;
 * without a decoder the reconstruction errors are NaN).
 */
public final class OnnxFeatures implements FeatureEncoder {
  private static final long serialVersionUID = 1L;

  private final Broadcast<byte[]> encoder;
  private final Broadcast<byte[]> decoder;
  private final String encoderDigest;
  private final String decoderDigest;
  private final String codeOutput;
  private final String logVarOutput;
  private final String reconstructionOutput;
  private final ImageShape shape;
  private final int inputRank;
  private final float[] mean;
  private final float[] std;
  private final int threads;
  private final boolean errorMap;
  /** true when the graph computes the reconstruction errors itself ({@link OnnxExport#scorer}). */
  private final boolean errorsInGraph;

  private OnnxFeatures(Broadcast<byte[]> encoder, Broadcast<byte[]> decoder, String codeOutput, String logVarOutput,
      String reconstructionOutput, ImageShape shape, int inputRank, float[] mean, float[] std, int threads, boolean errorMap,
      boolean errorsInGraph) {
    this.encoder = encoder;
    this.decoder = decoder;
    this.encoderDigest = OnnxSession.digest(encoder.value());
    this.decoderDigest = decoder == null ? null : OnnxSession.digest(decoder.value());
    this.codeOutput = codeOutput;
    this.logVarOutput = logVarOutput;
    this.reconstructionOutput = reconstructionOutput;
    this.shape = shape;
    this.inputRank = inputRank;
    this.mean = mean;
    this.std = std;
    this.threads = threads;
    this.errorMap = errorMap;
    this.errorsInGraph = errorsInGraph;
  }

  /** {@code model} exported to ONNX in memory; the same columns as the DL4J engine (latent layer only). */
  public static OnnxFeatures exported(JavaSparkContext jsc, AutoencoderModel model, EncodeConfig cfg) {
    if (cfg.layer() != EncodeConfig.LATENT) {
      throw new IllegalArgumentException("Cannot set encode.layer to " + cfg.layer() + " with encode.engine = onnx: the ONNX graphs "
          + "output the code layer only (use encode.layer = -1, or encode.engine = dl4j)");
    }
    boolean vae = model.config().model().spec().variational();
    byte[] graph = OnnxExport.scorer(model, (float) ReconstructionErrors.EPS);
    return new OnnxFeatures(jsc.broadcast(graph), null, OnnxExport.Z, vae ? OnnxExport.Z_LOG_VAR : null, OnnxExport.RECONSTRUCTION,
        model.config().plan().shape(), 2, null, null, cfg.onnxThreads(), cfg.errorMap(), true);
  }

  /**
   * An ONNX encoder from elsewhere ({@code decoder} may be null) for images of {@code shape}; both are opened and run on
   * one blank image here, on the driver, so that a model that does not fit the images fails before any task, with
   * a message naming the file.
   */
  public static OnnxFeatures foreign(JavaSparkContext jsc, String encoderName, byte[] encoder, String decoderName, byte[] decoder,
      ImageShape shape, EncodeConfig cfg) {
    OnnxSession enc = OnnxSession.of(encoder, 1);
    int rank = inputRank(enc, encoderName, shape);
    String code = cfg.onnxOutput().isEmpty() ? enc.outputNames().get(0) : cfg.onnxOutput();
    if (!enc.outputNames().contains(code)) {
      throw new IllegalArgumentException("The ONNX encoder " + encoderName + " has no output " + code + " (encode.onnx.output); its outputs are "
          + enc.outputNames());
    }
    String recon = null;
    if (decoder != null) {
      OnnxSession dec = OnnxSession.of(decoder, 1);
      recon = dec.outputNames().get(0);
      int codeSize = enc.run(new float[shape.inputSize()], inputShape(shape, rank, 1), List.of(code)).get(code).length;
      long[] in = dec.inputShape();
      if (in.length != 2 || (in[1] > 0 && in[1] != codeSize)) {
        throw new IllegalArgumentException("The ONNX decoder " + decoderName + " takes " + dec.inputName() + " of shape " + Arrays.toString(in)
            + " but the encoder " + encoderName + " gives codes of " + codeSize + " values: it must take [batch, " + codeSize + "]");
      }
      int out = dec.run(new float[codeSize], new long[] {1, codeSize}, List.of(recon)).get(recon).length;
      if (out != shape.inputSize()) {
        throw new IllegalArgumentException("The ONNX decoder " + decoderName + " gives " + out + " values per image but the images ("
            + describe(shape) + ") have " + shape.inputSize());
      }
    }
    return new OnnxFeatures(jsc.broadcast(encoder), decoder == null ? null : jsc.broadcast(decoder), code, null, recon, shape, rank,
        perChannel(cfg.onnxMean(), shape, "mean"), perChannel(cfg.onnxStd(), shape, "std"), cfg.onnxThreads(), cfg.errorMap(), false);
  }

  private static int inputRank(OnnxSession s, String name, ImageShape shape) {
    long[] d = s.inputShape();
    boolean fits = switch (d.length) {
      case 2 -> free(d[1], shape.inputSize());
      case 3 -> shape.channels() == 1 && free(d[1], shape.height()) && free(d[2], shape.width());
      case 4 -> free(d[1], shape.channels()) && free(d[2], shape.height()) && free(d[3], shape.width());
      default -> false;
    };
    if (!fits) {
      throw new IllegalArgumentException("The ONNX encoder " + name + " takes " + s.inputName() + " of shape " + Arrays.toString(d)
          + " but the images are " + describe(shape) + " (data.channels, data.height, data.width): it must take [batch, "
          + shape.inputSize() + "] or [batch, " + shape.channels() + ", " + shape.height() + ", " + shape.width() + "]");
    }
    return d.length;
  }

  private static boolean free(long declared, int actual) {
    return declared <= 0 || declared == actual;
  }

  private static String describe(ImageShape s) {
    return s.channels() + " x " + s.height() + " x " + s.width();
  }

  private static float[] perChannel(List<Double> values, ImageShape shape, String key) {
    if (values.size() != 1 && values.size() != shape.channels()) {
      throw new IllegalArgumentException("encode.onnx." + key + " has " + values.size() + " values but the images have " + shape.channels()
          + " channel(s): give one value, or one per channel");
    }
    float[] out = new float[shape.channels()];
    for (int c = 0; c < out.length; c++) {
      out[c] = values.get(values.size() == 1 ? 0 : c).floatValue();
    }
    return out;
  }

  private static long[] inputShape(ImageShape s, int rank, int n) {
    return switch (rank) {
      case 2 -> new long[] {n, s.inputSize()};
      case 3 -> new long[] {n, s.height(), s.width()};
      default -> new long[] {n, s.channels(), s.height(), s.width()};
    };
  }

  @Override
  public Batch open() {
    TaskContext task = TaskContext.get();
    int t = threads > 0 ? threads : task == null ? 1 : Math.max(1, task.cpus());
    OnnxSession enc = OnnxSession.of(encoderDigest, encoder::value, t);
    OnnxSession dec = decoder == null ? null : OnnxSession.of(decoderDigest, decoder::value, t);
    List<String> outputs = new ArrayList<>(List.of(codeOutput));
    if (logVarOutput != null) {
      outputs.add(logVarOutput);
    }
    if (errorsInGraph) {
      outputs.addAll(errorMap ? List.of(OnnxExport.MSE, OnnxExport.BCE, OnnxExport.SQUARED_ERROR) : List.of(OnnxExport.MSE, OnnxExport.BCE));
    } else if (dec == null && reconstructionOutput != null) {
      outputs.add(reconstructionOutput);
    }
    return pixels -> encode(enc, dec, outputs, pixels);
  }

  private BatchEncoder.Result encode(OnnxSession enc, OnnxSession dec, List<String> outputs, List<float[]> pixels) {
    int n = pixels.size();
    float[] flat = BatchEncoder.flatten(pixels, shape.inputSize());
    normalise(flat, false);
    Map<String, float[]> out = enc.run(flat, inputShape(shape, inputRank, n), outputs);
    float[][] z = split(out.get(codeOutput), n);
    float[][] logVar = logVarOutput == null ? null : split(out.get(logVarOutput), n);
    if (errorsInGraph) {
      float[][] map = errorMap ? split(out.get(OnnxExport.SQUARED_ERROR), n) : null;
      return new BatchEncoder.Result(z, widen(out.get(OnnxExport.MSE)), widen(out.get(OnnxExport.BCE)), map, null, logVar);
    }
    float[] recon = dec != null ? dec.run(out.get(codeOutput), new long[] {n, z[0].length}, List.of(reconstructionOutput)).get(reconstructionOutput)
        : reconstructionOutput == null ? null : out.get(reconstructionOutput);
    if (recon == null) {
      ReconstructionErrors.Errors none = ReconstructionErrors.none(pixels, errorMap);
      return new BatchEncoder.Result(z, none.mse(), none.bce(), none.map(), null, logVar);
    }
    normalise(recon, true);
    float[][] r = split(recon, n);
    ReconstructionErrors.Errors e = ReconstructionErrors.of(r, pixels, errorMap);
    return new BatchEncoder.Result(z, e.mse(), e.bce(), e.map(), r, logVar);
  }

  /** Per-channel (x - mean) / std in place, or with {@code invert} x * std + mean; nothing for an exported graph (its own). */
  private void normalise(float[] flat, boolean invert) {
    if (mean == null) {
      return;
    }
    int plane = shape.height() * shape.width();
    for (int i = 0; i < flat.length; i++) {
      int c = (i % shape.inputSize()) / plane;
      flat[i] = invert ? flat[i] * std[c] + mean[c] : (flat[i] - mean[c]) / std[c];
    }
  }

  private static double[] widen(float[] values) {
    double[] out = new double[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = values[i];
    }
    return out;
  }

  private static float[][] split(float[] all, int n) {
    int w = all.length / n;
    float[][] rows = new float[n][];
    for (int i = 0; i < n; i++) {
      rows[i] = Arrays.copyOfRange(all, i * w, (i + 1) * w);
    }
    return rows;
  }

  @Override
  public boolean logVar() {
    return logVarOutput != null;
  }

  @Override
  public boolean errorMap() {
    return errorMap;
  }
}
