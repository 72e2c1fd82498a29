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
import org.apache.spark.util.CollectionAccumulator;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.nd4j.linalg.dataset.DataSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains an autoencoder on Spark with parameter averaging: the training split is cut into minibatches of
 * {@code train.batchSizePerWorker}, {@code train.workers} workers fit {@code train.averagingFrequency}
 * minibatches each between parameter (and updater state) averaging rounds - with LatentSpark's own
 * {@link ParameterAveraging} ({@code train.engine = latentspark}) or dl4j-spark's
 * {@link ParameterAveragingTrainingMaster} ({@code dl4j-spark}).
 * After every epoch the driver measures training and validation reconstruction MSE on the executors and
 * writes a checkpoint.
 */
public final class SparkTrainer {
  private static final Logger LOG = LoggerFactory.getLogger(SparkTrainer.class);

  private final LatentSparkConfig cfg;
  private double preparationSeconds;

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
    int threads = t.threadsPerWorker() > 0 ? t.threadsPerWorker() : Integer.parseInt(jsc.getConf().get("spark.task.cpus", "1"));

    Dataset<Row> train = images.where(functions.col(ImageSchema.SPLIT).equalTo(ImageSchema.TRAIN));
    if (!t.labels().isEmpty()) {
      train = train.where(functions.col(ImageSchema.LABEL).isin(t.labels().toArray()));
    }
    long trainCount = train.count();
    if (trainCount == 0) {
      throw new IllegalArgumentException("The dataset " + run.inputPath() + " has no rows in the train split"
          + (t.labels().isEmpty() ? "" : " with a label in train.labels = " + t.labels()));
    }
    String valSplit = io.latentspark.data.Splits.evaluationSplit(images);
    Dataset<Row> validation = images.where(functions.col(ImageSchema.SPLIT).equalTo(valSplit));
    if (!t.labels().isEmpty()) {
      validation = validation.where(functions.col(ImageSchema.LABEL).isin(t.labels().toArray()));
    }
    Dataset<Row> trainSample = t.lossSampleSize() == 0 || t.lossSampleSize() >= trainCount
        ? train : train.sample(false, Math.min(1.0, 1.1 * t.lossSampleSize() / trainCount), cfg.seed()).limit(t.lossSampleSize());

    int inputSize = cfg.data().inputSize();
    int latent = NetworkFactory.latentLayerIndex(cfg);
    AutoencoderModel resume = run.resumeFrom();
    InputNormalizer normalizer;
    MultiLayerNetwork net;
    List<EpochStats> history = new ArrayList<>();
    if (resume != null) {
      checkResumable(resume);
      normalizer = resume.normalizer();
      net = resume.network();
      net.setLearningRate(t.learningRate()); // the run's setting wins over the checkpoint's
      history.addAll(resume.history());
      LOG.info("Resuming after epoch {} of {}", history.size(), t.epochs());
    } else {
      normalizer = Normalizers.fit(cfg.data(), train);
      net = new MultiLayerNetwork(NetworkFactory.build(cfg));
      net.init();
    }
    LOG.info("Training {} autoencoder on {} images, layers {}, {} parameters, {} workers x batch {}, averaging every {} batches ({}), "
        + "{} thread(s) per worker", cfg.model().type(), trainCount, cfg.model().spec().describe(cfg.data().shape()),
        net.numParams(), workers, t.batchSizePerWorker(), t.averagingFrequency(), t.engine(), threads);

    int pixelsIdx = train.schema().fieldIndex(ImageSchema.PIXELS);
    int bs = t.batchSizePerWorker();
    boolean dl4j = "dl4j-spark".equals(t.engine());
    JavaRDD<DataSet> batches = dl4j ? train.repartition(workers).javaRDD()
        .mapPartitions(rows -> Batches.fromRows(rows, pixelsIdx, bs, normalizer)) : null;

