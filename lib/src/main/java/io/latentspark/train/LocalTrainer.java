package io.latentspark.train;

import io.latentspark.config.LatentSparkConfig;
import io.latentspark.model.AutoencoderModel;
import io.latentspark.model.EpochStats;
import io.latentspark.model.InputNormalizer;
import io.latentspark.model.NetworkFactory;
import io.latentspark.model.TrainingNetwork;
import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.dataset.DataSet;

/**
 * Trains the same network as {@link SparkTrainer} in this JVM, minibatch by minibatch in the given order:
 * the single-machine reference for parity tests and benchmarks.
 */
public final class LocalTrainer implements Trainer<List<float[]>> {
  private final LatentSparkConfig cfg;

  public LocalTrainer(LatentSparkConfig cfg) {
    this.cfg = cfg;
  }

  /** The network before any training (same seed, same initial weights as a training run). */
  public AutoencoderModel untrained() {
    MultiLayerNetwork net = new MultiLayerNetwork(NetworkFactory.build(cfg));
    net.init();
    return new AutoencoderModel(net, InputNormalizer.unit(), cfg, "none", List.of());
  }

  /** Trains on {@code train} (pixels in [0,1]) for {@code train.epochs} epochs with the unit normalisation. */
  public AutoencoderModel train(List<float[]> train, String inputPath) {
    return train(train, new TrainingRun(inputPath, null, null, null));
  }

  /** As {@link #train(List, String)}; of {@code run} only the input path is used (no checkpoints, no resume). */
  @Override
  public AutoencoderModel train(List<float[]> train, TrainingRun run) {
    String inputPath = run.inputPath();
    InputNormalizer normalizer = InputNormalizer.unit();
    int inputSize = cfg.data().inputSize();
    MultiLayerNetwork net = new TrainingNetwork(NetworkFactory.build(cfg));
    net.init();
    int bs = cfg.train().batchSizePerWorker();
    Batches.Maker maker = Batches.maker(cfg.model().spec(), cfg.data().shape());
    List<org.nd4j.linalg.api.ndarray.INDArray> batches = new ArrayList<>();
    for (int i = 0; i < train.size(); i += bs) {
      batches.add(Batches.features(train.subList(i, Math.min(train.size(), i + bs)), normalizer));
    }
    List<EpochStats> history = new ArrayList<>();
    for (int epoch = 1; epoch <= cfg.train().epochs(); epoch++) {
      long start = System.nanoTime();
      for (int b = 0; b < batches.size(); b++) {
        net.fit(maker.make(batches.get(b), ParameterAveraging.mix(cfg.seed(), epoch, b)));
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      history.add(new EpochStats(epoch, net.score(), Double.NaN, Double.NaN, "none", seconds, train.size() / seconds,
          Double.NaN, Double.NaN));
    }
    return new AutoencoderModel(net, normalizer, cfg, inputPath, history);
  }
}
