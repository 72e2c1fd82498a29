package io.latentspark.train;

import io.latentspark.config.LatentSparkConfig;
import io.latentspark.data.ImageSchema;
import io.latentspark.encode.NetworkSnapshot;
import io.latentspark.model.FastDense;
import io.latentspark.model.InputNormalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Greedy layer-wise pretraining of a stacked autoencoder, on Spark. For every encoder layer i (the latent layer
 * last), a shallow autoencoder - encoder layer i and its mirror in the decoder - is trained with parameter
 * averaging to reconstruct the codes of layers 0..i-1 (the normalised pixels for i = 0), which the executors
 * compute with the layers pretrained so far. Its two layers' parameters then replace those of the deep network,
 * which is afterwards fine-tuned end to end by {@link SparkTrainer}.
 */
final class GreedyPretrainer {
  private static final Logger LOG = LoggerFactory.getLogger(GreedyPretrainer.class);

  private GreedyPretrainer() {}

  /** What pretraining one layer reached: the shallow autoencoder's reconstruction loss on its last epoch. */
  record Layer(int index, long nIn, long nOut, double loss) {}

  /** Minibatches of the inputs of layer {@code layer}: the pixels for layer 0, else the codes of the layers below (from {@code snap}). */
  private static JavaRDD<DataSet> codes(Dataset<Row> train, int layer, Broadcast<NetworkSnapshot> snap, int pixelsIdx, int bs,
      InputNormalizer normalizer) {
    return train.javaRDD().mapPartitions(rows -> {
      MultiLayerNetwork below = layer == 0 ? null : snap.value().network();
      return new java.util.Iterator<DataSet>() {
        final java.util.Iterator<DataSet> pixels = Batches.fromRows(rows, pixelsIdx, bs, normalizer, Batches.AUTOENCODER, 0);

        @Override
        public boolean hasNext() {
          return pixels.hasNext();
        }

        @Override
        public DataSet next() {
          DataSet d = pixels.next();
          if (below == null) {
            return d;
          }
          INDArray x = below.feedForwardToLayer(layer - 1, d.getFeatures(), false).get(layer).dup();
          return new DataSet(x, x);
        }
      };
    });
  }

  /**
   * Pretrains the encoder layers of {@code net} (a dense stacked autoencoder, modified in place) on the rows of
   * {@code train}, {@code cfg.model().spec().greedyPretrainEpochs()} epochs per layer, with training masters from {@code master}
   * (given the layer index, so each exports its minibatches to its own scratch directory).
   */
  static List<Layer> pretrain(JavaSparkContext jsc, MultiLayerNetwork net, LatentSparkConfig cfg, Dataset<Row> train,
      InputNormalizer normalizer, IntFunction<ParameterAveragingTrainingMaster> master) {
    int encoderLayers = cfg.model().encoderLayers().size() + 1; // hidden layers and the latent layer
    int last = net.getnLayers() - 1;
    int pixelsIdx = train.schema().fieldIndex(ImageSchema.PIXELS);
    int bs = cfg.train().batchSizePerWorker();
    int inputSize = cfg.data().inputSize();
    List<Layer> done = new ArrayList<>();
    for (int i = 0; i < encoderLayers; i++) {
      int layer = i;
      int mirror = last - i;
      MultiLayerNetwork shallow = shallow(net, layer, mirror, cfg);
      // layer 0 learns from the pixels themselves; deeper layers from codes of the layers pretrained so far
      Broadcast<NetworkSnapshot> snap = layer == 0 ? null : jsc.broadcast(NetworkSnapshot.of(net, normalizer, layer, inputSize));
      JavaRDD<DataSet> codes = codes(train, layer, snap, pixelsIdx, bs, normalizer);
      ParameterAveragingTrainingMaster tm = master.apply(layer);
      SparkDl4jMultiLayer sparkNet = new SparkDl4jMultiLayer(jsc, shallow, tm);
      double loss = Double.NaN;
      try {
        for (int epoch = 1; epoch <= cfg.model().spec().greedyPretrainEpochs(); epoch++) {
          sparkNet.fit(codes);
          loss = sparkNet.getScore();
          if (!Double.isFinite(loss)) {
            throw new TrainingDivergedException("Pretraining layer " + layer + " diverged in epoch " + epoch + ": its loss became " + loss
                + "; lower train.learningRate or set model.stacked.pretrainEpochs = 0");
          }
        }
      } finally {
        tm.deleteTempFiles(jsc);
        if (snap != null) {
          snap.destroy();
        }
      }
      MultiLayerNetwork trained = sparkNet.getNetwork();
      net.getLayer(layer).setParams(trained.getLayer(0).params().dup());
      net.getLayer(mirror).setParams(trained.getLayer(1).params().dup());
      Layer result = new Layer(layer, trained.getLayer(0).getParam("W").size(0), trained.getLayer(0).getParam("W").size(1), loss);
      done.add(result);
      LOG.info(String.format("pretrained layer %d (%d -> %d, mirrored by layer %d) for %d epoch(s): shallow autoencoder loss %.5f", layer,
          result.nIn(), result.nOut(), mirror, cfg.model().spec().greedyPretrainEpochs(), loss));
    }
    return done;
  }

  /**
   * The shallow autoencoder of encoder layer {@code layer}: a copy of that layer, and an output layer shaped and
   * activated like its mirror {@code mirror} in the decoder. The first layer's shallow autoencoder uses the model's
   * reconstruction loss (its mirror is the output layer itself); deeper ones reconstruct codes with MSE.
   */
  static MultiLayerNetwork shallow(MultiLayerNetwork net, int layer, int mirror, LatentSparkConfig cfg) {
    NeuralNetConfiguration.ListBuilder list = new NeuralNetConfiguration.Builder().seed(cfg.seed() + layer)
        .updater(((BaseLayer) net.getLayerWiseConfigurations().getConf(layer).getLayer()).getIUpdater().clone()).list();
    DenseLayer encoder = (DenseLayer) net.getLayerWiseConfigurations().getConf(layer).getLayer().clone();
    list.layer(0, encoder);
    org.deeplearning4j.nn.conf.layers.Layer mirrorConf = net.getLayerWiseConfigurations().getConf(mirror).getLayer().clone();
    if (mirrorConf instanceof OutputLayer out) {
      list.layer(1, out);
    } else {
      DenseLayer d = (DenseLayer) mirrorConf;
      list.layer(1, new FastDense.Output(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(d.getNIn()).nOut(d.getNOut())
          .activation(d.getActivationFn()).weightInit(d.getWeightInitFn())));
    }
    MultiLayerNetwork shallow = new MultiLayerNetwork(list.build());
    shallow.init();
    return shallow;
  }
}
