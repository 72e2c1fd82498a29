package io.latentspark.train;

import io.latentspark.data.ImageSchema;
import io.latentspark.model.HostArrays;
import io.latentspark.model.InputNormalizer;
import io.latentspark.model.TrainingNetwork;
import java.io.Serializable;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import org.apache.spark.Partitioner;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.rdd.PartitionPruningRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;
import scala.reflect.ClassTag$;

/**
 * LatentSpark's parameter averaging engine ({@code train.engine = latentspark}).
 *
 * <p>The training split is shuffled once (a seeded permutation) and cut into minibatches that stay cached in
 * executor memory (spilling to local disk if it does not fit), laid out so that Spark partition {@code j}
 * holds the {@code train.averagingFrequency} minibatches that worker {@code j % W} fits in averaging round
 * {@code j / W}. One averaging round is one Spark job over that round's W partitions: each task takes the
 * round's parameters and updater state from a broadcast, loads them into a network it keeps between rounds
 * (one per concurrent task and JVM), fits its minibatches and returns its parameters and updater state;
 * the driver averages them, weighted by the minibatches each worker fit. Every epoch visits the rounds
 * in a new order and each worker its minibatches in a new order.
 *
 * <p>Compared with dl4j-spark's {@code ParameterAveragingTrainingMaster} this reads each minibatch from
 * memory instead of from exported files, stores an autoencoder's features once (not as features and identical
 * labels), and does not rebuild a network from its configuration in every task.
 */
final class ParameterAveraging implements TrainingEngine {
  private static final Logger LOG = LoggerFactory.getLogger(ParameterAveraging.class);

  private final JavaSparkContext jsc;
  private final MultiLayerNetwork net;
  private final JavaRDD<float[]> batches;
  private final int workers;
  private final int partitions;
  private final long seed;
  private final int inputSize;
  private final Broadcast<String> networkJson;
  private final WorkerMonitor monitor;
  private final int fanIn;
  private final Batches.Maker maker;
  private double lastRoundLoss = Double.NaN;
  private double preparationSeconds;

  private ParameterAveraging(JavaSparkContext jsc, MultiLayerNetwork net, JavaRDD<float[]> batches, int workers, int partitions,
      long seed, int inputSize, WorkerMonitor monitor, int fanIn, Batches.Maker maker) {
    this.fanIn = fanIn;
    this.maker = maker;
    this.jsc = jsc;
    this.net = net;
    this.batches = batches;
    this.workers = workers;
    this.partitions = partitions;
    this.seed = seed;
    this.inputSize = inputSize;
    this.monitor = monitor;
    this.networkJson = jsc.broadcast(net.getLayerWiseConfigurations().toJson());
  }

