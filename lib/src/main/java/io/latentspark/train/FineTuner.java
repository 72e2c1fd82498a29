package io.latentspark.train;

import io.latentspark.config.FinetuneConfig;
import io.latentspark.config.LatentSparkConfig;
import io.latentspark.data.ImageSchema;
import io.latentspark.encode.BatchedIterator;
import io.latentspark.encode.Predictions;
import io.latentspark.model.AutoencoderModel;
import io.latentspark.model.ClassifierModel;
import io.latentspark.model.InputNormalizer;
import io.latentspark.model.NetworkFactory;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.storage.StorageLevel;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Supervised fine-tuning of a pretrained encoder, the stacked-autoencoder recipe: a softmax head on the codes is
 * trained with the encoder frozen ({@code finetune.headEpochs}), then every layer ({@code finetune.epochs}); or, as the
 * baseline, the same network from a fresh initialisation, every layer for all the epochs. Training is dl4j-spark's
 * parameter averaging on the labelled train rows ({@code train.workers} x {@code train.batchSizePerWorker}, averaging
 * every {@code train.averagingFrequency} minibatches); after each phase the accuracy on the test split (validation
 * when there is none) is measured on Spark.
 */
public final class FineTuner {
  private static final Logger LOG = LoggerFactory.getLogger(FineTuner.class);

  private FineTuner() {}

  /**
   * Fine-tunes {@code pretrained}'s encoder (or, with {@code finetune.init = scratch}, the same network freshly built
   * from {@code cfg}; {@code pretrained} may then be null) on the labelled train rows of {@code images}.
   */
  public static ClassifierModel run(SparkSession spark, AutoencoderModel pretrained, String encoderFrom, Dataset<Row> images,
      LatentSparkConfig cfg) {
    FinetuneConfig f = cfg.finetune();
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Dataset<Row> train = labelled(images, f.labels(), cfg.seed());
    List<String> classes = new ArrayList<>();
    for (Row r : train.select(ImageSchema.LABEL).distinct().orderBy(ImageSchema.LABEL).collectAsList()) {
      classes.add(r.getString(0));
    }
    if (classes.size() < 2) {
      throw new IllegalArgumentException("Fine-tuning needs labelled train images of at least two labels; the "
          + (f.labels() > 0 ? f.labels() + " selected (finetune.labels)" : "train split's") + " have " + classes);
    }
    String evalSplit = images.where(functions.col(ImageSchema.SPLIT).equalTo(ImageSchema.TEST)).isEmpty() ? ImageSchema.VALIDATION : ImageSchema.TEST;
    Dataset<Row> eval = images.where(functions.col(ImageSchema.SPLIT).equalTo(evalSplit).and(functions.col(ImageSchema.LABEL).isin(classes.toArray())));

    AutoencoderModel start = f.scratch() || pretrained == null ? fresh(cfg, train) : pretrained;
    LatentSparkConfig modelCfg = start.config();
    int latent = start.latentLayerIndex();
    int code = modelCfg.model().latentSize();
    int inputSize = modelCfg.data().inputSize();
    InputNormalizer normalizer = start.normalizer();
    int workers = cfg.train().workers() > 0 ? cfg.train().workers() : jsc.defaultParallelism();
    JavaRDD<DataSet> batches = batches(train, classes, normalizer, workers, cfg.train().batchSizePerWorker());
    long count = train.count();
    LOG.info("Fine-tuning {} on {} labelled images of {} classes ({} workers): {} head epochs, {} epochs of all layers; accuracy on {}",
        f.scratch() ? "a freshly initialised " + modelCfg.model().type() + " encoder" : "the encoder of " + encoderFrom, count, classes.size(),
        workers, f.scratch() ? 0 : f.headEpochs(), f.scratch() ? f.headEpochs() + f.epochs() : f.epochs(), evalSplit);
    List<ClassifierModel.Epoch> history = new ArrayList<>();
    try {
      MultiLayerNetwork net = null;
      int epoch = 0;
      if (!f.scratch() && f.headEpochs() > 0) {
        net = ClassifierModel.network(start.network(), latent, code, classes.size(), f.learningRate(), cfg.seed(), true);
        net = fit(jsc, net, batches, cfg, f.headEpochs(), "head", epoch, history, eval, evalSplit, classes, normalizer, inputSize, spark);
        epoch += f.headEpochs();
      }
      int all = f.scratch() ? f.headEpochs() + f.epochs() : f.epochs();
      if (all > 0) {
        MultiLayerNetwork open = ClassifierModel.network(start.network(), latent, code, classes.size(), f.learningRate(), cfg.seed(), false);
        if (net != null) {
          open.setParams(net.params().dup());
        }
        net = fit(jsc, open, batches, cfg, all, "all", epoch, history, eval, evalSplit, classes, normalizer, inputSize, spark);
      }
      return new ClassifierModel(net, normalizer, classes, count, cfg, f.scratch() ? "scratch" : encoderFrom, history);
    } finally {
      batches.unpersist(false);
    }
  }

