package io.latentspark.spec;

/**
 * {@code stacked}: the dense network, first pretrained greedily on Spark (each encoder layer with its mirror as a
 * shallow autoencoder of the codes below it, {@code model.stacked.pretrainEpochs} epochs each), then fine-tuned.
 */
public record StackedSpec(NetworkSettings network, int pretrainEpochs) implements DenseFamilySpec {
  public static final String TYPE = "stacked";

  static StackedSpec read(Reader model, NetworkSettings network) {
    return new StackedSpec(network, model.section("stacked").nonNegativeInt("pretrainEpochs"));
  }

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public int greedyPretrainEpochs() {
    return pretrainEpochs;
  }
}
