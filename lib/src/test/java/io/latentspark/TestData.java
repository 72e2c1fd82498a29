package io.latentspark;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.latentspark.config.LatentSparkConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;

/** Locations of ../shared/datasets and the repository's conf/, and small config helpers. */
public final class TestData {
  private TestData() {}

  /** ../shared/datasets/NAME, or the test is skipped with a message saying what is absent. */
  public static Path dataset(String name) {
    String root = System.getProperty("latentspark.datasets", "../../shared/datasets");
    Path p = Paths.get(root, name).toAbsolutePath().normalize();
    assumeTrue(Files.isDirectory(p), "Dataset folder " + p + " is absent: test skipped (CI provides ../shared/datasets)");
    return p;
  }

  /** The repository's conf/ directory. */
  public static Path confDir() {
    for (Path p : List.of(Paths.get("conf"), Paths.get("../conf"))) {
      if (Files.isDirectory(p)) {
        return p.toAbsolutePath().normalize();
      }
    }
    throw new IllegalStateException("conf/ not found from " + Paths.get("").toAbsolutePath());
  }

  /** A config from --set style overrides over the defaults. */
  public static LatentSparkConfig config(String... sets) {
    return LatentSparkConfig.load(null, List.of(sets));
  }
}
