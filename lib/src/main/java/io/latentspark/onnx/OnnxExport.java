package io.latentspark.onnx;

import ai.onnx.proto.OnnxMl;
import io.latentspark.model.AutoencoderModel;
import io.latentspark.model.InputNormalizer;
import io.latentspark.spec.ImageShape;
import io.latentspark.spec.NetworkPlan;
import io.latentspark.util.Json;
import io.latentspark.util.Outputs;
import io.latentspark.util.Versions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.tribuo.util.onnx.ONNXContext;
import org.tribuo.util.onnx.ONNXPlaceholder;
import org.tribuo.util.onnx.ONNXRef;

/**
 * A trained LatentSpark model as three ONNX graphs (opset {@value OnnxOps#OPSET}) that need nothing but an ONNX
 * runtime: the encoder ({@value #PIXELS} -> {@value #Z}, and {@value #Z_LOG_VAR} for a VAE), the decoder
 * ({@value #Z} -> {@value #RECONSTRUCTION}) and the whole autoencoder (both). Pixels go in and reconstructions come
 * out in pixel space ([0,1], channel-major {@code c, h, w} order, {@code [batch, C*H*W]}): the model's input
 * normalisation and its inverse are inside the graphs. What the graphs are is stated in each file's metadata
 * (keys {@code latentspark.*}) and in {@value #INFO} beside them. Every model type is covered; the graphs are built
 * from the model's {@link NetworkPlan} and the trained parameters (at inference: a VAE's code is its mean mu,
 * corruption is off, the sparsity and contractive penalties act on the loss only, k-sparse keeps the k largest).
 */
public final class OnnxExport {
  public static final String ENCODER = "encoder.onnx";
  public static final String DECODER = "decoder.onnx";
  public static final String AUTOENCODER = "autoencoder.onnx";
  public static final String INFO = "onnx.json";
  public static final String PIXELS = "pixels";
  public static final String Z = "z";
  public static final String Z_LOG_VAR = "z_log_var";
  public static final String RECONSTRUCTION = "reconstruction";
  /** Outputs of the {@link #scorer} graph only. */
  public static final String MSE = "reconstruction_mse";
  public static final String BCE = "reconstruction_bce";
  public static final String SQUARED_ERROR = "squared_error";
  /** ONNX IR version 7 goes with opset 13. */
  static final int IR_VERSION = 7;

  private OnnxExport() {}

  /** The three serialised graphs and the metadata they carry. */
  public record Graphs(byte[] encoder, byte[] decoder, byte[] autoencoder, Map<String, String> metadata) {}

  /** What {@link #write} wrote. */
  public record Result(String dir, int opset, long encoderBytes, long decoderBytes, long autoencoderBytes, Map<String, String> metadata) {}

  /** The graphs of {@code model}, in memory. */
  public static Graphs graphs(AutoencoderModel model) {
    NetworkPlan plan = model.config().plan();
    boolean vae = model.config().model().spec().variational();
    int latent = plan.latentIndex();
    int layers = plan.layers().size();
    int latentSize = model.config().model().latentSize();
    Map<String, String> meta = metadata(model, plan.shape(), latentSize, vae);

    ONNXContext enc = new ONNXContext();
    GraphWriter e = encoderPart(enc, model, plan, enc.floatInput(PIXELS, plan.shape().inputSize()));
    e.layers(plan.steps(), 0, latent + 1);
    codeOutputs(enc, e, latentSize);
    byte[] encoder = serialise(enc, "latentspark_encoder", meta, "encoder: " + PIXELS + " -> " + outputs(vae, false));

    ONNXContext dec = new ONNXContext();
    GraphWriter d = new GraphWriter(dec, model.network(), dec.floatInput(Z, latentSize), latentSize, null);
    d.layers(plan.steps(), latent + 1, layers);
    reconstructionOutput(dec, d, model.normalizer(), plan.shape());
    byte[] decoder = serialise(dec, "latentspark_decoder", meta, "decoder: " + Z + " -> " + RECONSTRUCTION);

    byte[] autoencoder = serialise(autoencoder(model, false, 0), "latentspark_autoencoder", meta,
        "autoencoder: " + PIXELS + " -> " + outputs(vae, true));
    return new Graphs(encoder, decoder, autoencoder, meta);
  }