    Path scratch = scratchDir(run.scratchDir() != null ? run.scratchDir() : t.scratchDir(), hconf, jsc.sc().applicationId());
    String exportDir = new Path(scratch, "dl4j-export").toString();
    CollectionAccumulator<double[]> workerScores = jsc.sc().collectionAccumulator("latentspark worker losses");
    WorkerMonitor monitor = new WorkerMonitor(workerScores, threads);
    if (resume == null && cfg.model().spec().greedyPretrainEpochs() > 0) {
      Dataset<Row> spread = train.repartition(workers);
      try {
        GreedyPretrainer.pretrain(jsc, net, cfg, spread, normalizer,
            layer -> trainingMaster(workers, jsc, new Path(scratch, "pretrain-" + layer).toString(), monitor));
      } catch (RuntimeException e) {
        Outputs.abort(scratch, hconf);
        throw e;
      }
    }
    double initialScore = initialScore(net, train, pixelsIdx, bs, normalizer);
    if (t.divergenceFactor() > 0) {
      monitor.limit(t.divergenceFactor() * initialScore);
    }
    ParameterAveragingTrainingMaster tm = dl4j ? trainingMaster(workers, jsc, exportDir, monitor) : null;
    SparkDl4jMultiLayer sparkNet = dl4j ? new SparkDl4jMultiLayer(jsc, net, tm) : null;
    ParameterAveraging averaging = null;

    AutoencoderModel model = new AutoencoderModel(net, normalizer, cfg, run.inputPath(), history);
    EarlyStopping stopping = new EarlyStopping(t.earlyStoppingPatience());
    INDArray bestParams = null;
    try {
      if (!dl4j) { // a one-off step, timed apart from the epochs (like the single-JVM reference's batch building)
        averaging = ParameterAveraging.prepare(jsc, net, train, trainCount, normalizer, inputSize, workers, bs, t.averagingFrequency(),
            monitor, cfg.seed());
        preparationSeconds = averaging.preparationSeconds();
      }
      for (int epoch = history.size() + 1; epoch <= t.epochs(); epoch++) {
        workerScores.reset();
        long start = System.nanoTime();
        double score;
        try {
          if (dl4j) {
            sparkNet.fit(batches); // the first epoch includes exporting the minibatches
            score = sparkNet.getScore();
          } else {
            score = averaging.fitEpoch(epoch);
          }
        } catch (Exception e) { // SparkException is checked, but Scala throws it through fit()
          String divergence = divergenceMessage(e);
          if (divergence != null) {
            throw diverged(epoch, divergence, run);
          }
          if (e instanceof RuntimeException r) {
            throw r;
          }
          throw new IllegalStateException("Training failed in epoch " + epoch + ": " + e.getMessage(), e);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        MultiLayerNetwork current = dl4j ? sparkNet.getNetwork() : net;
        if (!Double.isFinite(score) || current.params().isNaN().any() || current.params().isInfinite().any()) {
          throw diverged(epoch, "the averaged parameters or loss are not finite (loss " + score + ")", run);
        }
        double[] spread = workerSpread(workerScores.value());
        Broadcast<NetworkSnapshot> snap = jsc.broadcast(NetworkSnapshot.of(current, normalizer, latent, inputSize));
        double valMse = SparkEncoder.meanMse(jsc, snap, validation, cfg.encode().batchSize())[0];
        double trainMse = SparkEncoder.meanMse(jsc, snap, trainSample, cfg.encode().batchSize())[0];
        snap.destroy();
        EpochStats stats = new EpochStats(epoch, score, trainMse, valMse, valSplit, seconds, trainCount / seconds, spread[0], spread[1]);
        history.add(stats);
        // checkpoint first: once an epoch's line is logged, its checkpoint exists
        model = new AutoencoderModel(current, normalizer, cfg, run.inputPath(), history);
        if (run.checkpointDir() != null) {
          checkpoint(model, run.checkpointDir(), epoch, t.keepCheckpoints(), hconf);
        }
        LOG.info(String.format("epoch %d/%d  %.1f s  %.0f examples/s  train score %.5f (workers %.5f-%.5f)  train MSE %.5f  %s MSE %.5f%s",
            epoch, t.epochs(), seconds, stats.examplesPerSecond(), score, spread[0], spread[1], trainMse, valSplit, valMse,
            eta(history, t.epochs())));
        if (run.onEpoch() != null) {
          run.onEpoch().accept(stats, model);
        }
        if (t.earlyStoppingPatience() > 0) {
          if (stopping.improved(epoch, valMse)) {
            bestParams = current.params().dup();
          } else if (stopping.shouldStop(epoch)) {
            LOG.info("Early stopping after epoch {}: {} MSE has not improved on epoch {}'s {} for {} epoch(s); keeping epoch {}'s parameters",
                epoch, valSplit, stopping.bestEpoch(), String.format("%.5f", stopping.best()), t.earlyStoppingPatience(), stopping.bestEpoch());
            current.setParams(bestParams);
            model = new AutoencoderModel(current, normalizer, cfg, run.inputPath(), history);
            break;
          }
        }
      }
    } finally {
      if (tm != null) {
        tm.deleteTempFiles(jsc);
      }
      if (averaging != null) {
        averaging.close();
      }
      Outputs.abort(scratch, hconf);
    }
    return model;
  }