  /**
   * Lays out {@code train} (its {@code count} rows) as cached minibatches of {@code batchSize} for
   * {@code workers} workers fitting {@code averagingFrequency} minibatches per round, and computes them
   * one round's partitions at a time: a round's partitions are cached on the executors that computed them
   * side by side, which is where the scheduler sends that round's training tasks later.
   */
  static ParameterAveraging prepare(TrainingSetup setup) {
    JavaSparkContext jsc = setup.jsc();
    MultiLayerNetwork net = setup.net();
    Dataset<Row> train = setup.train();
    long count = setup.trainCount();
    InputNormalizer normalizer = setup.normalizer();
    int inputSize = setup.inputSize();
    int workers = setup.workers();
    int batchSize = setup.batchSize();
    int averagingFrequency = setup.averagingFrequency();
    long seed = setup.seed();
    long totalBatches = (count + batchSize - 1) / batchSize;
    // a small split is spread over all workers rather than filling the first worker's round
    long perWorker = Math.max(1, Math.min(averagingFrequency, (totalBatches + workers - 1) / workers));
    long rowsPerPartition = perWorker * batchSize;
    int partitions = Math.toIntExact((count + rowsPerPartition - 1) / rowsPerPartition);
    Permutation perm = Permutation.of(count, seed);
    JavaRDD<float[]> batches = ImageSchema.pixelArrays(train).zipWithIndex()
        .mapToPair(t -> new Tuple2<>(perm.apply(t._2()), t._1()))
        .repartitionAndSortWithinPartitions(new BlockPartitioner(partitions, rowsPerPartition))
        .mapPartitions(rows -> Batches.grouped(rows, Tuple2::_2, batchSize, px -> Batches.block(px, normalizer, inputSize)))
        .setName("latentspark minibatches");
    batches.persist(StorageLevel.MEMORY_AND_DISK());
    long direct = jsc.getConf().getSizeAsBytes("spark.task.maxDirectResultSize", "1m");
    long resultBytes = 4L * (net.numParams() + updaterState(net).length);
    if (direct < resultBytes) {
      LOG.info(String.format("A training task returns %.1f MB (parameters and updater state) but spark.task.maxDirectResultSize is %.1f MB:"
          + " results go through the block manager; setting it above %.0f MB saves a round trip per averaging round", resultBytes / 1e6,
          direct / 1e6, Math.ceil(resultBytes / 1e6)));
    }
    ParameterAveraging pa = new ParameterAveraging(jsc, net, batches, workers, partitions, seed, inputSize, setup.monitor(), setup.reduceFanIn(), setup.batches());
    long start = System.nanoTime();
    long cached = 0;
    for (int r = 0; r < pa.rounds(); r++) {
      cached += pa.round(r).count();
    }
    pa.preparationSeconds = (System.nanoTime() - start) / 1e9;
    LOG.info(String.format("Parameter averaging: %d minibatches of %d shuffled and cached in %d partitions in %.1f s; %d round(s) per epoch"
        + " of %d worker(s) x up to %d minibatches", cached, batchSize, partitions, pa.preparationSeconds, pa.rounds(), workers, perWorker));
    return pa;
  }

  /** Seconds {@link #prepare} took to shuffle and cache the minibatches. */
  @Override
  public double preparationSeconds() {
    return preparationSeconds;
  }

  /** The cached minibatches of averaging round {@code round}: its workers' partitions. */
  private JavaRDD<float[]> round(int round) {
    int from = round * workers;
    int to = Math.min(partitions, from + workers);
    return new JavaRDD<>(PartitionPruningRDD.create(batches.rdd(), new Range(from, to)), ClassTag$.MODULE$.apply(float[].class));
  }

  /** The cached minibatches (rows x input size, row-major), partition j = worker j % W of round j / W. */
  JavaRDD<float[]> batches() {
    return batches;
  }

  /** Rounds per epoch. */
  int rounds() {
    return (partitions + workers - 1) / workers;
  }

  /**
   * One pass over the training split; the driver's network holds the averaged parameters afterwards.
   * Returns the mean minibatch loss of the epoch's last round.
   */
  @Override
  public double fitEpoch(int epoch) {
    List<Integer> order = new ArrayList<>();
    for (int r = 0; r < rounds(); r++) {
      order.add(r);
    }
    Collections.shuffle(order, new Random(mix(seed, epoch, -1)));
    for (int round : order) {
      fitRound(epoch, round);
    }
    return lastRoundLoss;
  }

  private void fitRound(int epoch, int round) {
    int from = round * workers;
    Weights w = new Weights(net.params().toFloatVector(), updaterState(net), net.getIterationCount(), epoch);
    long t0 = System.nanoTime();
    Broadcast<Weights> bw = jsc.broadcast(w);
    long t1 = System.nanoTime();
    Broadcast<String> json = networkJson;
    WorkerMonitor hook = monitor;
    long s = seed;
    int in = inputSize;
    Batches.Maker make = maker;
    Contribution sum;
    jsc.setJobDescription(SparkTrainer.ROUND_JOB + (round + 1) + " of epoch " + epoch);
    try {
      sum = sum(round(round).mapPartitionsWithIndex((i, it) -> fit(from + i, it, json, bw, hook, s, in, make), false), fanIn);
    } finally {
      jsc.setJobDescription(null);
      bw.destroy();
    }
    long t2 = System.nanoTime();
    float[] params = sum.averageParams();
    for (float v : params) {
      if (!Float.isFinite(v)) {
        throw new WorkerMonitor.Divergence("the averaged parameters of averaging round " + (round + 1) + " are not finite");
      }
    }
    load(net, params, sum.averageUpdater(), Math.toIntExact(w.iteration() + sum.maxBatches), epoch);
    lastRoundLoss = sum.lossSum / sum.batches;
    if (LOG.isDebugEnabled()) {
      LOG.debug(String.format("epoch %d round %d: broadcast %.1f ms, Spark job %.1f ms (slowest worker fitting %.1f ms), averaging %.1f ms",
          epoch, round + 1, (t1 - t0) / 1e6, (t2 - t1) / 1e6, sum.fitMs, (System.nanoTime() - t2) / 1e6));
    }
  }

