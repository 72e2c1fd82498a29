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
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.util.CollectionAccumulator;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.dataset.DataSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains an autoencoder on Spark with parameter averaging: the training split is cut into minibatches of
 * {@code train.batchSizePerWorker}, {@code train.workers} workers fit {@code train.averagingFrequency}
 * minibatches each between parameter (and updater state) averaging rounds, through the {@link TrainingEngine} of
 * {@code train.engine}. After every epoch the driver measures training and validation reconstruction MSE on the
 * executors and tells the {@link EpochListener}s: checkpoints, the progress log, the run's callback and early stopping.
 */
public final class SparkTrainer implements Trainer<Dataset<Row>> {
  /** The description of an averaging round's Spark job (then "N of epoch E"; engine latentspark), for listeners that measure rounds. */
  public static final String ROUND_JOB = "latentspark averaging round ";

  private static final Logger LOG = LoggerFactory.getLogger(SparkTrainer.class);

  private final LatentSparkConfig cfg;
  private double preparationSeconds;

  public SparkTrainer(LatentSparkConfig cfg) {
    this.cfg = cfg;
  }

  /** The splits one run trains on and measures with. */
  private record Splits(Dataset<Row> train, long trainCount, Dataset<Row> trainSample, Dataset<Row> validation, String validationSplit) {}

  /** Where training starts: a fresh network or a checkpoint's, its normalisation and the history so far. */
  private record Start(MultiLayerNetwork net, InputNormalizer normalizer, List<EpochStats> history) {}

  /** Trains on the rows of {@code images} whose split is train; validation rows (or test rows) measure progress. */
  @Override
  public AutoencoderModel train(Dataset<Row> images, TrainingRun run) {
    ImageSchema.check(images.schema());
    TrainConfig t = cfg.train();
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(images.sparkSession().sparkContext());
    Configuration hconf = jsc.hadoopConfiguration();
    int workers = t.workers() > 0 ? t.workers() : jsc.defaultParallelism();
    int threads = t.threadsPerWorker() > 0 ? t.threadsPerWorker() : Integer.parseInt(jsc.getConf().get("spark.task.cpus", "1"));
    Splits splits = splits(images, run);
    Start start = start(run, splits.train());
    MultiLayerNetwork net = start.net();
    LOG.info("Training {} autoencoder on {} images, layers {}, {} parameters, {} workers x batch {}, averaging every {} batches ({}), "
        + "{} thread(s) per worker", cfg.model().type(), splits.trainCount(), cfg.model().spec().describe(cfg.data().shape()),
        net.numParams(), workers, t.batchSizePerWorker(), t.averagingFrequency(), t.engine().configName(), threads);

    Path scratch = scratchDir(run.scratchDir() != null ? run.scratchDir() : t.scratchDir(), hconf, jsc.sc().applicationId());
    CollectionAccumulator<double[]> workerScores = jsc.sc().collectionAccumulator("latentspark worker losses");
    WorkerMonitor monitor = new WorkerMonitor(workerScores, threads);
    TrainingSetup setup = new TrainingSetup(jsc, net, splits.train(), splits.trainCount(), start.normalizer(), cfg.data().inputSize(), workers,
        t.batchSizePerWorker(), t.averagingFrequency(), t.reduceFanIn(), monitor, cfg.seed(), Batches.maker(cfg.model().spec(), cfg.data().shape()));
    try {
      if (run.resumeFrom() == null && cfg.model().spec().greedyPretrainEpochs() > 0) {
        GreedyPretrainer.pretrain(jsc, net, cfg, splits.train().repartition(workers), start.normalizer(),
            layer -> Dl4jSparkEngine.trainingMaster(setup, t, new Path(scratch, "pretrain-" + layer).toString()));
      }
      if (t.divergenceFactor() > 0) {
        monitor.limit(t.divergenceFactor() * initialScore(net, splits.train(), t.batchSizePerWorker(), start.normalizer(), setup.batches(), cfg.seed()));
      }
      try (TrainingEngine engine = engine(setup, new Path(scratch, "dl4j-export").toString())) {
        preparationSeconds = engine.preparationSeconds();
        return epochs(engine, splits, start, run, workerScores);
      }
    } finally {
      Outputs.abort(scratch, hconf);
    }
  }

