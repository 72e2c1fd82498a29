package io.latentspark.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.FloatBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An ONNX Runtime (CPU) session over one ONNX model, shared by every task of a JVM: {@link #of} opens a model once
 * per JVM and thread count (an executor's concurrent tasks run it side by side; ONNX Runtime's {@code run} is
 * thread-safe) and keeps it open for the JVM's life. With {@code threads = 1} a run executes on the calling
 * task's thread.
 */
public final class OnnxSession {
  private static final Map<String, OnnxSession> OPEN = new ConcurrentHashMap<>();

  private final OrtSession session;
  private final String inputName;
  private final long[] inputShape;
  private final List<String> outputNames;
  private final Map<String, long[]> outputShapes;

  private OnnxSession(OrtSession session) throws OrtException {
    this.session = session;
    Map<String, NodeInfo> inputs = session.getInputInfo();
    if (inputs.size() != 1) {
      throw new IllegalArgumentException("The ONNX model has " + inputs.size() + " inputs " + inputs.keySet() + "; LatentSpark feeds one (the images)");
    }
    var in = inputs.entrySet().iterator().next();
    this.inputName = in.getKey();
    this.inputShape = tensor(in.getValue(), "input").getShape();
    this.outputNames = new ArrayList<>(session.getOutputNames());
    this.outputShapes = new LinkedHashMap<>();
    for (var e : session.getOutputInfo().entrySet()) {
      outputShapes.put(e.getKey(), tensor(e.getValue(), "output").getShape());
    }
  }

  private static TensorInfo tensor(NodeInfo n, String what) {
    if (!(n.getInfo() instanceof TensorInfo t) || t.type != ai.onnxruntime.OnnxJavaType.FLOAT) {
      throw new IllegalArgumentException("The ONNX model's " + what + " " + n.getName() + " is " + n.getInfo() + "; LatentSpark needs float32 tensors");
    }
    return t;
  }

  /** The session of {@code model} in this JVM with {@code threads} intra-op threads, opened on first use. */
  public static OnnxSession of(byte[] model, int threads) {
    return of(digest(model), () -> model, threads);
  }

  /**
   * The session of the model whose {@link #digest} is {@code digest}, opened on first use from {@code model}: tasks pass
   * the digest computed once on the driver, and fetch the model's bytes (a broadcast) only to open it.
   */
  public static OnnxSession of(String digest, java.util.function.Supplier<byte[]> model, int threads) {
    return OPEN.computeIfAbsent(digest + "/" + threads, k -> open(model.get(), threads));
  }

  private static OnnxSession open(byte[] model, int threads) {
    try {
      OrtSession.SessionOptions options = new OrtSession.SessionOptions();
      options.setIntraOpNumThreads(threads);
      options.setInterOpNumThreads(1);
      options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
      options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      if (OrtEnvironment.getAvailableProviders().contains(ai.onnxruntime.OrtProvider.CUDA)) {
        options.addCUDA(0); // the GPU build (mvn -Pcuda); not run here: this machine has no GPU
      }
      return new OnnxSession(OrtEnvironment.getEnvironment().createSession(model, options));
    } catch (OrtException e) {
      throw new IllegalArgumentException("ONNX Runtime cannot load the model: " + e.getMessage(), e);
    }
  }

  /** SHA-256 of {@code bytes}, hex. */
  public static String digest(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  public String inputName() {
    return inputName;
  }

  /** The declared input shape; -1 (or a symbolic name) for free dimensions such as the batch. */
  public long[] inputShape() {
    return inputShape.clone();
  }

  public List<String> outputNames() {
    return List.copyOf(outputNames);
  }

  public long[] outputShape(String name) {
    return outputShapes.get(name).clone();
  }

  /**
   * Runs the model on {@code input} (row-major, of {@code shape}) and returns the asked-for outputs, each flattened
   * row-major; an unknown output name fails naming the model's outputs.
   */
  public Map<String, float[]> run(float[] input, long[] shape, List<String> outputs) {
    for (String o : outputs) {
      if (!outputShapes.containsKey(o)) {
        throw new IllegalArgumentException("The ONNX model has no output " + o + " (its outputs are " + outputNames + ")");
      }
    }
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OnnxTensor x = OnnxTensor.createTensor(env, FloatBuffer.wrap(input), shape);
        OrtSession.Result r = session.run(Map.of(inputName, x), new java.util.LinkedHashSet<>(outputs))) {
      Map<String, float[]> out = new LinkedHashMap<>();
      for (String o : outputs) {
        OnnxValue v = r.get(o).orElseThrow();
        FloatBuffer b = ((OnnxTensor) v).getFloatBuffer();
        float[] a = new float[b.remaining()];
        b.get(a);
        out.put(o, a);
      }
      return out;
    } catch (OrtException e) {
      throw new IllegalStateException("ONNX Runtime failed on a batch of shape " + java.util.Arrays.toString(shape) + ": " + e.getMessage(), e);
    }
  }
}