  /**
   * The sum of a round's contributions (one per partition). Up to {@code fanIn} of them go straight to the driver;
   * more are summed on the executors, {@code fanIn} partitions into one per step (a shuffle of partial sums), down to
   * one partial sum: the driver then takes in one result (doubles: 8 bytes per value) whatever the number of workers
   * (the bytes that cross the network in all still grow with the workers, spread over the executors).
   */
  static Contribution sum(JavaRDD<Contribution> contributions, int fanIn) {
    JavaRDD<Contribution> level = contributions;
    int n = level.getNumPartitions();
    boolean tree = n > fanIn;
    while (tree && n > 1) {
      int next = (n + fanIn - 1) / fanIn;
      level = level.mapPartitionsWithIndex((i, it) -> {
        List<Tuple2<Integer, Contribution>> keyed = new ArrayList<>();
        it.forEachRemaining(c -> keyed.add(new Tuple2<>(i / fanIn, c)));
        return keyed.iterator();
      }, true).mapToPair(t -> t).reduceByKey(Contribution::add, next).values();
      n = next;
    }
    return level.reduce(Contribution::add);
  }

  /** The network's updater state (Adam's moments) as a flat copy; empty for an optimiser without state. */
  private static float[] updaterState(MultiLayerNetwork net) {
    INDArray state = net.getUpdater(true).getStateViewArray();
    return state == null ? new float[0] : state.toFloatVector();
  }

  /** Sets the network's parameters, updater state and counters to a round's (before fitting, or after averaging). */
  private static void load(MultiLayerNetwork net, float[] params, float[] updater, int iteration, int epoch) {
    HostArrays.copyInto(net.params(), params); // no temporary arrays: ND4J allocates those outside workspaces, slowly
    INDArray state = net.getUpdater(true).getStateViewArray();
    if (state != null) {
      HostArrays.copyInto(state, updater);
    }
    net.setIterationCount(iteration);
    net.setEpochCount(epoch - 1);
  }

  /** One worker's share of a round: fit its minibatches starting from the round's weights. */
  private static Iterator<Contribution> fit(int partition, Iterator<float[]> rows, Broadcast<String> json, Broadcast<Weights> bw,
      WorkerMonitor monitor, long seed, int inputSize, Batches.Maker maker) {
    List<float[]> mine = new ArrayList<>();
    rows.forEachRemaining(mine::add);
    if (mine.isEmpty()) {
      return Collections.emptyIterator();
    }
    Weights w = bw.value();
    Collections.shuffle(mine, new Random(mix(seed, w.epoch(), partition)));
    Worker worker = Worker.borrow(json.value());
    MultiLayerNetwork net = worker.net;
    try {
      load(net, w.params(), w.updater(), w.iteration(), w.epoch());
      Nd4j.getRandom().setSeed(mix(seed, w.epoch(), partition) ^ w.iteration());
      double lossSum = 0;
      long start = System.nanoTime();
      long batchSeed = mix(seed, w.epoch(), partition) + w.iteration();
      for (float[] b : mine) {
        INDArray x = worker.input(b, inputSize);
        DataSet ds = maker.make(x, batchSeed++);
        monitor.preUpdate(ds, net);
        net.fit(ds);
        monitor.postUpdate(ds, net);
        lossSum += net.score();
      }
      return List.of(new Contribution(net.params().toFloatVector(), updaterState(net), mine.size(), lossSum,
          (System.nanoTime() - start) / 1e6)).iterator();
    } finally {
      Worker.release(json.value(), worker);
    }
  }