  /** As {@link #train(Dataset, TrainingRun)}; {@code spark} is the session of {@code images}. */
  public AutoencoderModel train(SparkSession spark, Dataset<Row> images, TrainingRun run) {
    return train(images, run);
  }

  private Splits splits(Dataset<Row> images, TrainingRun run) {
    TrainConfig t = cfg.train();
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
    return new Splits(train, trainCount, trainSample, validation, valSplit);
  }

  private Start start(TrainingRun run, Dataset<Row> train) {
    AutoencoderModel resume = run.resumeFrom();
    if (resume == null) {
      MultiLayerNetwork net = new MultiLayerNetwork(NetworkFactory.build(cfg));
      net.init();
      return new Start(net, Normalizers.fit(cfg.data(), train), new ArrayList<>());
    }
    checkResumable(resume);
    MultiLayerNetwork net = resume.network();
    net.setLearningRate(cfg.train().learningRate()); // the run's setting wins over the checkpoint's
    LOG.info("Resuming after epoch {} of {}", resume.history().size(), cfg.train().epochs());
    return new Start(net, resume.normalizer(), new ArrayList<>(resume.history()));
  }

  /** The engine of train.engine; LatentSpark's shuffles and caches the minibatches here, timed apart from the epochs. */
  private TrainingEngine engine(TrainingSetup setup, String exportDir) {
    return cfg.train().engine() == io.latentspark.config.EngineKind.DL4J_SPARK ? new Dl4jSparkEngine(setup, cfg.train(), exportDir) : ParameterAveraging.prepare(setup);
  }

  /** The epoch loop: fit, check, measure, tell the listeners; returns the model after the last epoch (or the best one). */
  private AutoencoderModel epochs(TrainingEngine engine, Splits splits, Start start, TrainingRun run,
      CollectionAccumulator<double[]> workerScores) {
    TrainConfig t = cfg.train();
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(splits.train().sparkSession().sparkContext());
    List<EpochStats> history = start.history();
    EarlyStopping stopping = t.earlyStoppingPatience() > 0 ? new EarlyStopping(t.earlyStoppingPatience()) : null;
    List<EpochListener> listeners = listeners(run, splits.validationSplit(), stopping, jsc.hadoopConfiguration());
    int latent = NetworkFactory.latentLayerIndex(cfg);
    AutoencoderModel model = new AutoencoderModel(start.net(), start.normalizer(), cfg, run.inputPath(), history);
    for (int epoch = history.size() + 1; epoch <= t.epochs(); epoch++) {
      workerScores.reset();
      long begin = System.nanoTime();
      double score = fitEpoch(engine, epoch, run);
      double seconds = (System.nanoTime() - begin) / 1e9;
      MultiLayerNetwork current = engine.network();
      if (!Double.isFinite(score) || current.params().isNaN().any() || current.params().isInfinite().any()) {
        throw diverged(epoch, "the averaged parameters or loss are not finite (loss " + score + ")", run);
      }
      double[] spread = workerSpread(workerScores.value());
      Broadcast<NetworkSnapshot> snap = jsc.broadcast(NetworkSnapshot.of(current, start.normalizer(), latent, cfg.data().inputSize()));
      long measuring = System.nanoTime();
      double[] mse = mse(snap, List.of(splits.validation(), splits.trainSample()));
      double valMse = mse[0];
      double trainMse = mse[1];
      snap.destroy();
      LOG.debug(String.format("epoch %d: %s and train MSE measured in %.2f s", epoch, splits.validationSplit(), (System.nanoTime() - measuring) / 1e9));
      EpochStats stats = new EpochStats(epoch, score, trainMse, valMse, splits.validationSplit(), seconds, splits.trainCount() / seconds,
          spread[0], spread[1]);
      history.add(stats);
      model = new AutoencoderModel(current, start.normalizer(), cfg, run.inputPath(), history);
      boolean stop = false;
      for (EpochListener l : listeners) {
        l.epochEnded(stats, model);
        stop |= l.stopRequested();
      }
      if (stop) {
        LOG.info("Early stopping after epoch {}: {} MSE has not improved on epoch {}'s {} for {} epoch(s); keeping epoch {}'s parameters",
            epoch, splits.validationSplit(), stopping.bestEpoch(), String.format("%.5f", stopping.best()), t.earlyStoppingPatience(),
            stopping.bestEpoch());
        return stopping.best(model);
      }
    }
    return model;
  }

