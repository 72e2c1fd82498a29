package io.latentspark.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.latentspark.TestData;
import io.latentspark.config.LatentSparkConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The DL4J network every model type builds is the one the first design built: its configuration JSON (layers,
 * sizes, activations, initialisers, updaters, preprocessors) equals a fixture written before the model types
 * became spec classes, changed three times on purpose since: ReLU and sigmoid are LatentSpark's FastActivations (the
 * same functions and derivatives, with faster backprop; the gradient checks cover them), the convolution layers are
 * LatentSpark's FastConvolutions (DL4J's layers and parameters, float passes through oneDNN; FastConvolutionsTest
 * compares them with DL4J's), and the dense and output layers and Adam are LatentSpark's FastDense and FastAdam
 * (DL4J's layers and updater, faster products and update; FastDenseTest and FastAdamTest compare them with DL4J's).
 * Only those class names changed in the JSON. A change here changes the
 * networks users train (and their numerics).
 * Regenerate deliberately with -Dlatentspark.writeNetworkFixtures=true.
 */
class NetworkGoldenTest {
  static final Path DIR = Paths.get("src/test/resources/fixtures/networks");

  static Map<String, List<String>> cases() {
    Map<String, List<String>> c = new LinkedHashMap<>();
    c.put("dense", List.of());
    c.put("dense-tanh-l2-nesterovs", List.of("model.activation=tanh", "model.l2=0.001", "train.optimizer=nesterovs", "model.latentActivation=tanh"));
    c.put("dense-bce-rmsprop", List.of("model.loss=bce", "train.optimizer=rmsprop", "model.encoderLayers=[100]"));
    c.put("denoising-gaussian", List.of("model.type=denoising", "model.corruption.type=gaussian", "model.corruption.amount=0.2"));
    c.put("denoising-occlusion", List.of("model.type=denoising", "model.corruption.type=occlusion"));
    c.put("sparse-kl", List.of("model.type=sparse", "model.latentActivation=sigmoid"));
    c.put("sparse-ksparse", List.of("model.type=sparse", "model.sparsity.penalty=k-sparse", "model.sparsity.k=5"));
    c.put("contractive", List.of("model.type=contractive", "model.latentActivation=sigmoid", "train.optimizer=sgd"));
    c.put("stacked", List.of("model.type=stacked"));
    c.put("inpainting", List.of("model.type=inpainting"));
    c.put("conv", List.of("model.type=conv", "model.activation=leakyrelu"));
    c.put("conv-rgb", List.of("model.type=conv", "data.channels=3", "data.height=32", "data.width=32", "model.conv.channels=[8,16,32]",
        "model.conv.kernel=5"));
    c.put("conv-denoising", List.of("model.type=conv-denoising", "model.corruption.type=gaussian", "model.corruption.amount=0.1"));
    c.put("vae-dense", List.of("model.type=vae", "model.loss=bce"));
    c.put("vae-conv", List.of("model.type=vae", "model.vae.architecture=conv", "model.vae.beta=0.5"));
    c.put("seq2seq", List.of("model.type=seq2seq", "model.seq2seq.hidden=16", "model.activation=elu"));
    return c;
  }

  static String json(LatentSparkConfig cfg) {
    return NetworkFactory.build(cfg).toJson();
  }

  @Test
  void everyModelTypeBuildsTheNetworkOfTheFixture() throws IOException {
    boolean write = Boolean.getBoolean("latentspark.writeNetworkFixtures");
    for (Map.Entry<String, List<String>> e : cases().entrySet()) {
      LatentSparkConfig cfg = TestData.config(e.getValue().toArray(String[]::new));
      Path file = DIR.resolve(e.getKey() + ".json");
      String now = json(cfg);
      if (write) {
        Files.createDirectories(DIR);
        Files.writeString(file, now, StandardCharsets.UTF_8);
      }
      assertEquals(Files.readString(file, StandardCharsets.UTF_8), now, "network of " + e.getKey() + " " + e.getValue());
    }
  }
}
