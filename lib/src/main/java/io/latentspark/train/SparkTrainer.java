package io.latentspark.train;

import io.latentspark.config.LatentSparkConfig;
import io.latentspark.config.TrainConfig;
import io.latentspark.data.ImageSchema;
import io.latentspark.encode.NetworkSnapshot;
import io.latentspark.encode.SparkEncoder;
import io.latentspark.model.AutoencoderModel;
import io.latentspark.model.EpochStats;
import io.latentspark.model.InputNormalizer;
import io.latentspark.model.NetworkFactory;
import io.latentspark.util.Outputs;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.nd4j.linalg.dataset.DataSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains an autoencoder on Spark with dl4j-spark's {@link ParameterAveragingTrainingMaster}: the training
 * split is cut into minibatches of {@code train.batchSizePerWorker}, {@code train.workers} workers fit
 * {@code train.averagingFrequency} minibatches each between parameter (and updater state) averaging rounds.
 * After every epoch the driver measures training and validation reconstruction MSE on the executors and
 * writes a checkpoint.
 */
public final class SparkTrainer {
  private static final Logger LOG = LoggerFactory.getLogger(SparkTrainer.class);

  private final LatentSparkConfig cfg;

  public SparkTrainer(LatentSparkConfig cfg) {
    this.cfg = cfg;
  }

  /** Trains on the rows of {@code images} whose split is train; validation rows (or test rows) measure progress. */
  public AutoencoderModel train(SparkSession spark, Dataset<Row> images, TrainingRun run) {
    ImageSchema.check(images.schema());
    TrainConfig t = cfg.train();
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Configuration hconf = jsc.hadoopConfiguration();
    int workers = t.workers() > 0 ? t.workers() : jsc.defaultParallelism();

    Dataset<Row> train = images.where(functions.col(ImageSchema.SPLIT).equalTo(ImageSchema.TRAIN));
    long trainCount = train.count();
    if (trainCount == 0) {
      throw new IllegalArgumentException("The dataset " + run.inputPath() + " has no rows in the train split");
    }
    String valSplit = ImageSchema.VALIDATION;
    Dataset<Row> validation = images.where(functions.col(ImageSchema.SPLIT).equalTo(valSplit));
    if (validation.isEmpty()) {
      valSplit = ImageSchema.TEST;
      validation = images.where(functions.col(ImageSchema.SPLIT).equalTo(valSplit));
    }
    Dataset<Row> trainSample = t.lossSampleSize() == 0 || t.lossSampleSize() >= trainCount
        ? train : train.sample(false, Math.min(1.0, 1.1 * t.lossSampleSize() / trainCount), cfg.seed()).limit(t.lossSampleSize());

    InputNormalizer normalizer = Normalizers.fit(cfg.data(), train);
    int inputSize = cfg.data().inputSize();
    int latent = NetworkFactory.latentLayerIndex(cfg.model());
    MultiLayerConfiguration conf = NetworkFactory.dense(cfg.model(), t, inputSize, cfg.seed());
    MultiLayerNetwork net = new MultiLayerNetwork(conf);
    net.init();
    LOG.info("Training {} autoencoder on {} images, layers {} -> {}, {} parameters, {} workers x batch {}, averaging every {} batches",
        cfg.model().type(), trainCount, inputSize, NetworkFactory.layerSizes(cfg.model(), inputSize), net.numParams(),
        workers, t.batchSizePerWorker(), t.averagingFrequency());

    int pixelsIdx = train.schema().fieldIndex(ImageSchema.PIXELS);
    int bs = t.batchSizePerWorker();
    JavaRDD<DataSet> batches = train.repartition(workers).javaRDD()
        .mapPartitions(rows -> Batches.fromRows(rows, pixelsIdx, bs, normalizer));

    Path scratch = scratchDir(run.scratchDir() != null ? run.scratchDir() : t.scratchDir(), hconf, jsc.sc().applicationId());
    String exportDir = new Path(scratch, "dl4j-export").toString();
    ParameterAveragingTrainingMaster tm = new ParameterAveragingTrainingMaster.Builder(workers, bs)
        .batchSizePerWorker(bs)
        .averagingFrequency(t.averagingFrequency())
        .workerPrefetchNumBatches(t.prefetchBatches())
        .saveUpdater(true)
        .rngSeed(cfg.seed())
        .rddTrainingApproach(RDDTrainingApproach.Export)
        .exportDirectory(exportDir)
        .build();
    SparkDl4jMultiLayer sparkNet = new SparkDl4jMultiLayer(jsc, net, tm);

    List<EpochStats> history = new ArrayList<>();
    AutoencoderModel model = new AutoencoderModel(net, normalizer, cfg, run.inputPath(), history);
    try {
      for (int epoch = 1; epoch <= t.epochs(); epoch++) {
        long start = System.nanoTime();
        sparkNet.fit(batches);
        double seconds = (System.nanoTime() - start) / 1e9;
        double score = sparkNet.getScore();
        MultiLayerNetwork current = sparkNet.getNetwork();
        Broadcast<NetworkSnapshot> snap = jsc.broadcast(NetworkSnapshot.of(current, normalizer, latent, inputSize));
        double valMse = SparkEncoder.meanMse(jsc, snap, validation, cfg.encode().batchSize())[0];
        double trainMse = SparkEncoder.meanMse(jsc, snap, trainSample, cfg.encode().batchSize())[0];
        snap.destroy();
        EpochStats stats = new EpochStats(epoch, score, trainMse, valMse, valSplit, seconds, trainCount / seconds);
        history.add(stats);
        LOG.info(String.format("epoch %d/%d  %.1f s  %.0f examples/s  train score %.5f  train MSE %.5f  %s MSE %.5f",
            epoch, t.epochs(), seconds, stats.examplesPerSecond(), score, trainMse, valSplit, valMse));
        model = new AutoencoderModel(current, normalizer, cfg, run.inputPath(), history);
        if (run.checkpointDir() != null) {
          checkpoint(model, run.checkpointDir(), epoch, t.keepCheckpoints(), hconf);
        }
        if (run.onEpoch() != null) {
          run.onEpoch().accept(stats, model);
        }
      }
    } finally {
      tm.deleteTempFiles(jsc);
      Outputs.abort(scratch, hconf);
    }
    return model;
  }