  /** The labelled train rows; with {@code limit} > 0 the first {@code limit} in the hash order evaluate.trainLimit uses. */
  static Dataset<Row> labelled(Dataset<Row> images, int limit, long seed) {
    Dataset<Row> train = images.where(functions.col(ImageSchema.SPLIT).equalTo(ImageSchema.TRAIN).and(functions.col(ImageSchema.LABEL).isNotNull()));
    return limit > 0 ? train.orderBy(functions.xxhash64(functions.col(ImageSchema.ID), functions.lit(seed))).limit(limit) : train;
  }

  /** The autoencoder network of {@code cfg}, freshly initialised with its seed, with the normalisation fitted on {@code train}. */
  static AutoencoderModel fresh(LatentSparkConfig cfg, Dataset<Row> train) {
    MultiLayerNetwork net = new MultiLayerNetwork(NetworkFactory.build(cfg));
    net.init();
    return new AutoencoderModel(net, Normalizers.fit(cfg.data(), train), cfg, "scratch", List.of());
  }

  /** Minibatches of normalised pixels and one-hot labels, spread over {@code workers} partitions and cached. */
  static JavaRDD<DataSet> batches(Dataset<Row> train, List<String> classes, InputNormalizer normalizer, int workers, int bs) {
    int pxIdx = train.schema().fieldIndex(ImageSchema.PIXELS);
    int labelIdx = train.schema().fieldIndex(ImageSchema.LABEL);
    List<String> names = List.copyOf(classes);
    JavaRDD<DataSet> b = train.repartition(workers).javaRDD().mapPartitions(rows -> new BatchedIterator<>(rows, bs, batch -> {
      List<float[]> px = new ArrayList<>(batch.size());
      float[] labels = new float[batch.size() * names.size()];
      for (int i = 0; i < batch.size(); i++) {
        px.add(ImageSchema.pixels(batch.get(i), pxIdx));
        labels[i * names.size() + names.indexOf(batch.get(i).getString(labelIdx))] = 1;
      }
      return List.of(new DataSet(Batches.features(px, normalizer), Nd4j.create(labels, new long[] {px.size(), names.size()})));
    }));
    b.persist(StorageLevel.MEMORY_AND_DISK_SER());
    return b;
  }

  private static MultiLayerNetwork fit(JavaSparkContext jsc, MultiLayerNetwork net, JavaRDD<DataSet> batches, LatentSparkConfig cfg, int epochs,
      String phase, int epochBefore, List<ClassifierModel.Epoch> history, Dataset<Row> eval, String split, List<String> classes,
      InputNormalizer normalizer, int inputSize, SparkSession spark) {
    int workers = batches.getNumPartitions();
    ParameterAveragingTrainingMaster master = Dl4jSparkEngine.directMaster(cfg.train(), workers, cfg.seed());
    SparkDl4jMultiLayer sparkNet = new SparkDl4jMultiLayer(jsc, net, master);
    for (int e = 1; e <= epochs; e++) {
      long t0 = System.nanoTime();
      sparkNet.fit(batches);
      double seconds = (System.nanoTime() - t0) / 1e9;
      double acc = e < epochs ? Double.NaN : Predictions.accuracy(Predictions.table(spark, sparkNet.getNetwork(), normalizer, classes, eval,
          inputSize, cfg.encode().batchSize()));
      history.add(new ClassifierModel.Epoch(epochBefore + e, phase, sparkNet.getScore(), acc, split, seconds));
      LOG.info(String.format("fine-tune epoch %d (%s)  %.1f s  loss %.4f  %s accuracy %.4f", epochBefore + e, phase, seconds,
          sparkNet.getScore(), split, acc));
    }
    return sparkNet.getNetwork();
  }
}
