package io.latentspark.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.latentspark.config.LatentSparkConfig;
import io.latentspark.util.Json;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The face swap network: one encoder shared by every identity and one decoder per identity (output k of the graph
 * reconstructs identity k), built by {@link NetworkFactory#buildShared} from the config's model.* settings. Swapping
 * A to B = encoding an image of A and decoding it with B's decoder. Saved as a directory: {@code swap.json} (format,
 * identities, training images per identity, per-epoch loss, config), {@code network.zip}, {@code normalizer.json}.
 */
public final class SwapModel {
  public static final int FORMAT_VERSION = 1;
  static final String METADATA = "swap.json";

  /** One training epoch: DL4J's loss (the sum over the decoders of each one's masked loss) and its time. */
  public record Epoch(int epoch, double trainLoss, double seconds) {}

  private final ComputationGraph network;
  private final InputNormalizer normalizer;
  private final List<String> identities;
  private final List<Long> trainingImages;
  private final LatentSparkConfig config;
  private final List<Epoch> history;

  public SwapModel(ComputationGraph network, InputNormalizer normalizer, List<String> identities, List<Long> trainingImages,
      LatentSparkConfig config, List<Epoch> history) {
    if (network.getNumOutputArrays() != identities.size() || trainingImages.size() != identities.size()) {
      throw new IllegalArgumentException("A swap network has one decoder per identity: " + network.getNumOutputArrays() + " decoders, "
          + identities.size() + " identities " + identities + ", " + trainingImages.size() + " image counts");
    }
    this.network = network;
    this.normalizer = normalizer;
    this.identities = List.copyOf(identities);
    this.trainingImages = List.copyOf(trainingImages);
    this.config = config;
    this.history = List.copyOf(history);
  }

  /** A freshly initialised graph for {@code cfg} with {@code identities} decoders. */
  public static ComputationGraph network(LatentSparkConfig cfg, int identities) {
    ComputationGraph g = new ComputationGraph(NetworkFactory.buildShared(cfg, identities));
    g.init();
    return g;
  }

  public ComputationGraph network() {
    return network;
  }

  public InputNormalizer normalizer() {
    return normalizer;
  }

  public List<String> identities() {
    return identities;
  }

  /** Training images (before mirroring) of each identity, in the order of {@link #identities()}. */
  public List<Long> trainingImages() {
    return trainingImages;
  }

  public LatentSparkConfig config() {
    return config;
  }

  public List<Epoch> history() {
    return history;
  }

  /**
   * Every decoder's output for {@code pixels} (raw pixel values, one array per image), in pixel values:
   * {@code result[k][i]} is image i decoded by identity k's decoder.
   */
  public float[][][] decodeAll(List<float[]> pixels) {
    int n = pixels.get(0).length;
    float[] block = new float[pixels.size() * n];
    for (int i = 0; i < pixels.size(); i++) {
      if (pixels.get(i).length != n) {
        throw new IllegalArgumentException("Image " + i + " has " + pixels.get(i).length + " values, image 0 has " + n);
      }
      System.arraycopy(normalizer.apply(pixels.get(i).clone()), 0, block, i * n, n);
    }
    INDArray[] out = network.output(false, Nd4j.create(block, new long[] {pixels.size(), n}));
    float[][][] result = new float[out.length][pixels.size()][];
    for (int k = 0; k < out.length; k++) {
      INDArray o = out[k].reshape(pixels.size(), n);
      for (int i = 0; i < pixels.size(); i++) {
        result[k][i] = normalizer.invert(o.getRow(i).toFloatVector());
      }
    }
    return result;
  }

  /** Writes the directory atomically (refuses an existing one unless {@code overwrite}). */
  public void save(String dir, Configuration conf, boolean overwrite) {
    ObjectNode m = ModelFiles.header(FORMAT_VERSION, "swap");
    m.set("identities", Json.MAPPER.valueToTree(identities));
    m.set("trainingImages", Json.MAPPER.valueToTree(trainingImages));
    m.set("history", Json.MAPPER.valueToTree(history));
    m.set("config", Json.read(config.render()));
    ModelFiles.write(dir, conf, overwrite, network, false, normalizer, METADATA, Json.write(m));
  }

  /** Reads a directory written by {@link #save}; errors name the directory and what is wrong. */
  public static SwapModel load(String dir, Configuration conf) {
    Path root = new Path(dir);
    JsonNode meta = ModelFiles.readMetadata(root, conf, METADATA, "a LatentSpark face swap network (swap writes OUT/swap/model)", FORMAT_VERSION);
    List<String> identities = new ArrayList<>();
    meta.get("identities").forEach(c -> identities.add(c.asText()));
    List<Long> images = new ArrayList<>();
    meta.get("trainingImages").forEach(c -> images.add(c.asLong()));
    List<Epoch> history = new ArrayList<>();
    meta.get("history").forEach(e -> history.add(Json.MAPPER.convertValue(e, Epoch.class)));
    return new SwapModel(ModelFiles.readGraph(new Path(root, AutoencoderModel.NETWORK), conf, false), ModelFiles.normalizer(root, conf),
        identities, images, LatentSparkConfig.parse(meta.get("config").toString()), history);
  }
}