  /**
   * The scratch directory for exported minibatches: {@code configured}, or /tmp/latentspark-APPID on the
   * default file system. dl4j-spark writes the batches with a fresh Hadoop Configuration and reads them back
   * by path without scheme, so the directory must be on {@code fs.defaultFS}.
   */
  static Path scratchDir(String configured, Configuration hconf, String appId) {
    java.net.URI defaultFs = org.apache.hadoop.fs.FileSystem.getDefaultUri(hconf);
    if (configured == null || configured.isBlank()) {
      return new Path(defaultFs.getScheme(), defaultFs.getAuthority(), "/tmp/latentspark-" + appId);
    }
    Path p = new Path(configured);
    java.net.URI u = p.toUri();
    boolean sameFs = u.getScheme() == null
        || (u.getScheme().equals(defaultFs.getScheme()) && java.util.Objects.equals(u.getAuthority(), defaultFs.getAuthority()));
    if (!sameFs) {
      throw io.latentspark.config.ConfigError.invalid("train.scratchDir", configured, "it must be on the default file system "
          + defaultFs + " (fs.defaultFS), where dl4j-spark reads its exported minibatches back by path");
    }
    return p;
  }

  /** Saves {@code epoch-NNNN} under {@code dir} and deletes all but the newest {@code keep} checkpoints. */
  static void checkpoint(AutoencoderModel model, String dir, int epoch, int keep, Configuration hconf) {
    String name = String.format("epoch-%04d", epoch);
    model.save(new Path(dir, name).toString(), hconf, true);
    try {
      Path root = new Path(dir);
      FileSystem fs = Outputs.fs(root, hconf);
      FileStatus[] all = fs.listStatus(root, p -> p.getName().startsWith("epoch-"));
      Arrays.sort(all, (a, b) -> a.getPath().getName().compareTo(b.getPath().getName()));
      for (int i = 0; i < all.length - keep; i++) {
        fs.delete(all[i].getPath(), true);
      }
    } catch (IOException e) {
      LOG.warn("Cannot prune old checkpoints in {}: {}", dir, e.getMessage());
    }
  }
}