  /**
   * Seconds the last {@link #train} spent shuffling and caching the minibatches before its first epoch
   * (train.engine = latentspark; 0 with dl4j-spark, whose first epoch includes its export).
   */
  public double preparationSeconds() {
    return preparationSeconds;
  }

  /** dl4j-spark's parameter averaging as train.* says, exporting minibatches to {@code exportDir}. */
  private ParameterAveragingTrainingMaster trainingMaster(int workers, JavaSparkContext jsc, String exportDir, WorkerMonitor monitor) {
    TrainConfig t = cfg.train();
    int bs = t.batchSizePerWorker();
    return new ParameterAveragingTrainingMaster.Builder(workers, bs)
        .batchSizePerWorker(bs)
        .averagingFrequency(t.averagingFrequency())
        .workerPrefetchNumBatches(t.prefetchBatches())
        .saveUpdater(true)
        .rngSeed(cfg.seed())
        .rddTrainingApproach(approach(t.rddTrainingApproach(), jsc))
        .storageLevel(org.apache.spark.storage.StorageLevel.MEMORY_AND_DISK_SER())
        .exportDirectory(exportDir)
        .trainingHooks(monitor)
        .build();
  }

  /** The network's loss on the first minibatch of the training data, before training: the divergence reference. */
  private static double initialScore(MultiLayerNetwork net, Dataset<Row> train, int pixelsIdx, int bs, InputNormalizer normalizer) {
    List<Row> first = train.limit(bs).collectAsList();
    DataSet ds = Batches.fromRows(first.iterator(), pixelsIdx, bs, normalizer).next();
    return net.score(ds);
  }

  /** Min and max over workers of their mean minibatch loss in the epoch. */
  static double[] workerSpread(List<double[]> scores) {
    java.util.Map<Integer, double[]> byWorker = new java.util.HashMap<>();
    for (double[] s : scores) {
      double[] acc = byWorker.computeIfAbsent((int) s[0], k -> new double[2]);
      acc[0] += s[1];
      acc[1] += 1;
    }
    double min = Double.NaN;
    double max = Double.NaN;
    for (double[] acc : byWorker.values()) {
      double mean = acc[0] / acc[1];
      min = Double.isNaN(min) ? mean : Math.min(min, mean);
      max = Double.isNaN(max) ? mean : Math.max(max, mean);
    }
    return new double[] {min, max};
  }

  private static String eta(List<EpochStats> history, int epochs) {
    int left = epochs - history.get(history.size() - 1).epoch();
    if (left <= 0) {
      return "";
    }
    double recent = history.get(history.size() - 1).seconds();
    return String.format("  ETA %.0f s", left * recent);
  }