  /**
   * The autoencoder graph with the reconstruction errors as further outputs ({@value #MSE}, {@value #BCE} per image,
   * {@value #SQUARED_ERROR} per pixel; see {@link GraphWriter#errors}): what {@code encode.engine = onnx} runs, in
   * memory only ({@code export-onnx} writes the three graphs of {@link #graphs}). {@code eps} is the cross-entropy's clamp.
   */
  public static byte[] scorer(AutoencoderModel model, float eps) {
    boolean vae = model.config().model().spec().variational();
    Map<String, String> meta = metadata(model, model.config().plan().shape(), model.config().model().latentSize(), vae);
    return serialise(autoencoder(model, true, eps), "latentspark_scorer", meta,
        "autoencoder with reconstruction errors: " + PIXELS + " -> " + outputs(vae, true) + ", " + MSE + ", " + BCE + ", " + SQUARED_ERROR);
  }

  private static ONNXContext autoencoder(AutoencoderModel model, boolean errors, float eps) {
    NetworkPlan plan = model.config().plan();
    ONNXContext all = new ONNXContext();
    ONNXPlaceholder pixels = all.floatInput(PIXELS, plan.shape().inputSize());
    GraphWriter a = encoderPart(all, model, plan, pixels);
    a.layers(plan.steps(), 0, plan.latentIndex() + 1);
    codeOutputs(all, a, model.config().model().latentSize());
    a.layers(plan.steps(), plan.latentIndex() + 1, plan.layers().size());
    ONNXRef<?> reconstruction = reconstructionOutput(all, a, model.normalizer(), plan.shape());
    if (errors) {
      List<ONNXRef<?>> e = a.errors(pixels, reconstruction, eps);
      e.get(0).assignTo(all.floatOutput(MSE, 1));
      e.get(1).assignTo(all.floatOutput(BCE, 1));
      e.get(2).assignTo(all.floatOutput(SQUARED_ERROR, plan.shape().inputSize()));
    }
    return all;
  }

  /**
   * Writes {@value #ENCODER}, {@value #DECODER}, {@value #AUTOENCODER} and {@value #INFO} into {@code dir},
   * atomically (staging + rename); an existing {@code dir} is refused unless {@code overwrite}.
   */
  public static Result write(AutoencoderModel model, String dir, Configuration conf, boolean overwrite) {
    Outputs.checkWritable(new Path(dir), conf, overwrite);
    Graphs g = graphs(model);
    Result r = new Result(dir, OnnxOps.OPSET, g.encoder().length, g.decoder().length, g.autoencoder().length, g.metadata());
    Outputs.writeAtomically(new Path(dir), conf, overwrite, staging -> {
      Outputs.fs(staging, conf).mkdirs(staging);
      Outputs.writeBytes(new Path(staging, ENCODER), g.encoder(), conf);
      Outputs.writeBytes(new Path(staging, DECODER), g.decoder(), conf);
      Outputs.writeBytes(new Path(staging, AUTOENCODER), g.autoencoder(), conf);
      Outputs.writeString(new Path(staging, INFO), info(g, model), conf);
    });
    return r;
  }

  private static GraphWriter encoderPart(ONNXContext onnx, AutoencoderModel model, NetworkPlan plan, ONNXPlaceholder pixels) {
    ImageShape shape = plan.shape();
    GraphWriter w = new GraphWriter(onnx, model.network(), pixels, shape.inputSize(), shape);
    InputNormalizer n = model.normalizer();
    if (n.mean() != null) {
      ONNXRef<?> centred = w.withVector(pixels, OnnxOps.SUB, "pixel_mean", n.mean());
      w = new GraphWriter(onnx, model.network(), w.withVector(centred, OnnxOps.DIV, "pixel_std", n.std()), shape.inputSize(), shape);
    }
    return w;
  }

