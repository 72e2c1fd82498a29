package io.latentspark.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.latentspark.data.SyntheticImages;
import io.latentspark.encode.BatchEncoder;
import io.latentspark.encode.NetworkSnapshot;
import io.latentspark.util.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;

/**
 * A model saved in format version 1 (fixtures/model-format-1, written on 2026-11-21 by this library) must keep
 * loading and encoding as it did then, whatever the current format is.
 */
class ModelFormatFixtureTest {

  @Test
  void formatVersion1StillLoadsAndEncodesTheSame() throws Exception {
    Path dir = Path.of(getClass().getResource("/fixtures/model-format-1").toURI());
    JsonNode expected = Json.read(Files.readString(dir.resolveSibling("model-format-1-expected.json")));
    AutoencoderModel m = AutoencoderModel.load(dir.toString(), new Configuration());
    assertEquals(2, m.history().size());
    assertEquals(64, m.inputSize());
    assertEquals("synthetic:seed=42", m.inputPath());
    List<float[]> probe = new ArrayList<>();
    for (int i = 1000; i < 1004; i++) {
      probe.add(SyntheticImages.image(42, i, 8, 8, 1, 0.05));
    }
    BatchEncoder.Result r = BatchEncoder.of(NetworkSnapshot.of(m)).encode(probe);
    for (int i = 0; i < 4; i++) {
      for (int k = 0; k < 3; k++) {
        assertEquals(expected.get("z").get(i).get(k).asDouble(), r.z()[i][k], 1e-5, "z[" + i + "][" + k + "]");
      }
      assertEquals(expected.get("mse").get(i).asDouble(), r.mse()[i], 1e-6, "mse[" + i + "]");
    }
  }
}