  private void checkResumable(AutoencoderModel resume) {
    var was = resume.config();
    if (!was.model().equals(cfg.model()) || was.data().inputSize() != cfg.data().inputSize()) {
      throw new IllegalArgumentException("Cannot resume: the checkpoint was trained with model settings " + was.model()
          + " on " + was.data().inputSize() + "-pixel images, this run has " + cfg.model() + " on " + cfg.data().inputSize());
    }
    if (resume.history().size() >= cfg.train().epochs()) {
      throw new IllegalArgumentException("Cannot resume: the checkpoint already has " + resume.history().size()
          + " epochs and train.epochs is " + cfg.train().epochs() + " (raise train.epochs to train further)");
    }
  }

  private static TrainingDivergedException diverged(int epoch, String what, TrainingRun run) {
    String kept = run.checkpointDir() == null || epoch == 1 ? "no checkpoint was written before it"
        : "the last good checkpoint is " + new Path(run.checkpointDir(), String.format("epoch-%04d", epoch - 1))
            + " (train --resume continues from it; lower train.learningRate first)";
    return new TrainingDivergedException("Training diverged in epoch " + epoch + ": " + what + "; " + kept);
  }

  /**
   * The worker's divergence message if {@code e} is (or reports, in Spark's task-failure text) a
   * {@link WorkerMonitor.Divergence}; null otherwise.
   */
  static String divergenceMessage(Throwable e) {
    String marker = WorkerMonitor.Divergence.class.getName() + ": ";
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof WorkerMonitor.Divergence) {
        return t.getMessage();
      }
      String m = t.getMessage();
      int at = m == null ? -1 : m.indexOf(marker);
      if (at >= 0) {
        String rest = m.substring(at + marker.length());
        int eol = rest.indexOf('\n');
        return eol < 0 ? rest : rest.substring(0, eol);
      }
    }
    return null;
  }

  /**
   * The scratch directory for exported minibatches: {@code configured}, or /tmp/latentspark-APPID on the
   * default file system. dl4j-spark writes the batches with a fresh Hadoop Configuration and reads them back
   * by path without scheme, so the directory must be on {@code fs.defaultFS}.
   */
  static Path scratchDir(String configured, Configuration hconf, String appId) {
    java.net.URI defaultFs = FileSystem.getDefaultUri(hconf);
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

  /**
   * export or direct; auto = export unless the default file system is local and the master is not (dl4j-spark
   * refuses export there, since executors on other machines could not read the local disk).
   */
  static RDDTrainingApproach approach(String configured, JavaSparkContext jsc) {
    switch (configured) {
      case "export":
        return RDDTrainingApproach.Export;
      case "direct":
        return RDDTrainingApproach.Direct;
      default:
        boolean localFs = "file".equals(FileSystem.getDefaultUri(jsc.hadoopConfiguration()).getScheme());
        boolean localMaster = jsc.master().startsWith("local");
        RDDTrainingApproach a = localFs && !localMaster ? RDDTrainingApproach.Direct : RDDTrainingApproach.Export;
        LOG.info("train.rddTrainingApproach = auto: {} (default file system {}, master {})", a, FileSystem.getDefaultUri(jsc.hadoopConfiguration()),
            jsc.master());
        return a;
    }
  }

  /** The newest checkpoint directory under {@code dir}, or an error saying there is none. */
  public static String latestCheckpoint(String dir, Configuration hconf) {
    Path root = new Path(dir);
    try {
      FileSystem fs = Outputs.fs(root, hconf);
      FileStatus[] all = fs.exists(root) ? fs.listStatus(root, p -> p.getName().startsWith("epoch-")) : new FileStatus[0];
      if (all.length == 0) {
        throw new IllegalArgumentException("Cannot resume: there is no checkpoint (epoch-NNNN) in " + root);
      }
      Arrays.sort(all, (a, b) -> a.getPath().getName().compareTo(b.getPath().getName()));
      return all[all.length - 1].getPath().toString();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("Cannot list checkpoints in " + root + ": " + e.getMessage(), e);
    }
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
