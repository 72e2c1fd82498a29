package io.latentspark.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.latentspark.config.LatentSparkConfig;
import io.latentspark.util.Json;
import io.latentspark.util.Outputs;
import io.latentspark.util.Versions;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;

/**
 * A trained autoencoder: the network, its input normalisation, the config it was built from and its
 * training history. Saved as a directory on any Hadoop file system:
 * <pre>
 *   metadata.json    format version, library/DL4J/Spark/Java versions, creation time, full resolved config,
 *                    seed, input path, input shape, latent layer, epochs completed, loss history
 *   network.zip      DL4J network with updater state (so training can resume)
 *   normalizer.json  input normalisation
 * </pre>
 */
public final class AutoencoderModel {
  /** Version of the directory format written by this library; readers branch on it. */
  public static final int FORMAT_VERSION = 1;
  static final String METADATA = "metadata.json";
  static final String NETWORK = "network.zip";
  static final String NORMALIZER = "normalizer.json";

  private final MultiLayerNetwork network;
  private final InputNormalizer normalizer;
  private final LatentSparkConfig config;
  private final String inputPath;
  private final List<EpochStats> history;

  public AutoencoderModel(MultiLayerNetwork network, InputNormalizer normalizer, LatentSparkConfig config,
      String inputPath, List<EpochStats> history) {
    this.network = network;
    this.normalizer = normalizer;
    this.config = config;
    this.inputPath = inputPath;
    this.history = List.copyOf(history);
  }

  public MultiLayerNetwork network() {
    return network;
  }

  public InputNormalizer normalizer() {
    return normalizer;
  }

  public LatentSparkConfig config() {
    return config;
  }

  public String inputPath() {
    return inputPath;
  }

  public List<EpochStats> history() {
    return history;
  }

  /** The number of trained parameters. */
  public long numParams() {
    return network.numParams();
  }

  /** The values a worker returns each averaging round: the parameters and the updater's state (Adam: two moments each). */
  public long parameterAndUpdaterValues() {
    var state = network.getUpdater(true).getStateViewArray();
    return network.numParams() + (state == null ? 0 : state.length());
  }

  public int latentLayerIndex() {
    return NetworkFactory.latentLayerIndex(config);
  }

  public int inputSize() {
    return config.data().inputSize();
  }

  /**
   * Writes the model directory at {@code dir}, atomically (staging + rename). Refuses an existing
   * directory unless {@code overwrite}.
   */
  public void save(String dir, Configuration conf, boolean overwrite) {
    ModelFiles.write(dir, conf, overwrite, network, true, normalizer, METADATA, metadataJson());
  }

  String metadataJson() {
    ObjectNode m = Json.MAPPER.createObjectNode();
    m.put("formatVersion", FORMAT_VERSION);
    m.put("kind", "autoencoder");
    m.put("modelType", config.model().type());
    m.put("latentspark", Versions.latentspark());
    m.put("dl4j", Versions.dl4j());
    m.put("spark", Versions.spark());
    m.put("java", System.getProperty("java.version"));
    m.put("createdAt", Instant.now().toString());
    m.put("seed", config.seed());
    m.put("inputPath", inputPath);
    ObjectNode shape = m.putObject("inputShape");
    shape.put("channels", config.data().channels());
    shape.put("height", config.data().height());
    shape.put("width", config.data().width());
    m.put("latentLayer", latentLayerIndex());
    m.put("latentSize", config.model().latentSize());
    m.put("epochsCompleted", history.size());
    m.set("history", Json.MAPPER.valueToTree(history));
    m.set("config", Json.read(config.render()));
    return Json.write(m);
  }

  /** A DL4J network file (with its updater state when {@code updater}); an unreadable one fails naming the file. */
  static MultiLayerNetwork readNetwork(Path file, Configuration conf, boolean updater) {
    try (InputStream in = Outputs.fs(file, conf).open(file)) {
      return ModelSerializer.restoreMultiLayerNetwork(in, updater);
    } catch (IOException | RuntimeException e) {
      throw new ModelFormatException("Cannot read the network " + file + ": " + e.getMessage(), e);
    }
  }

  /** Reads a model directory written by {@link #save}. */
  public static AutoencoderModel load(String dir, Configuration conf) {
    Path root = new Path(dir);
    if (!Outputs.exists(root, conf)) {
      throw new ModelFormatException("Model directory " + root + " does not exist");
    }
    for (String f : new String[] {METADATA, NETWORK, NORMALIZER}) {
      if (!Outputs.exists(new Path(root, f), conf)) {
        throw new ModelFormatException("Model directory " + root + " has no " + f + ": it is not a LatentSpark model directory, or it is incomplete");
      }
    }
    JsonNode meta;
    try {
      meta = Json.read(Outputs.readString(new Path(root, METADATA), conf));
    } catch (IllegalArgumentException e) {
      throw new ModelFormatException("Model metadata " + new Path(root, METADATA) + " is not valid JSON: " + e.getMessage(), e);
    }
    int version = meta.path("formatVersion").asInt(-1);
    if (version != FORMAT_VERSION) {
      throw new ModelFormatException("Model " + root + " has formatVersion " + meta.path("formatVersion")
          + "; this library (LatentSpark " + Versions.latentspark() + ") reads format " + FORMAT_VERSION);
    }
    LatentSparkConfig config = LatentSparkConfig.parse(meta.get("config").toString());
    List<EpochStats> history = new ArrayList<>();
    for (JsonNode e : (ArrayNode) meta.get("history")) {
      history.add(Json.MAPPER.convertValue(e, EpochStats.class));
    }
    MultiLayerNetwork net = readNetwork(new Path(root, NETWORK), conf, true);
    InputNormalizer normalizer = InputNormalizer.fromJson(Outputs.readString(new Path(root, NORMALIZER), conf));
    return new AutoencoderModel(net, normalizer, config, meta.path("inputPath").asText(), history);
  }
}