  /** In this order: the checkpoint (once an epoch's line is logged, its checkpoint exists), the log line, the run's callback, early stopping. */
  private List<EpochListener> listeners(TrainingRun run, String validationSplit, EarlyStopping stopping, Configuration hconf) {
    TrainConfig t = cfg.train();
    List<EpochListener> listeners = new ArrayList<>();
    if (run.checkpointDir() != null) {
      Checkpoints checkpoints = new Checkpoints(run.checkpointDir(), hconf);
      listeners.add((stats, model) -> checkpoints.save(model, stats.epoch(), t.keepCheckpoints()));
    }
    listeners.add((stats, model) -> LOG.info(String.format(
        "epoch %d/%d  %.1f s  %.0f examples/s  train score %.5f (workers %.5f-%.5f)  train MSE %.5f  %s MSE %.5f%s", stats.epoch(), t.epochs(),
        stats.seconds(), stats.examplesPerSecond(), stats.trainScore(), stats.workerLossMin(), stats.workerLossMax(), stats.trainMse(),
        validationSplit, stats.validationMse(), eta(model.history(), t.epochs()))));
    if (run.onEpoch() != null) {
      listeners.add((stats, model) -> run.onEpoch().accept(stats, model));
    }
    if (stopping != null) {
      listeners.add(stopping);
    }
    return listeners;
  }

  /** One epoch of the engine, with a worker's divergence (even reported through Spark's task failure) as a clear error. */
  private static double fitEpoch(TrainingEngine engine, int epoch, TrainingRun run) {
    try {
      return engine.fitEpoch(epoch);
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
  }

  /**
   * Seconds the last {@link #train} spent shuffling and caching the minibatches before its first epoch
   * (train.engine = latentspark; 0 with dl4j-spark, whose first epoch includes its export).
   */
  public double preparationSeconds() {
    return preparationSeconds;
  }

  /** The network's loss on the first minibatch of the training data, before training: the divergence reference. */
  private static double initialScore(MultiLayerNetwork net, Dataset<Row> train, int bs, InputNormalizer normalizer, Batches.Maker maker, long seed) {
    int pixelsIdx = train.schema().fieldIndex(ImageSchema.PIXELS);
    List<Row> first = train.limit(bs).collectAsList();
    DataSet ds = Batches.fromRows(first.iterator(), pixelsIdx, bs, normalizer, maker, seed).next();
    return net.score(ds);
  }

  /**
   * The epoch's reconstruction MSE of each of {@code tables}, in one Spark job: over all pixels, or for an inpainting
   * model over the pixels of its training masks (drawn with the run's seed, the same every epoch), which are all it
   * learns to produce.
   */
  private double[] mse(Broadcast<NetworkSnapshot> snap, List<Dataset<Row>> tables) {
    List<io.latentspark.spec.PixelMask> masks = cfg.model().spec().trainingMasks(cfg.data().shape());
    double[][] r = masks.isEmpty() ? SparkEncoder.meanMse(snap, tables, cfg.encode().batchSize())
        : SparkEncoder.meanMissingMse(snap, tables, cfg.encode().batchSize(), masks, cfg.data().channels(), cfg.seed());
    double[] means = new double[r.length];
    for (int i = 0; i < r.length; i++) {
      means[i] = r[i][0];
    }
    return means;
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
        : "the last good checkpoint is " + new Path(run.checkpointDir(), Checkpoints.name(epoch - 1))
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

  /** The newest checkpoint directory under {@code dir}, or an error saying there is none. */
  public static String latestCheckpoint(String dir, Configuration hconf) {
    return new Checkpoints(dir, hconf).latest();
  }
}
