package io.latentspark.model;

import io.latentspark.TestData;
import java.util.List;
import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Shared set-up for gradient checks of LatentSpark's DL4J layers: double precision, SGD with lr 1 (no updater state). */
final class GradientChecks {
  private GradientChecks() {}

  /** An initialised double-precision network of a 2x4 "image" autoencoder with the given settings. */
  static MultiLayerNetwork network(String... settings) {
    List<String> all = new java.util.ArrayList<>(List.of("data.height=2", "data.width=4", "train.optimizer=sgd", "train.learningRate=1.0"));
    all.addAll(List.of(settings));
    MultiLayerConfiguration conf = NetworkFactory.build(TestData.config(all.toArray(String[]::new)));
    conf.setDataType(DataType.DOUBLE);
    MultiLayerNetwork net = new MultiLayerNetwork(conf);
    net.init();
    return net;
  }

  /** Runs {@code body} with ND4J's default data type set to double, restoring it afterwards. */
  static void inDouble(Runnable body) {
    DataType was = Nd4j.dataType();
    Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
    try {
      body.run();
    } finally {
      Nd4j.setDefaultDataTypes(was, was);
    }
  }

  /** DL4J's gradient check of {@code net} reconstructing {@code x}. */
  static boolean passes(MultiLayerNetwork net, INDArray x) {
    return GradientCheckUtil.checkGradients(new GradientCheckUtil.MLNConfig().net(net).input(x).labels(x)
        .epsilon(1e-6).maxRelError(1e-3).minAbsoluteError(1e-8));
  }

  /**
   * The same for a network that samples noise in training passes (a VAE): ND4J's generator is reseeded before
   * every pass, so each finite difference sees the same noise as the analytic gradient.
   */
  static boolean passesWithFixedNoise(MultiLayerNetwork net, INDArray x) {
    return GradientCheckUtil.checkGradients(new GradientCheckUtil.MLNConfig().net(net).input(x).labels(x)
        .epsilon(1e-6).maxRelError(1e-3).minAbsoluteError(1e-8).callEachIter(n -> Nd4j.getRandom().setSeed(11)));
  }
}
