package io.latentspark.encode;

import io.latentspark.model.AutoencoderModel;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

/** Features from the trained DL4J network, broadcast once; each task builds its own network from the snapshot. */
public final class Dl4jFeatures implements FeatureEncoder {
  private static final long serialVersionUID = 1L;
  private final Broadcast<NetworkSnapshot> snapshot;
  private final int layer;
  private final boolean errorMap;
  private final boolean logVar;

  private Dl4jFeatures(Broadcast<NetworkSnapshot> snapshot, int layer, boolean errorMap, boolean logVar) {
    this.snapshot = snapshot;
    this.layer = layer;
    this.errorMap = errorMap;
    this.logVar = logVar;
  }

  /** Features of {@code layer} (-1 = the code) of {@code model}; checks the layer on the driver. */
  public static Dl4jFeatures of(JavaSparkContext jsc, AutoencoderModel model, int layer, boolean errorMap) {
    int latent = model.latentLayerIndex();
    if (layer > latent) {
      throw new IllegalArgumentException("Cannot set encode.layer to " + layer + ": the model's encoder layers are 0.." + latent
          + " (" + latent + " = the latent layer; -1 also means the latent layer)");
    }
    boolean logVar = layer < 0 && BatchEncoder.variational(model.network(), latent);
    return new Dl4jFeatures(jsc.broadcast(NetworkSnapshot.of(model)), layer, errorMap, logVar);
  }

  @Override
  public Batch open() {
    BatchEncoder enc = BatchEncoder.of(snapshot.value(), layer, errorMap);
    return enc::encode;
  }

  @Override
  public boolean logVar() {
    return logVar;
  }

  @Override
  public boolean errorMap() {
    return errorMap;
  }
}
