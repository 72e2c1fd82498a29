package io.latentspark.train;

import io.latentspark.config.TrainConfig;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.hadoop.fs.FileSystem;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.nd4j.linalg.dataset.DataSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code train.engine = dl4j-spark}: dl4j-spark's {@link ParameterAveragingTrainingMaster} over minibatches it
 * exports to a scratch directory in the first epoch (the greedy pretraining of {@code stacked} always uses it).
 */
final class Dl4jSparkEngine implements TrainingEngine {
  private static final Logger LOG = LoggerFactory.getLogger(Dl4jSparkEngine.class);
  private final JavaSparkContext jsc;
  private final ParameterAveragingTrainingMaster master;
  private final SparkDl4jMultiLayer sparkNet;
  private final JavaRDD<DataSet> batches;

  Dl4jSparkEngine(TrainingSetup s, TrainConfig t, String exportDir) {
    this.jsc = s.jsc();
    int pixelsIdx = s.train().schema().fieldIndex(io.latentspark.data.ImageSchema.PIXELS);
    int bs = s.batchSize();
    io.latentspark.model.InputNormalizer normalizer = s.normalizer(); // the closure must not capture the setup (it holds the context)
    Batches.Maker maker = s.batches();
    long seed = s.seed();
    this.batches = s.train().repartition(s.workers()).javaRDD()
        .mapPartitionsWithIndex((i, rows) -> Batches.fromRows(rows, pixelsIdx, bs, normalizer, maker, ParameterAveraging.mix(seed, 0, i)), false);
    this.master = trainingMaster(s, t, exportDir);
    this.sparkNet = new SparkDl4jMultiLayer(jsc, s.net(), master);
  }

  /** dl4j-spark's parameter averaging as train.* says, exporting minibatches to {@code exportDir}. */
  static ParameterAveragingTrainingMaster trainingMaster(TrainingSetup s, TrainConfig t, String exportDir) {
    return new ParameterAveragingTrainingMaster.Builder(s.workers(), s.batchSize())
        .batchSizePerWorker(s.batchSize())
        .averagingFrequency(s.averagingFrequency())
        .workerPrefetchNumBatches(t.prefetchBatches())
        .saveUpdater(true)
        .rngSeed(s.seed())
        .rddTrainingApproach(approach(t.rddTrainingApproach(), s.jsc()))
        .storageLevel(org.apache.spark.storage.StorageLevel.MEMORY_AND_DISK_SER())
        .exportDirectory(exportDir)
        .trainingHooks(s.monitor())
        .build();
  }

  /**
   * dl4j-spark's parameter averaging over a persisted RDD of minibatches (direct), {@code workers} x train.batchSizePerWorker,
   * averaging every train.averagingFrequency minibatches, updater state averaged too: what fine-tuning and the face
   * swap train with.
   */
  static ParameterAveragingTrainingMaster directMaster(TrainConfig t, int workers, long seed) {
    return new ParameterAveragingTrainingMaster.Builder(workers, t.batchSizePerWorker())
        .batchSizePerWorker(t.batchSizePerWorker())
        .averagingFrequency(t.averagingFrequency())
        .workerPrefetchNumBatches(0)
        .saveUpdater(true)
        .rngSeed(seed)
        .rddTrainingApproach(RDDTrainingApproach.Direct)
        .storageLevel(org.apache.spark.storage.StorageLevel.MEMORY_AND_DISK_SER())
        .build();
  }

  @Override
  public double fitEpoch(int epoch) {
    sparkNet.fit(batches); // the first epoch includes exporting the minibatches
    return sparkNet.getScore();
  }

  @Override
  public MultiLayerNetwork network() {
    return sparkNet.getNetwork();
  }

  @Override
  public double preparationSeconds() {
    return 0; // the first epoch includes the export
  }

  @Override
  public void close() {
    master.deleteTempFiles(jsc);
  }

  /**
   * export or direct; auto = export unless the default file system is local and the master is not (dl4j-spark
   * refuses export there, since executors on other machines could not read the local disk).
   */
  static RDDTrainingApproach approach(io.latentspark.config.RddApproach configured, JavaSparkContext jsc) {
    switch (configured) {
      case EXPORT:
        return RDDTrainingApproach.Export;
      case DIRECT:
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
}
