package io.latentspark.config;

import java.io.Serializable;
import java.util.List;

/** The autoencoder's architecture and loss ({@code model.*}). */
public record ModelConfig(
    String type,
    List<Integer> encoderLayers,
    int latentSize,
    String activation,
    String latentActivation,
    String outputActivation,
    String loss,
    double l2,
    String corruption,
    double corruptionAmount,
    double corruptionSize,
    String sparsity,
    double sparsityWeight,
    double sparsityTarget,
    int sparsityK,
    double contractiveLambda,
    int pretrainEpochs,
    List<Integer> convChannels,
    int convKernel,
    String vaeArchitecture,
    double vaeBeta,
    int sequenceHidden)
    implements Serializable {

  public static final String STACKED = "stacked";
  public static final String CONV = "conv";
  public static final String VAE = "vae";
  public static final String SEQ2SEQ = "seq2seq";

  /** true for a deep/stacked autoencoder (the dense network, greedily pretrained layer by layer before fine-tuning). */
  public boolean stacked() {
    return type.equals(STACKED);
  }

  /** true for a variational autoencoder (dense or convolutional, {@code model.vae.architecture}). */
  public boolean variational() {
    return type.equals(VAE);
  }

  /** true when the network has strided convolutions: a convolutional autoencoder or a convolutional VAE. */
  public boolean convolutional() {
    return type.equals(CONV) || (variational() && vaeArchitecture.equals("conv"));
  }

  /** true for the sequence-to-sequence LSTM autoencoder (image rows as time steps). */
  public boolean sequence() {
    return type.equals(SEQ2SEQ);
  }

  public static final String CONTRACTIVE = "contractive";

  /** true for a contractive autoencoder (its latent layer penalises its Jacobian). */
  public boolean contractive() {
    return type.equals(CONTRACTIVE);
  }

  public static final String SPARSE = "sparse";

  /** true for a sparse autoencoder (a sparsity layer follows the latent layer). */
  public boolean sparse() {
    return type.equals(SPARSE);
  }

  public static final String DENSE = "dense";
  public static final String DENOISING = "denoising";

  /** true for a denoising autoencoder (its input is corrupted while it trains). */
  public boolean denoising() {
    return type.equals(DENOISING);
  }

  static ModelConfig read(Settings s) {
    String outputActivation = s.oneOf("outputActivation", "sigmoid", "identity");
    String loss = s.oneOf("loss", "mse", "bce");
    if (loss.equals("bce") && !outputActivation.equals("sigmoid")) {
      throw s.invalid("loss", loss, "bce needs model.outputActivation = sigmoid (it is " + outputActivation + ")");
    }
    String type = s.oneOf("type", DENSE, DENOISING, SPARSE, CONTRACTIVE, STACKED, CONV, VAE, SEQ2SEQ);
    Settings c = s.section("corruption");
    String corruption = c.oneOf("type", "gaussian", "masking", "salt-pepper", "occlusion");
    double amount = c.number("amount");
    if (corruption.equals("gaussian") ? !(amount > 0 && amount <= 10) : !(amount > 0 && amount < 1)) {
      throw c.invalid("amount", amount, corruption.equals("gaussian")
          ? "for gaussian noise it is the standard deviation: > 0 and <= 10" : "for " + corruption + " it is a fraction: > 0 and < 1");
    }
    double size = c.number("size");
    if (!(size > 0 && size < 1)) {
      throw c.invalid("size", size, "the occlusion side as a fraction of the image side: > 0 and < 1");
    }
    Settings sp = s.section("sparsity");
    String penalty = sp.oneOf("penalty", "kl", "l1", "l2", "k-sparse");
    double target = sp.number("target");
    if (!(target > 0 && target < 1)) {
      throw sp.invalid("target", target, "the target mean activation must be > 0 and < 1");
    }
    int latentSize = s.positiveInt("latentSize");
    int k = sp.positiveInt("k");
    String latentActivation = s.oneOf("latentActivation", "identity", "relu", "tanh", "sigmoid");
    if (type.equals(CONTRACTIVE) && !latentActivation.equals("sigmoid")) {
      throw s.invalid("latentActivation", latentActivation, "a contractive autoencoder's penalty is in closed form for sigmoid "
          + "latent units: set model.latentActivation = sigmoid");
    }
    if (type.equals(SPARSE)) {
      if (penalty.equals("kl") && !latentActivation.equals("sigmoid")) {
        throw sp.invalid("penalty", penalty, "the KL penalty needs activations in (0,1): set model.latentActivation = sigmoid (it is "
            + latentActivation + ")");
      }
      if (penalty.equals("k-sparse") && k >= latentSize) {
        throw sp.invalid("k", k, "k-sparse keeps k of the model.latentSize = " + latentSize + " units: k must be smaller");
      }
    }
    return new ModelConfig(
        type,
        s.positiveIntList("encoderLayers"),
        s.positiveInt("latentSize"),
        s.oneOf("activation", "relu", "leakyrelu", "elu", "tanh", "sigmoid", "identity"),
        s.oneOf("latentActivation", "identity", "relu", "tanh", "sigmoid"),
        outputActivation,
        loss,
        s.nonNegativeNumber("l2"),
        corruption,
        amount,
        size,
        penalty,
        sp.nonNegativeNumber("weight"),
        target,
        k,
        s.section("contractive").nonNegativeNumber("lambda"),
        s.section("stacked").nonNegativeInt("pretrainEpochs"),
        convChannels(s.section("conv")),
        convKernel(s.section("conv")),
        s.section("vae").oneOf("architecture", "dense", "conv"),
        s.section("vae").nonNegativeNumber("beta"),
        s.section("seq2seq").positiveInt("hidden"));
  }

  private static List<Integer> convChannels(Settings c) {
    List<Integer> channels = c.positiveIntList("channels");
    if (channels.isEmpty() || channels.size() > 5) {
      throw c.invalid("channels", channels, "one to five stride-2 convolutions, e.g. [32, 64]");
    }
    return channels;
  }

  private static int convKernel(Settings c) {
    int k = c.positiveInt("kernel");
    if (k % 2 == 0 || k > 9) {
      throw c.invalid("kernel", k, "the kernel side must be odd and at most 9 (3, 5, 7 or 9)");
    }
    return k;
  }
}