  private static void codeOutputs(ONNXContext onnx, GraphWriter w, int latentSize) {
    w.current().assignTo(onnx.floatOutput(Z, w.flatSize()));
    if (w.logVar() != null) {
      w.logVar().assignTo(onnx.floatOutput(Z_LOG_VAR, latentSize));
    }
  }

  private static ONNXRef<?> reconstructionOutput(ONNXContext onnx, GraphWriter w, InputNormalizer n, ImageShape shape) {
    ONNXRef<?> out = w.current();
    if (w.flatSize() != shape.inputSize()) {
      throw new IllegalStateException("The decoder's output has " + w.flatSize() + " values, the image " + shape.inputSize());
    }
    if (n.mean() != null) {
      out = w.withVector(w.withVector(out, OnnxOps.MUL, "pixel_std", n.std()), OnnxOps.ADD, "pixel_mean", n.mean());
    }
    out.assignTo(onnx.floatOutput(RECONSTRUCTION, shape.inputSize()));
    return out;
  }

  private static String outputs(boolean vae, boolean reconstruction) {
    List<String> out = new ArrayList<>(List.of(Z));
    if (vae) {
      out.add(Z_LOG_VAR);
    }
    if (reconstruction) {
      out.add(RECONSTRUCTION);
    }
    return String.join(", ", out);
  }

  private static Map<String, String> metadata(AutoencoderModel model, ImageShape shape, int latentSize, boolean vae) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("latentspark.model_type", model.config().model().type());
    m.put("latentspark.latent_size", Integer.toString(latentSize));
    m.put("latentspark.image_shape", shape.channels() + "x" + shape.height() + "x" + shape.width());
    m.put("latentspark.input", PIXELS + ": float32 [batch, " + shape.inputSize() + "], pixel values in [0,1], channel-major (c, h, w) order");
    m.put("latentspark.normalization", model.normalizer().type() + " (inside the graph: feed raw pixels)");
    m.put("latentspark.output." + Z, vae ? "the posterior mean mu, [batch, " + latentSize + "]" : "the code, [batch, " + latentSize + "]");
    if (vae) {
      m.put("latentspark.output." + Z_LOG_VAR, "the posterior log-variance, [batch, " + latentSize + "]");
    }
    m.put("latentspark.output." + RECONSTRUCTION, "the decoded image in pixel space, [batch, " + shape.inputSize() + "]");
    m.put("latentspark.epochs", Integer.toString(model.history().size()));
    m.put("latentspark.seed", Long.toString(model.config().seed()));
    return m;
  }

  private static byte[] serialise(ONNXContext onnx, String name, Map<String, String> meta, String doc) {
    onnx.setName(name);
    OnnxMl.ModelProto.Builder m = OnnxMl.ModelProto.newBuilder()
        .setIrVersion(IR_VERSION)
        .setProducerName("LatentSpark")
        .setProducerVersion(Versions.latentspark())
        .setDomain("io.latentspark")
        .setModelVersion(1)
        .setDocString("LatentSpark " + doc)
        .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setVersion(OnnxOps.OPSET))
        .setGraph(onnx.buildGraph());
    meta.forEach((k, v) -> m.addMetadataProps(OnnxMl.StringStringEntryProto.newBuilder().setKey(k).setValue(v)));
    return m.build().toByteArray();
  }

  private static String info(Graphs g, AutoencoderModel model) {
    Map<String, Object> info = new LinkedHashMap<>();
    info.put("opset", OnnxOps.OPSET);
    info.put("producer", "LatentSpark " + Versions.latentspark());
    info.put("files", Map.of("encoder", ENCODER, "decoder", DECODER, "autoencoder", AUTOENCODER));
    boolean vae = model.config().model().spec().variational();
    info.put("encoder", Map.of("inputs", List.of(PIXELS), "outputs", List.of(outputs(vae, false).split(", "))));
    info.put("decoder", Map.of("inputs", List.of(Z), "outputs", List.of(RECONSTRUCTION)));
    info.put("autoencoder", Map.of("inputs", List.of(PIXELS), "outputs", List.of(outputs(vae, true).split(", "))));
    info.put("metadata", g.metadata());
    return Json.write(info);
  }
}
