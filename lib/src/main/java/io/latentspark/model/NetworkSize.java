package io.latentspark.model;

import io.latentspark.config.LatentSparkConfig;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;

/**
 * The size of the network a config builds, without allocating it: parameters (from the layers' initialisers) and
 * activation values per example summed over the input and every layer (from DL4J's activation types; dense, conv
 * and LSTM alike).
 */
public record NetworkSize(long params, long activationsPerExample) {

  public static NetworkSize of(LatentSparkConfig cfg) {
    int in = cfg.data().inputSize();
    MultiLayerConfiguration conf = NetworkFactory.build(cfg);
    long params = 0;
    for (int i = 0; i < conf.getConfs().size(); i++) {
      params += conf.getConf(i).getLayer().initializer().numParams(conf.getConf(i));
    }
    long widths = in;
    long last = in;
    for (InputType type : conf.getLayerActivationTypes(InputType.feedForward(in))) {
      long e = type.arrayElementsPerExample();
      last = e > 0 ? e : last; // DL4J reports a LossLayer's output as size 0; it is as wide as its input
      widths += last;
    }
    return new NetworkSize(params, widths);
  }
}
