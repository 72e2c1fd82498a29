package io.latentspark.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.latentspark.config.LatentSparkConfig;
import io.latentspark.util.Json;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.transferlearning.FineTuneConfiguration;
import org.deeplearning4j.nn.transferlearning.TransferLearning;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * A classifier made of an autoencoder's encoder (its layers up to and including the code layer) and a softmax head
 * over the classes (the label words, sorted). Saved as a directory: {@code classifier.json} (format, classes, the
 * number of labelled training images, where the encoder came from, the config, per-epoch history), {@code network.zip} and {@code normalizer.json}.
 */
public final class ClassifierModel {
  public static final int FORMAT_VERSION = 1;
  static final String METADATA = "classifier.json";

  /**
   * One epoch: which phase (head = encoder frozen, all = every layer), DL4J's last loss, and the accuracy on the
   * evaluation split (measured after the last epoch of each phase; NaN after the others).
   */
  public record Epoch(int epoch, String phase, double trainLoss, double accuracy, String accuracySplit, double seconds) {}

  private final MultiLayerNetwork network;
  private final InputNormalizer normalizer;
  private final List<String> classes;
  private final long trainingImages;
  private final LatentSparkConfig config;
  private final String encoderFrom;
  private final List<Epoch> history;

  public ClassifierModel(MultiLayerNetwork network, InputNormalizer normalizer, List<String> classes, long trainingImages,
      LatentSparkConfig config, String encoderFrom, List<Epoch> history) {
    this.network = network;
    this.normalizer = normalizer;
    this.classes = List.copyOf(classes);
    this.trainingImages = trainingImages;
    this.config = config;
    this.encoderFrom = encoderFrom;
    this.history = List.copyOf(history);
  }

  /**
   * The classifier network on the encoder of {@code autoencoder} (layers 0..{@code latentLayer}, parameters copied;
   * the autoencoder is not modified) with a new softmax head of {@code classes} outputs on its {@code codeSize} codes,
   * Adam at {@code learningRate}. With {@code frozen} the encoder's layers are DL4J frozen layers (only the head
   * learns); the parameter vector has the same layout either way, so a frozen network's parameters can be loaded
   * into an unfrozen one.
   */
  public static MultiLayerNetwork network(MultiLayerNetwork autoencoder, int latentLayer, int codeSize, int classes, double learningRate,
      long seed, boolean frozen) {
    FineTuneConfiguration ft = new FineTuneConfiguration.Builder().updater(new FastAdam(learningRate)).seed(seed).build();
    TransferLearning.Builder b = new TransferLearning.Builder(autoencoder.clone()).fineTuneConfiguration(ft)
        .removeLayersFromOutput(autoencoder.getnLayers() - latentLayer - 1)
        .addLayer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(codeSize).nOut(classes).activation(Activation.SOFTMAX)
            .weightInit(WeightInit.XAVIER).build());
    if (frozen) {
      b.setFeatureExtractor(latentLayer);
    }
    return b.build();
  }

  /** true when layer {@code i} of {@code net} is frozen (does not learn). */
  public static boolean frozen(MultiLayerNetwork net, int i) {
    Layer l = net.getLayer(i);
    return l instanceof org.deeplearning4j.nn.layers.FrozenLayer || l instanceof org.deeplearning4j.nn.layers.FrozenLayerWithBackprop;
  }

  public MultiLayerNetwork network() {
    return network;
  }

  public InputNormalizer normalizer() {
    return normalizer;
  }

  public List<String> classes() {
    return classes;
  }

  /** The labelled images it was trained on. */
  public long trainingImages() {
    return trainingImages;
  }

  public LatentSparkConfig config() {
    return config;
  }

  public List<Epoch> history() {
    return history;
  }

  public String encoderFrom() {
    return encoderFrom;
  }

  /** Writes the directory atomically (refuses an existing one unless {@code overwrite}). */
  public void save(String dir, Configuration conf, boolean overwrite) {
    ObjectNode m = ModelFiles.header(FORMAT_VERSION, "classifier");
    m.put("encoderFrom", encoderFrom);
    m.set("classes", Json.MAPPER.valueToTree(classes));
    m.put("trainingImages", trainingImages);
    m.set("history", Json.MAPPER.valueToTree(history));
    m.set("config", Json.read(config.render()));
    ModelFiles.write(dir, conf, overwrite, network, false, normalizer, METADATA, Json.write(m));
  }

  /** Reads a directory written by {@link #save}; errors name the directory and what is wrong. */
  public static ClassifierModel load(String dir, Configuration conf) {
    Path root = new Path(dir);
    JsonNode meta = ModelFiles.readMetadata(root, conf, METADATA, "a LatentSpark classifier (finetune writes OUT/classifier)", FORMAT_VERSION);
    List<String> classes = new ArrayList<>();
    meta.get("classes").forEach(c -> classes.add(c.asText()));
    List<Epoch> history = new ArrayList<>();
    meta.get("history").forEach(e -> history.add(Json.MAPPER.convertValue(e, Epoch.class)));
    MultiLayerNetwork net = AutoencoderModel.readNetwork(new Path(root, AutoencoderModel.NETWORK), conf, false);
    return new ClassifierModel(net, ModelFiles.normalizer(root, conf), classes,
        meta.path("trainingImages").asLong(), LatentSparkConfig.parse(meta.get("config").toString()), meta.path("encoderFrom").asText(), history);
  }
}