  /** The driver's network: the averaged parameters after each round. */
  @Override
  public MultiLayerNetwork network() {
    return net;
  }

  @Override
  public void close() {
    batches.unpersist(false);
    networkJson.destroy();
  }

  /** A seed for (run seed, epoch, partition), mixed so that neighbouring inputs give unrelated streams. */
  static long mix(long seed, int epoch, int partition) {
    long z = seed * 0x9E3779B97F4A7C15L + epoch * 0xBF58476D1CE4E5B9L + partition * 0x94D049BB133111EBL;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /**
   * The round's starting point, broadcast to its workers. A class, not a record: broadcasts go through
   * spark.serializer, and Spark's Kryo cannot serialise records.
   */
  static final class Weights implements Serializable {
    private static final long serialVersionUID = 1L;
    private final float[] params;
    private final float[] updater;
    private final int iteration;
    private final int epoch;

    Weights(float[] params, float[] updater, int iteration, int epoch) {
      this.params = params;
      this.updater = updater;
      this.iteration = iteration;
      this.epoch = epoch;
    }

    float[] params() {
      return params;
    }

    float[] updater() {
      return updater;
    }

    int iteration() {
      return iteration;
    }

    int epoch() {
      return epoch;
    }
  }

  /**
   * What the workers of a round return: one worker's parameters and updater state as a task result; on the
   * driver, the running sum over workers, each weighted by the minibatches it fit. The sum is kept in
   * doubles, where a float times a small count and the sum of a few such products are exact, so the
   * average does not depend on the order in which the workers' results arrive.
   */
  static final class Contribution implements Serializable {
    private static final long serialVersionUID = 1L;
    /** One worker's values; null once this is a sum (which then travels as its double sums alone). */
    private float[] params;
    private float[] updater;
    long batches;
    long maxBatches;
    double lossSum;
    /** Longest time a worker spent fitting its minibatches, in milliseconds. */
    double fitMs;
    private double[] sumParams;
    private double[] sumUpdater;

    Contribution(float[] params, float[] updater, long batches, double lossSum, double fitMs) {
      this.params = params;
      this.updater = updater;
      this.batches = batches;
      this.maxBatches = batches;
      this.lossSum = lossSum;
      this.fitMs = fitMs;
    }

    /** Adds {@code o} into this one (on the driver, as task results arrive). */
    Contribution add(Contribution o) {
      if (sumParams == null) {
        sumParams = new double[params.length];
        sumUpdater = new double[updater.length];
        accumulate(sumParams, params, batches);
        accumulate(sumUpdater, updater, batches);
        params = null;
        updater = null;
      }
      if (o.sumParams != null) {
        add(sumParams, o.sumParams);
        add(sumUpdater, o.sumUpdater);
      } else {
        accumulate(sumParams, o.params, o.batches);
        accumulate(sumUpdater, o.updater, o.batches);
      }
      batches += o.batches;
      maxBatches = Math.max(maxBatches, o.maxBatches);
      lossSum += o.lossSum;
      fitMs = Math.max(fitMs, o.fitMs);
      return this;
    }

    private static void add(double[] sum, double[] partial) {
      if (partial.length != sum.length) {
        throw new IllegalStateException("Partial sums of " + partial.length + " and " + sum.length + " values: different networks in one round");
      }
      for (int i = 0; i < sum.length; i++) {
        sum[i] += partial[i];
      }
    }

    private static void accumulate(double[] sum, float[] v, long weight) {
      if (v.length != sum.length) {
        throw new IllegalStateException("Workers returned " + v.length + " and " + sum.length + " values: different networks in one round");
      }
      for (int i = 0; i < sum.length; i++) {
        sum[i] += weight * (double) v[i];
      }
    }

    float[] averageParams() {
      return sumParams == null ? params : average(sumParams);
    }

    float[] averageUpdater() {
      return sumUpdater == null ? updater : average(sumUpdater);
    }

    private float[] average(double[] sum) {
      float[] out = new float[sum.length];
      for (int i = 0; i < out.length; i++) {
        out[i] = (float) (sum[i] / batches);
      }
      return out;
    }
  }

  /** Partition {@code position / rowsPerPartition}: consecutive permuted positions fill one round's worker. */
  static final class BlockPartitioner extends Partitioner {
    private static final long serialVersionUID = 1L;
    private final int partitions;
    private final long rowsPerPartition;

    BlockPartitioner(int partitions, long rowsPerPartition) {
      this.partitions = partitions;
      this.rowsPerPartition = rowsPerPartition;
    }

    @Override
    public int numPartitions() {
      return partitions;
    }

    @Override
    public int getPartition(Object key) {
      return (int) ((Long) key / rowsPerPartition);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof BlockPartitioner b && b.partitions == partitions && b.rowsPerPartition == rowsPerPartition;
    }

    @Override
    public int hashCode() {
      return Long.hashCode(partitions * 31L + rowsPerPartition);
    }
  }

  /** Keeps partitions [from, to) of the cached minibatches: one round's. */
  static final class Range extends scala.runtime.AbstractFunction1<Object, Object> implements Serializable {
    private static final long serialVersionUID = 1L;
    private final int from;
    private final int to;

    Range(int from, int to) {
      this.from = from;
      this.to = to;
    }

    @Override
    public Object apply(Object partition) {
      int p = (Integer) partition;
      return p >= from && p < to;
    }
  }

  /**
   * A seeded permutation of [0, n): i -> (a i + b) mod n with a coprime to n. Consecutive positions come
   * from rows far apart in the input, so that minibatches mix inputs stored in label order (image folders).
   */
  record Permutation(long n, long a, long b) implements Serializable {
    static Permutation of(long n, long seed) {
      if (n <= 1) {
        return new Permutation(Math.max(n, 1), 1, 0);
      }
      Random r = new Random(seed);
      long a = n / 3 + (long) (r.nextDouble() * (n / 3)) + 1;
      while (BigInteger.valueOf(a).gcd(BigInteger.valueOf(n)).longValue() != 1) {
        a++;
      }
      return new Permutation(n, a % n == 0 ? 1 : a % n, (long) (r.nextDouble() * n));
    }

    long apply(long i) {
      if (n < (1L << 31)) {
        return (a * i + b) % n; // a, i < 2^31: no overflow
      }
      return BigInteger.valueOf(a).multiply(BigInteger.valueOf(i)).add(BigInteger.valueOf(b)).mod(BigInteger.valueOf(n)).longValue();
    }
  }

  /**
   * A network kept between rounds in this JVM (one per concurrently running task, for one configuration),
   * with input arrays reused across minibatches.
   */
  static final class Worker {
    private static String config;
    private static final java.util.ArrayDeque<Worker> IDLE = new java.util.ArrayDeque<>();

    final MultiLayerNetwork net;
    private final java.util.Map<Integer, INDArray> inputs = new java.util.HashMap<>();

    private Worker(MultiLayerNetwork net) {
      this.net = net;
    }

    static Worker borrow(String json) {
      synchronized (IDLE) {
        if (json.equals(config) && !IDLE.isEmpty()) {
          return IDLE.pop();
        }
      }
      MultiLayerNetwork net = new TrainingNetwork(MultiLayerConfiguration.fromJson(json));
      net.init();
      return new Worker(net);
    }

    static void release(String json, Worker worker) {
      synchronized (IDLE) {
        if (!json.equals(config)) {
          IDLE.clear();
          config = json;
        }
        IDLE.push(worker);
      }
    }

    /** {@code block} (rows x inputSize, row-major) in this worker's input array of that many rows. */
    INDArray input(float[] block, int inputSize) {
      int rows = block.length / inputSize;
      INDArray x = inputs.computeIfAbsent(rows, r -> Nd4j.create(org.nd4j.linalg.api.buffer.DataType.FLOAT, r, inputSize));
      HostArrays.copyInto(x, block);
      return x;
    }
  }
}
