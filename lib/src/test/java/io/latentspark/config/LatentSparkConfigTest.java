package io.latentspark.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.latentspark.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LatentSparkConfigTest {

  private static String error(String... sets) {
    return assertThrows(ConfigError.class, () -> TestData.config(sets)).getMessage();
  }

  @Test
  void defaultsAreValid() {
    LatentSparkConfig c = TestData.config();
    assertEquals(42L, c.seed());
    assertEquals(LatentSparkConfig.DEFAULT_SEED, c.seed());
    assertEquals("synthetic", c.data().format().configName());
    assertEquals(784, c.data().inputSize());
    assertEquals(List.of(256, 64), c.model().encoderLayers());
  }

  @Test
  void everyShippedConfigLoads() throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.list(TestData.confDir())) {
      files = s.filter(p -> p.toString().endsWith(".conf")).sorted().toList();
    }
    assertTrue(files.size() >= 2, "conf/ holds at least demo.conf and mnist-dense.conf: " + files);
    for (Path f : files) {
      LatentSparkConfig c = LatentSparkConfig.load(f, List.of());
      assertTrue(c.data().inputSize() > 0, f.toString());
    }
    LatentSparkConfig mnist = LatentSparkConfig.load(TestData.confDir().resolve("mnist-dense.conf"), List.of());
    assertEquals("idx", mnist.data().format().configName());
    assertEquals(32, mnist.model().latentSize());
  }

  @Test
  void overridesApplyAfterTheFile(@TempDir Path dir) throws IOException {
    Path f = dir.resolve("run.conf");
    Files.writeString(f, "train { epochs = 3, batchSizePerWorker = 32 }\nmodel.encoderLayers = [100]\n");
    LatentSparkConfig c = LatentSparkConfig.load(f, List.of("train.epochs=7", "model.encoderLayers=[300, 30]",
        "data.path=hdfs://127.0.0.1:9000/data//mnist", "data.format=idx"));
    assertEquals(7, c.train().epochs());
    assertEquals(32, c.train().batchSizePerWorker());
    assertEquals(List.of(300, 30), c.model().encoderLayers());
    assertEquals("hdfs://127.0.0.1:9000/data//mnist", c.data().path());
  }

  @Test
  void invalidValuesNameKeyValueAndRule() {
    assertEquals("Cannot set train.batchSizePerWorker to -3: the value must be positive", error("train.batchSizePerWorker=-3"));
    assertEquals("Cannot set train.epochs to \"abc\": the value must be an integer", error("train.epochs=abc"));
    assertEquals("Cannot set model.loss to \"hinge\": the value must be one of mse, bce", error("model.loss=hinge"));
    assertEquals("Cannot set data.channels to 2: the value must be 1 (grey) or 3 (RGB)", error("data.channels=2"));
    assertEquals("Cannot set data.validationFraction to 1.5: the value must be >= 0 and < 1.0", error("data.validationFraction=1.5"));
    assertEquals("Cannot set model.encoderLayers to [256, 0]: the value must be a list of positive integers", error("model.encoderLayers=[256, 0]"));
    assertEquals("Cannot set model.loss to \"bce\": bce needs model.outputActivation = sigmoid (it is identity)",
        error("model.loss=bce", "model.outputActivation=identity"));
    assertTrue(error("data.format=idx").startsWith("Cannot set data.path to \"\": data.format = idx needs the dataset location"));
    assertTrue(error("data.normalize=standardize").startsWith("Cannot set data.normalize to \"standardize\": standardized inputs are not in [0,1]"));
  }

  @Test
  void unknownKeysAreErrors() {
    String msg = error("train.batchsize=64");
    assertTrue(msg.startsWith("Unknown setting train.batchsize"), msg);
    assertTrue(msg.contains("train.batchSizePerWorker"), "lists the section's settings: " + msg);
    assertTrue(error("trian.epochs=3").startsWith("Unknown setting trian.epochs"));
  }

  @Test
  void malformedOverridesAndMissingFiles() {
    assertEquals("Cannot apply --set \"epochs\": the form is key=value, e.g. train.epochs=5", error("epochs"));
    ConfigError e = assertThrows(ConfigError.class, () -> LatentSparkConfig.load(Path.of("/nonexistent/x.conf"), List.of()));
    assertEquals("Config file /nonexistent/x.conf does not exist or is not a file", e.getMessage());
  }

  @Test
  void everySettingIsDocumented() {
    Map<String, String[]> d = LatentSparkConfig.describeDefaults();
    assertTrue(d.containsKey("train.batchSizePerWorker"));
    for (Map.Entry<String, String[]> e : d.entrySet()) {
      assertFalse(e.getValue()[1].isBlank(), "setting " + e.getKey() + " has no comment in reference.conf");
    }
  }

  @Test
  void renderedConfigRoundTrips() {
    LatentSparkConfig c = TestData.config("train.epochs=4", "model.latentSize=8");
    LatentSparkConfig back = LatentSparkConfig.parse(c.render());
    assertEquals(c.train(), back.train());
    assertEquals(c.model(), back.model());
    assertEquals(c.data(), back.data());
  }
}
