package io.latentspark.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl;
import io.latentspark.TestData;
import io.latentspark.config.LatentSparkConfig;
import io.latentspark.data.IdxFormat;
import io.latentspark.data.ImageDecoder;
import io.latentspark.encode.BatchEncoder;
import io.latentspark.model.AutoencoderModel;
import io.latentspark.model.InputNormalizer;
import io.latentspark.model.NetworkFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Every model type, exported to ONNX, computes in ONNX Runtime what it computes in DL4J: codes (and a VAE's
 * log-variance) and reconstructions within 1e-5 (max abs) on MNIST test images (3-channel flower photos for the
 * colour conv net), for the encoder, decoder and whole-autoencoder graphs. The networks' parameters are their
 * initial values plus seeded noise, so that every bias (and each LSTM gate block) differs from its neighbours and
 * a layout mistake cannot hide behind zeros; half the cases standardise their input (normalisation in the graph).
 * On the same networks, DL4J's MSE-only pass ({@link BatchEncoder#mse}) equals the MSE of its full encode exactly.
 */
class OnnxExportTest {
  static final double TOLERANCE = 1e-5;
  static final int IMAGES = 64;

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("dense", List.of(), false),
        Arguments.of("dense-tanh-standardized", List.of("model.activation=tanh", "model.latentActivation=tanh"), true),
        Arguments.of("denoising", List.of("model.type=denoising", "model.corruption.type=gaussian", "model.corruption.amount=0.2"), true),
        Arguments.of("sparse-kl", List.of("model.type=sparse", "model.latentActivation=sigmoid"), false),
        Arguments.of("sparse-ksparse", List.of("model.type=sparse", "model.sparsity.penalty=k-sparse", "model.sparsity.k=5",
            "model.latentActivation=identity"), false),
        Arguments.of("contractive", List.of("model.type=contractive", "model.latentActivation=sigmoid"), true),
        Arguments.of("stacked", List.of("model.type=stacked", "model.encoderLayers=[128,64]"), false),
        Arguments.of("conv-leakyrelu", List.of("model.type=conv", "model.activation=leakyrelu"), true),
        Arguments.of("conv-denoising", List.of("model.type=conv-denoising", "model.corruption.type=gaussian", "model.corruption.amount=0.1"), false),
        Arguments.of("conv-rgb-kernel5", List.of("model.type=conv", "data.channels=3", "data.height=32", "data.width=32",
            "model.conv.channels=[8,16,32]", "model.conv.kernel=5"), true),
        Arguments.of("conv-rgb-kernel7", List.of("model.type=conv", "data.channels=3", "data.height=32", "data.width=32",
            "model.conv.channels=[8,16]", "model.conv.kernel=7", "model.activation=elu"), false),
        Arguments.of("vae-dense", List.of("model.type=vae", "model.loss=bce"), false),
        Arguments.of("vae-conv", List.of("model.type=vae", "model.vae.architecture=conv"), true),
        Arguments.of("seq2seq", List.of("model.type=seq2seq", "model.seq2seq.hidden=16", "model.activation=elu"), true));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void onnxRuntimeComputesWhatDl4jComputes(String name, List<String> sets, boolean standardize) throws IOException {
    LatentSparkConfig cfg = TestData.config(sets.toArray(String[]::new));
    List<float[]> images = cfg.data().channels() == 3 ? flowers(cfg.data().height()) : mnist();
    MultiLayerNetwork net = new MultiLayerNetwork(NetworkFactory.build(cfg));
    net.init();
    org.nd4j.linalg.api.rng.Random rng = Nd4j.getRandomFactory().getNewRandomInstance(7);
    net.params().addi(Nd4j.rand(rng, 1, net.numParams()).castTo(DataType.FLOAT).subi(0.5).muli(0.1));
    InputNormalizer normalizer = standardize ? standardizer(images) : InputNormalizer.unit();
    AutoencoderModel model = new AutoencoderModel(net, normalizer, cfg, "test images", List.of());
    int latent = cfg.plan().latentIndex();
    BatchEncoder dl4jEncoder = new BatchEncoder(net, normalizer, latent, cfg.data().inputSize(), false);
    BatchEncoder.Result dl4j = dl4jEncoder.encode(images);
    // the MSE-only pass that measures each epoch's loss gives the feature table's values exactly
    org.junit.jupiter.api.Assertions.assertArrayEquals(dl4j.mse(), dl4jEncoder.mse(images), name + ": BatchEncoder.mse against encode's mse");

    OnnxExport.Graphs g = OnnxExport.graphs(model);
    int n = images.size();
    int size = cfg.data().inputSize();
    float[] flat = new float[n * size];
    for (int i = 0; i < n; i++) {
      System.arraycopy(images.get(i), 0, flat, i * size, size);
    }
    long[] shape = {n, size};
    boolean vae = cfg.model().spec().variational();
    List<String> codes = vae ? List.of(OnnxExport.Z, OnnxExport.Z_LOG_VAR) : List.of(OnnxExport.Z);
    List<String> all = new ArrayList<>(codes);
    all.add(OnnxExport.RECONSTRUCTION);

    Map<String, float[]> whole = OnnxSession.of(g.autoencoder(), 1).run(flat, shape, all);
    assertClose(dl4j.z(), whole.get(OnnxExport.Z), name + " autoencoder z");
    assertClose(dl4j.reconstruction(), whole.get(OnnxExport.RECONSTRUCTION), name + " autoencoder reconstruction");
    if (vae) {
      assertNotNull(dl4j.logVar());
      assertClose(dl4j.logVar(), whole.get(OnnxExport.Z_LOG_VAR), name + " autoencoder z_log_var");
    } else {
      assertNull(dl4j.logVar());
    }
    Map<String, float[]> enc = OnnxSession.of(g.encoder(), 1).run(flat, shape, codes);
    assertClose(dl4j.z(), enc.get(OnnxExport.Z), name + " encoder z");
    int k = dl4j.z()[0].length;
    float[] recon = OnnxSession.of(g.decoder(), 1).run(enc.get(OnnxExport.Z), new long[] {n, k}, List.of(OnnxExport.RECONSTRUCTION))
        .get(OnnxExport.RECONSTRUCTION);
    assertClose(dl4j.reconstruction(), recon, name + " decoder reconstruction");

    OnnxMl.ModelProto proto = OnnxMl.ModelProto.parseFrom(g.encoder());
    assertEquals(OnnxOps.OPSET, proto.getOpsetImport(0).getVersion());
    Map<String, String> meta = new java.util.HashMap<>();
    proto.getMetadataPropsList().forEach(e -> meta.put(e.getKey(), e.getValue()));
    assertEquals(cfg.model().type(), meta.get("latentspark.model_type"));
    assertEquals(Integer.toString(cfg.model().latentSize()), meta.get("latentspark.latent_size"));
    assertEquals(cfg.data().channels() + "x" + cfg.data().height() + "x" + cfg.data().width(), meta.get("latentspark.image_shape"));
  }

  static void assertClose(float[][] expected, float[] actual, String what) {
    int w = expected[0].length;
    assertEquals(expected.length * w, actual.length, what + ": size");
    double max = 0;
    double scale = 0;
    for (int i = 0; i < expected.length; i++) {
      for (int j = 0; j < w; j++) {
        max = Math.max(max, Math.abs(expected[i][j] - actual[i * w + j]));
        scale = Math.max(scale, Math.abs(expected[i][j]));
      }
    }
    assertTrue(scale > 1e-3, what + ": DL4J's values are all ~0 (max |x| " + scale + "), the comparison would prove nothing");
    System.out.printf("%s: max abs diff %.2e (values up to %.2f)%n", what, max, scale);
    assertTrue(max <= TOLERANCE, what + ": max |DL4J - ONNX Runtime| = " + max + " (values up to " + scale + ")");
  }

  static InputNormalizer standardizer(List<float[]> images) {
    int size = images.get(0).length;
    double[] sum = new double[size];
    double[] sq = new double[size];
    for (float[] p : images) {
      for (int i = 0; i < size; i++) {
        sum[i] += p[i];
        sq[i] += p[i] * p[i];
      }
    }
    return InputNormalizer.standardize(sum, sq, images.size());
  }

  /** The first test images of MNIST, in [0,1]. */
  static List<float[]> mnist() throws IOException {
    Path file = TestData.dataset("mnist").resolve("t10k-images-idx3-ubyte.gz");
    List<float[]> out = new ArrayList<>();
    try (InputStream in = Files.newInputStream(file); IdxFormat.Images images = new IdxFormat.Images(in, file.toString())) {
      while (out.size() < IMAGES && images.hasNext()) {
        byte[] b = images.next();
        float[] p = new float[b.length];
        for (int i = 0; i < b.length; i++) {
          p[i] = (b[i] & 0xff) / 255f;
        }
        out.add(p);
      }
    }
    return out;
  }

  /** Colour flower photos resized to {@code size} x {@code size}, channel-major. */
  static List<float[]> flowers(int size) throws IOException {
    Path root = TestData.dataset("flowers-small");
    List<Path> files;
    try (Stream<Path> s = Files.walk(root)) {
      files = s.filter(p -> ImageDecoder.isImageName(p.getFileName().toString())).sorted().limit(IMAGES).toList();
    }
    List<float[]> out = new ArrayList<>();
    for (Path f : files) {
      out.add(ImageDecoder.decode(Files.readAllBytes(f), f.toString(), size, size, 3).data());
    }
    return out;
  }
}
