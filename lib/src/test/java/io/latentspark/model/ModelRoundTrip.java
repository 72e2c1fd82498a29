package io.latentspark.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.latentspark.encode.BatchEncoder;
import io.latentspark.encode.NetworkSnapshot;
import java.util.List;
import org.apache.hadoop.conf.Configuration;

/** The one shared save/load check: a saved and re-loaded model encodes exactly like the original. */
public final class ModelRoundTrip {
  private ModelRoundTrip() {}

  /** Saves {@code model} at {@code dir}, loads it back, checks identical codes and errors on {@code probe}; returns the loaded model. */
  public static AutoencoderModel check(AutoencoderModel model, String dir, List<float[]> probe) {
    Configuration conf = new Configuration();
    model.save(dir, conf, false);
    AutoencoderModel loaded = AutoencoderModel.load(dir, conf);
    BatchEncoder.Result a = BatchEncoder.of(NetworkSnapshot.of(model)).encode(probe);
    BatchEncoder.Result b = BatchEncoder.of(NetworkSnapshot.of(loaded)).encode(probe);
    for (int i = 0; i < probe.size(); i++) {
      assertArrayEquals(a.z()[i], b.z()[i], "latent code of probe row " + i);
      assertEquals(a.mse()[i], b.mse()[i], 0.0, "reconstruction error of probe row " + i);
    }
    assertEquals(model.history(), loaded.history());
    assertEquals(model.config().render(), loaded.config().render());
    assertEquals(model.inputPath(), loaded.inputPath());
    assertEquals(model.normalizer().toJson(), loaded.normalizer().toJson());
    return loaded;
  }
}
