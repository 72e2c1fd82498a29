package io.latentspark.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The whole, validated configuration of a run. Built only through {@link #load} or {@link #fromConfig},
 * which check every value, so a {@code LatentSparkConfig} that exists is usable.
 */
public final class LatentSparkConfig implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The single default seed; a run's seed is {@code seed} in its config and is recorded in metadata. */
  public static final long DEFAULT_SEED = 42L;

  private final long seed;
  private final DataConfig data;
  private final ModelConfig model;
  private final TrainConfig train;
  private final EncodeConfig encode;
  private final ExportConfig export;
  private final EvaluateConfig evaluate;
  private final AnomalyConfig anomaly;
  private final SearchConfig search;
  private final ImputeConfig impute;
  private final CompressConfig compress;
  private final LatentMapConfig latentMap;
  private final SwapConfig swap;
  private final FinetuneConfig finetune;
  private final String rendered;

  private LatentSparkConfig(Config merged) {
    Settings root = new Settings(merged, "");
    this.seed = root.longValue("seed");
    this.data = DataConfig.read(root.section("data"));
    this.model = ModelConfig.read(root.section("model"));
    this.train = TrainConfig.read(root.section("train"));
    this.encode = EncodeConfig.read(root.section("encode"));
    this.export = ExportConfig.read(root.section("export"));
    this.evaluate = EvaluateConfig.read(root.section("evaluate"));
    this.anomaly = AnomalyConfig.read(root.section("anomaly"));
    this.search = SearchConfig.read(root.section("search"));
    this.impute = ImputeConfig.read(root.section("impute"));
    this.compress = CompressConfig.read(root.section("compress"));
    this.latentMap = LatentMapConfig.read(root.section("latentMap"));
    this.swap = SwapConfig.read(root.section("swap"));
    this.finetune = FinetuneConfig.read(root.section("finetune"));
    if (data.normalize() == Normalization.STANDARDIZE && model.outputActivation() == io.latentspark.spec.Activation.SIGMOID) {
      throw ConfigError.invalid("data.normalize", "standardize", "standardized inputs are not in [0,1]; set model.outputActivation = identity and model.loss = mse");
    }
    model.spec().validate(data.shape(), ConfigError::invalid);
    this.rendered = merged.root().render(ConfigRenderOptions.concise().setFormatted(true));
  }

  /** The library defaults (reference.conf) alone. */
  public static Config defaults() {
    return ConfigFactory.parseResources(LatentSparkConfig.class.getClassLoader(), "reference.conf");
  }

  /**
   * Loads a run's config: {@code overrides} (each {@code key=value}, HOCON syntax for the value) over
   * {@code file} (may be null) over the defaults. Unknown keys and invalid values throw {@link ConfigError}.
   */
  public static LatentSparkConfig load(Path file, List<String> overrides) {
    Config user = ConfigFactory.empty();
    if (file != null) {
      if (!Files.isRegularFile(file)) {
        throw new ConfigError("Config file " + file + " does not exist or is not a file");
      }
      try {
        user = ConfigFactory.parseFile(file.toFile());
      } catch (ConfigException e) {
        throw new ConfigError("Config file " + file + " is not valid HOCON: " + e.getMessage());
      }
    }
    Config sets = parseOverrides(overrides == null ? List.of() : overrides);
    return fromConfig(sets.withFallback(user));
  }

  /** Validates a user config (without the defaults) merged over the defaults. */
  public static LatentSparkConfig fromConfig(Config user) {
    Config defaults = defaults();
    rejectUnknownKeys(user, defaults);
    Config merged;
    try {
      merged = user.withFallback(defaults).resolve();
    } catch (ConfigException e) {
      throw new ConfigError("Config cannot be resolved: " + e.getMessage());
    }
    return new LatentSparkConfig(merged);
  }

  private static void rejectUnknownKeys(Config user, Config defaults) {
    Set<String> known = new TreeSet<>();
    for (Map.Entry<String, ConfigValue> e : defaults.entrySet()) {
      known.add(e.getKey());
    }
    for (Map.Entry<String, ConfigValue> e : user.entrySet()) {
      String key = e.getKey();
      if (!known.contains(key)) {
        String section = key.contains(".") ? key.substring(0, key.lastIndexOf('.')) : "";
        List<String> siblings = new ArrayList<>();
        for (String k : known) {
          String kSection = k.contains(".") ? k.substring(0, k.lastIndexOf('.')) : "";
          if (kSection.equals(section)) {
            siblings.add(k);
          }
        }
        String where = e.getValue().origin().description();
        throw new ConfigError("Unknown setting " + key + " (" + where + "): it is not a LatentSpark setting"
            + (siblings.isEmpty() ? "" : "; settings in this section are " + String.join(", ", siblings)));
      }
    }
  }

  /** Every setting with its default value and the comment that documents it, sorted by key. */
  public static Map<String, String[]> describeDefaults() {
    Map<String, String[]> out = new TreeMap<>();
    for (Map.Entry<String, ConfigValue> e : defaults().entrySet()) {
      String doc = String.join(" ", e.getValue().origin().comments()).trim().replaceAll("\\s+", " ");
      out.put(e.getKey(), new String[] {e.getValue().render(ConfigRenderOptions.concise()), doc});
    }
    return out;
  }

  public long seed() {
    return seed;
  }

  public DataConfig data() {
    return data;
  }

  public ModelConfig model() {
    return model;
  }

  public TrainConfig train() {
    return train;
  }

  public EncodeConfig encode() {
    return encode;
  }

  public ExportConfig export() {
    return export;
  }

  public EvaluateConfig evaluate() {
    return evaluate;
  }

  public AnomalyConfig anomaly() {
    return anomaly;
  }

  public SearchConfig search() {
    return search;
  }

  public ImputeConfig impute() {
    return impute;
  }

  public CompressConfig compress() {
    return compress;
  }

  public LatentMapConfig latentMap() {
    return latentMap;
  }

  public SwapConfig swap() {
    return swap;
  }

  public FinetuneConfig finetune() {
    return finetune;
  }

  /** The network of this config's model type for its images, layer by layer. */
  public io.latentspark.spec.NetworkPlan plan() {
    return model.spec().plan(data.shape());
  }

  /** The full resolved config as HOCON/JSON text, as stored in model metadata. */
  public String render() {
    return rendered;
  }

  /** This config with {@code key=value} overrides applied (validated like --set). */
  public LatentSparkConfig withOverrides(List<String> overrides) {
    return fromConfig(parseOverrides(overrides).withFallback(ConfigFactory.parseString(rendered)));
  }

  /** {@code --set} style {@code key=value} overrides as a Config; later ones win. */
  private static Config parseOverrides(List<String> overrides) {
    Config sets = ConfigFactory.empty();
    for (String kv : overrides) {
      int eq = kv.indexOf('=');
      if (eq <= 0) {
        throw new ConfigError("Cannot apply --set " + ConfigError.render(kv) + ": the form is key=value, e.g. train.epochs=5");
      }
      String key = kv.substring(0, eq).trim();
      String value = ConfigValueQuoting.asHoconValue(kv.substring(eq + 1).trim());
      try {
        sets = ConfigFactory.parseString(key + " = " + value).withFallback(sets);
      } catch (ConfigException e) {
        throw new ConfigError("Cannot apply --set " + ConfigError.render(kv) + ": " + e.getMessage());
      }
    }
    return sets;
  }

  /** Re-reads a config rendered by {@link #render()} (e.g. from a saved model's metadata). */
  public static LatentSparkConfig parse(String rendered) {
    return fromConfig(ConfigFactory.parseString(rendered));
  }

}
