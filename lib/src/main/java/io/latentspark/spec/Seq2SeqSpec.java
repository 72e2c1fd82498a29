package io.latentspark.spec;

/**
 * {@code seq2seq}: the image rows are the time steps (channels x width values each); an LSTM encoder's last
 * output goes through a dense code layer, is repeated once per step into an LSTM decoder, and a time-distributed
 * dense layer maps each step back to a row ({@code model.seq2seq.hidden} units per LSTM).
 */
public record Seq2SeqSpec(NetworkSettings network, int hidden) implements AutoencoderSpec {
  public static final String TYPE = "seq2seq";

  static Seq2SeqSpec read(Reader model, NetworkSettings network) {
    return new Seq2SeqSpec(network, model.section("seq2seq").positiveInt("hidden"));
  }

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public NetworkPlan plan(ImageShape shape) {
    int features = shape.channels() * shape.width();
    return new NetworkPlan.Builder(shape, NetworkPlan.Input.FEED_FORWARD, Activation.TANH)
        .add(new LayerSpec.ToSequence(shape))
        .add(new LayerSpec.LstmLastStep(features, hidden))
        .add(new LayerSpec.Dense(hidden, network.latentSize(), network.latentActivation(), false, null)).latent()
        .add(new LayerSpec.RepeatSteps(shape.height()))
        .add(new LayerSpec.Lstm(network.latentSize(), hidden))
        .add(new LayerSpec.StepwiseDense(hidden, features, network.outputActivation()))
        .add(new LayerSpec.ToFlat(shape))
        .add(new LayerSpec.FlatLoss(reconstructionLoss()))
        .build();
  }

  @Override
  public String describe(ImageShape shape) {
    int steps = shape.height();
    int features = shape.channels() * shape.width();
    return String.format("%d steps x %d -> LSTM %d -> %d -> repeat %d -> LSTM %d -> %d steps x %d", steps, features, hidden,
        network.latentSize(), steps, hidden, steps, features);
  }
}
