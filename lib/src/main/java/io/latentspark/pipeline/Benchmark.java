package io.latentspark.pipeline;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.latentspark.config.LatentSparkConfig;
import io.latentspark.data.ImageSchema;
import io.latentspark.data.LoadedImages;
import io.latentspark.config.EncodeConfig;
import io.latentspark.config.EncodeEngine;
import io.latentspark.encode.BatchEncoder;
import io.latentspark.encode.FeatureEncoder;
import io.latentspark.encode.NetworkSnapshot;
import io.latentspark.encode.SparkEncoder;
import io.latentspark.model.AutoencoderModel;
import io.latentspark.model.EpochStats;
import io.latentspark.train.LocalTrainer;
import io.latentspark.train.SparkTrainer;
import io.latentspark.model.ThreadSettings;
import io.latentspark.train.TrainingRun;
import io.latentspark.util.Json;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * Trains and encodes one config twice in the same run - in this JVM with all its cores (the single-machine
 * reference) and on Spark with parameter averaging - and reports throughput, final validation MSE, the
 * machine's measured single-precision matrix-multiply rate and the FLOP utilisation of each.
 */
public final class Benchmark {
  private Benchmark() {}

  /** Figures of one benchmark run. */
  public record Result(int epochs, long trainExamples, long validationExamples, String validationSplit,
      double singleJvmExamplesPerS, double sparkExamplesPerS, double singleJvmValMse, double sparkValMse,
      double singleJvmEncodePerS, double sparkEncodePerS, double sgemmGflops, double trainFlopsPerExample,
      int singleJvmBatch, int sparkWorkers, int sparkBatchPerWorker, int singleJvmThreads, String sparkEngine,
      double sparkPrepareSeconds, double[] singleJvmEpochRates, double[] sparkEpochRates, Roofline roofline,
      io.latentspark.model.TrainingProbe.Result probe, double sparkEncodeToParquetPerS, OnnxRates onnx) {

    /** Achieved training FLOP/s of the single JVM over the machine's GEMM ceiling at its minibatch shape (all cores). */
    public double singleJvmFlopUtilisation() {
      return trainFlopsPerExample * singleJvmExamplesPerS / (roofline.machineGflops() * 1e9);
    }

    /** Achieved training FLOP/s on Spark over one core's GEMM ceiling at a worker's minibatch shape, times the workers. */
    public double sparkFlopUtilisation() {
      return trainFlopsPerExample * sparkExamplesPerS / (roofline.perCoreGflops() * sparkWorkers * 1e9);
    }

    /** A side-by-side table of the figures, then the JSON line (last, for scripts). */
    public String report() {
      return String.join("\n",
          String.format("%-28s %14s %14s %8s", "", "single JVM", "Spark", "ratio"),
          String.format("%-28s %14s %14s", "setup", singleJvmThreads + " threads, batch " + singleJvmBatch,
              sparkWorkers + " x batch " + sparkBatchPerWorker + ", " + sparkEngine),
          String.format("%-28s %14.0f %14.0f %8.2f", "training examples/s", singleJvmExamplesPerS, sparkExamplesPerS,
              sparkExamplesPerS / singleJvmExamplesPerS),
          String.format("%-28s %14s %14.1f", "minibatch preparation s", "untimed", sparkPrepareSeconds),
          "examples/s by epoch, single JVM: " + rates(singleJvmEpochRates),
          "examples/s by epoch, Spark:      " + rates(sparkEpochRates),
          String.format("%-28s %14.5f %14.5f %8.2f", validationSplit + " MSE after " + epochs + " epochs", singleJvmValMse,
              sparkValMse, sparkValMse / singleJvmValMse),
          String.format("%-28s %14.0f %14.0f %8.2f", "encoding rows/s (in memory)", singleJvmEncodePerS, sparkEncodePerS,
              sparkEncodePerS / singleJvmEncodePerS),
          String.format("%-28s %14s %14.0f", "read -> encode -> Parquet", "", sparkEncodeToParquetPerS),
          String.format("%-28s %14.0f %14.0f %8.2f", "ONNX Runtime encoding rows/s", onnx.singleJvmEncodePerS(), onnx.sparkEncodePerS(),
              onnx.sparkEncodePerS() / onnx.singleJvmEncodePerS()),
          String.format("%-28s %14s %14.0f %8.2f", "ONNX read -> encode -> Parquet", "", onnx.sparkEncodeToParquetPerS(),
              onnx.sparkEncodeToParquetPerS() / sparkEncodeToParquetPerS),
          String.format("%-28s %14s %14.0f", "read -> Parquet, no network", "", onnx.sparkReadWriteParquetPerS()),
          String.format("%-28s %13.1f%% %13.1f%%", "FLOP utilisation (training)", 100 * singleJvmFlopUtilisation(),
              100 * sparkFlopUtilisation()),
          String.format("%-28s %14.0f %14.0f", "training examples/s per core", singleJvmExamplesPerS / singleJvmThreads,
              sparkExamplesPerS / sparkWorkers),
          String.format("GEMM ceiling (best of 5, warmed up): %.1f GFLOP/s on 1 thread at %s (a worker's first layer), %.1f on %d threads "
              + "at the single JVM's batch; 1024^3 on %d threads %.1f", roofline.perCoreGflops(), roofline.workerShape(), roofline.machineGflops(),
              singleJvmThreads, singleJvmThreads, sgemmGflops),
          String.format("training %.2f MFLOP per example; one iteration on 1 thread at batch %d: %.2f ms (%.0f examples/s), with DL4J's own "
              + "ReLU/sigmoid %.2f ms (%.0f examples/s)", trainFlopsPerExample / 1e6, probe.batch(), probe.msPerIteration(),
              probe.examplesPerSecond(), probe.msPerIterationDl4jActivations(), probe.examplesPerSecondDl4jActivations()),
          json());
    }

    private static String rates(double[] r) {
      return String.join(" ", java.util.Arrays.stream(r).mapToObj(v -> String.format("%.0f", v)).toList());
    }

    /** One JSON object; the keys scripts read. */
    public String json() {
      ObjectNode n = Json.MAPPER.createObjectNode();
      n.put("epochs", epochs);
      n.put("train_examples", trainExamples);
      n.put("validation_examples", validationExamples);
      n.put("validation_split", validationSplit);
      n.put("single_jvm_examples_per_s", singleJvmExamplesPerS);
      n.put("spark_examples_per_s", sparkExamplesPerS);
      n.put("spark_vs_single_jvm_throughput", sparkExamplesPerS / singleJvmExamplesPerS);
      n.put("single_jvm_val_mse", singleJvmValMse);
      n.put("spark_val_mse", sparkValMse);
      n.put("spark_vs_single_jvm_val_mse", sparkValMse / singleJvmValMse);
      n.put("single_jvm_encode_per_s", singleJvmEncodePerS);
      n.put("spark_encode_per_s", sparkEncodePerS);
      n.put("spark_encode_to_parquet_per_s", sparkEncodeToParquetPerS);
      n.put("onnx_single_jvm_encode_per_s", onnx.singleJvmEncodePerS());
      n.put("onnx_spark_encode_per_s", onnx.sparkEncodePerS());
      n.put("onnx_spark_encode_to_parquet_per_s", onnx.sparkEncodeToParquetPerS());
      n.put("onnx_vs_dl4j_encode_to_parquet", onnx.sparkEncodeToParquetPerS() / sparkEncodeToParquetPerS);
      n.put("spark_read_write_parquet_per_s", onnx.sparkReadWriteParquetPerS());
      n.put("sgemm_gflops", sgemmGflops);
      n.put("train_flops_per_example", trainFlopsPerExample);
      n.put("flop_utilisation", sparkFlopUtilisation());
      n.put("single_jvm_flop_utilisation", singleJvmFlopUtilisation());
      n.put("single_jvm_batch", singleJvmBatch);
      n.put("spark_workers", sparkWorkers);
      n.put("spark_batch_per_worker", sparkBatchPerWorker);
      n.put("single_jvm_threads", singleJvmThreads);
      n.put("spark_engine", sparkEngine);
      n.put("spark_prepare_s", sparkPrepareSeconds);
      var single = n.putArray("single_jvm_epoch_examples_per_s");
      java.util.Arrays.stream(singleJvmEpochRates).forEach(single::add);
      var distributed = n.putArray("spark_epoch_examples_per_s");
      java.util.Arrays.stream(sparkEpochRates).forEach(distributed::add);
      n.put("spark_examples_per_s_per_core", sparkExamplesPerS / sparkWorkers);
      n.put("roofline_gflops_per_core", roofline.perCoreGflops());
      n.put("roofline_gflops_machine", roofline.machineGflops());
      n.put("roofline_worker_shape", roofline.workerShape());
      n.put("iteration_ms_1thread", probe.msPerIteration());
      n.put("iteration_ms_1thread_dl4j_activations", probe.msPerIterationDl4jActivations());
      return n.toString();
    }
  }

  /**
   * The GEMM ceilings training is compared with, measured in this JVM before any training: one thread at a worker's
   * largest minibatch product (what one Spark task runs) and all cores at the single JVM's.
   */
  public record Roofline(double perCoreGflops, double machineGflops, String workerShape) {}

  static Roofline roofline(LatentSparkConfig cfg, int batchPerWorker, int globalBatch, int cores) {
    int in = cfg.data().inputSize();
    int widest = cfg.plan().layers().stream().mapToInt(l -> l instanceof io.latentspark.spec.LayerSpec.Dense d ? d.nOut() : 0).max().orElse(in);
    double perCore = io.latentspark.model.NativeBackend.gemmGflops(batchPerWorker, in, widest, 1, 5);
    double machine = io.latentspark.model.NativeBackend.gemmGflops(globalBatch, in, widest, cores, 5);
    return new Roofline(perCore, machine, batchPerWorker + "x" + in + "x" + widest);
  }

  /**
   * Runs the benchmark. The single-JVM reference trains with the same global batch as Spark
   * (workers x train.batchSizePerWorker) so that both take the same number of examples per update.
   */
  public static Result run(SparkSession spark, LatentSparkConfig cfg) {
    trainFlopsPerExample(cfg); // refuses networks with layers it cannot count, before any work
    int cores = Runtime.getRuntime().availableProcessors();
    int workers = cfg.train().workers() > 0 ? cfg.train().workers() : spark.sparkContext().defaultParallelism();
    int globalBatch = workers * cfg.train().batchSizePerWorker();
    // the ceilings and the one-iteration probe first, while this JVM does nothing else (no loaded data, no GC of it)
    Roofline roofline = roofline(cfg, cfg.train().batchSizePerWorker(), globalBatch, cores);
    var probe = io.latentspark.model.TrainingProbe.measure(cfg, cfg.train().batchSizePerWorker(), 1, 5, 20);
    double gflops = io.latentspark.model.NativeBackend.gemmGflops(1024, 1024, 1024, cores, 3);
    LoadedImages loaded = io.latentspark.data.ImageSources.load(spark, cfg.data(), cfg.seed());
    try {
      Dataset<Row> images = loaded.images();
      List<float[]> train = pixels(images.where(functions.col(ImageSchema.SPLIT).equalTo(ImageSchema.TRAIN)));
      String valSplit = io.latentspark.data.Splits.evaluationSplit(images);
      List<float[]> validation = pixels(images.where(functions.col(ImageSchema.SPLIT).equalTo(valSplit)));
      List<float[]> all = new ArrayList<>(train);
      all.addAll(validation);

      ThreadSettings.apply(cores);

      LatentSparkConfig single = cfg.withOverrides(List.of("train.batchSizePerWorker=" + globalBatch));
      AutoencoderModel local = new LocalTrainer(single).train(train, "benchmark");
      double localSeconds = local.history().stream().mapToDouble(EpochStats::seconds).sum();
      double localEncode = encodeRate(local, all, cfg.encode().batchSize());
      double localMse = meanMse(local, validation, cfg.encode().batchSize());

      SparkTrainer trainer = new SparkTrainer(cfg);
      AutoencoderModel distributed = trainer.train(spark, images, new TrainingRun("benchmark", null, null, null));
      double sparkSeconds = distributed.history().stream().mapToDouble(EpochStats::seconds).sum();
      double sparkMse = meanMse(distributed, validation, cfg.encode().batchSize());
      int batch = cfg.encode().batchSize();
      // in memory, the engine's set-up (broadcast; ONNX: the export too) timed with it; the engines serve the runs below
      long start = System.nanoTime();
      FeatureEncoder dl4jEngine = SparkEncoder.engine(spark, distributed, new EncodeConfig(batch, EncodeConfig.LATENT, false));
      long encoded = SparkEncoder.encode(spark, dl4jEngine, images, batch).count();
      double sparkEncode = encoded / ((System.nanoTime() - start) / 1e9);
      double onnxLocal = onnxEncodeRate(distributed, all, batch, cores);
      start = System.nanoTime();
      FeatureEncoder onnxEngine = SparkEncoder.engine(spark, distributed, cfg.encode().withEngine(EncodeEngine.ONNX));
      long onnxEncoded = SparkEncoder.encode(spark, onnxEngine, images, batch).count();
      double onnxSpark = onnxEncoded / ((System.nanoTime() - start) / 1e9);
      // end to end, interleaved after a warm-up of each (the machine is shared): DL4J, ONNX, no network, three times;
      // best of each (a run takes 1-3 s for MNIST; the first runs of a path are 2-3x slower while the JIT compiles it)
      FeatureEncoder e2eDl4j = SparkEncoder.engine(spark, distributed, cfg.encode());
      FeatureEncoder none = new NoNetwork(cfg.encode().errorMap());
      for (FeatureEncoder warm : List.of(e2eDl4j, onnxEngine, none)) {
        encodeToParquet(spark, cfg, warm);
      }
      double toParquet = 0;
      double onnxToParquet = 0;
      double readWrite = 0;
      for (int round = 0; round < 3; round++) {
        toParquet = Math.max(toParquet, encodeToParquet(spark, cfg, e2eDl4j));
        onnxToParquet = Math.max(onnxToParquet, encodeToParquet(spark, cfg, onnxEngine));
        readWrite = Math.max(readWrite, encodeToParquet(spark, cfg, none));
      }
      OnnxRates onnx = new OnnxRates(onnxLocal, onnxSpark, onnxToParquet, readWrite);

      int epochs = cfg.train().epochs();
      long examples = (long) train.size() * epochs;
      return new Result(epochs, train.size(), validation.size(), valSplit, examples / localSeconds, examples / sparkSeconds,
          localMse, sparkMse, localEncode, sparkEncode, gflops, trainFlopsPerExample(cfg), globalBatch, workers,
          cfg.train().batchSizePerWorker(), cores, cfg.train().engine().configName(), trainer.preparationSeconds(), epochRates(local),
          epochRates(distributed), roofline, probe, toParquet, onnx);
    } finally {
      loaded.unpersist();
    }
  }

  /**
   * Rows per second of the whole encode path on Spark, as the {@code encode} command runs it
   * ({@link Pipeline#encode}): the dataset read and decoded afresh from data.path, encoded, written as a Parquet
   * feature table (to a temporary local directory, deleted afterwards), its rows checked against the images encoded
   * and its mean errors by split taken from the write (see {@link io.latentspark.encode.EncodeTally}).
   */
  static double encodeToParquet(SparkSession spark, LatentSparkConfig cfg, FeatureEncoder engine) {
    java.nio.file.Path tmp;
    try {
      tmp = java.nio.file.Files.createTempDirectory("latentspark-bench");
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("Cannot create a temporary directory for the encoding benchmark", e);
    }
    org.apache.hadoop.conf.Configuration conf = spark.sparkContext().hadoopConfiguration();
    long start = System.nanoTime();
    LoadedImages fresh = io.latentspark.data.ImageSources.loadOnce(spark, cfg.data(), cfg.seed());
    try {
      Pipeline.EncodeResult written = Pipeline.encode(spark, cfg, engine, fresh, new io.latentspark.config.RunLayout(tmp.toUri().toString()), false);
      return written.rowsWritten() / ((System.nanoTime() - start) / 1e9);
    } finally {
      fresh.unpersist();
      io.latentspark.util.Outputs.abort(new org.apache.hadoop.fs.Path(tmp.toUri()), conf);
    }
  }

  /**
   * ONNX Runtime's figures beside DL4J's: encoding in this JVM (one session, {@code threads} threads) and on Spark in
   * memory, the whole encode path on Spark, and that path with no network at all (read, decode, write: its ceiling).
   */
  public record OnnxRates(double singleJvmEncodePerS, double sparkEncodePerS, double sparkEncodeToParquetPerS, double sparkReadWriteParquetPerS) {}

  private static double onnxEncodeRate(AutoencoderModel m, List<float[]> rows, int batch, int threads) {
    byte[] graph = io.latentspark.onnx.OnnxExport.graphs(m).autoencoder();
    io.latentspark.onnx.OnnxSession session = io.latentspark.onnx.OnnxSession.of(graph, threads);
    int size = rows.get(0).length;
    List<String> outputs = List.of(io.latentspark.onnx.OnnxExport.Z, io.latentspark.onnx.OnnxExport.RECONSTRUCTION);
    long start = System.nanoTime();
    for (int i = 0; i < rows.size(); i += batch) {
      List<float[]> b = rows.subList(i, Math.min(rows.size(), i + batch));
      session.run(BatchEncoder.flatten(b, size), new long[] {b.size(), size}, outputs);
    }
    return rows.size() / ((System.nanoTime() - start) / 1e9);
  }

  /** A stand-in engine that runs no network (z = one zero, errors 0): what reading, decoding and writing cost alone. */
  private static final class NoNetwork implements FeatureEncoder {
    private static final long serialVersionUID = 1L;
    private final boolean errorMap;

    NoNetwork(boolean errorMap) {
      this.errorMap = errorMap;
    }

    @Override
    public Batch open() {
      return pixels -> {
        int n = pixels.size();
        float[][] z = new float[n][1];
        float[][] map = errorMap ? new float[n][] : null;
        if (map != null) {
          for (int i = 0; i < n; i++) {
            map[i] = new float[pixels.get(i).length];
          }
        }
        return new BatchEncoder.Result(z, new double[n], new double[n], map, null, null);
      };
    }

    @Override
    public boolean logVar() {
      return false;
    }

    @Override
    public boolean errorMap() {
      return errorMap;
    }
  }

  private static double[] epochRates(AutoencoderModel m) {
    return m.history().stream().mapToDouble(EpochStats::examplesPerSecond).toArray();
  }

  /** Training FLOPs per example of the configured network (dense, conv, transposed conv and LSTM layers; {@link io.latentspark.spec.NetworkCost}). */
  static double trainFlopsPerExample(LatentSparkConfig cfg) {
    return io.latentspark.spec.NetworkCost.trainFlopsPerExample(cfg.plan());
  }

  private static double encodeRate(AutoencoderModel m, List<float[]> rows, int batch) {
    BatchEncoder enc = BatchEncoder.of(NetworkSnapshot.of(m));
    long start = System.nanoTime();
    for (int i = 0; i < rows.size(); i += batch) {
      enc.encode(rows.subList(i, Math.min(rows.size(), i + batch)));
    }
    return rows.size() / ((System.nanoTime() - start) / 1e9);
  }

  private static double meanMse(AutoencoderModel m, List<float[]> rows, int batch) {
    return BatchEncoder.of(NetworkSnapshot.of(m)).meanMse(rows, batch);
  }

  private static List<float[]> pixels(Dataset<Row> rows) {
    List<float[]> out = new ArrayList<>();
    int idx = rows.schema().fieldIndex(ImageSchema.PIXELS);
    rows.toLocalIterator().forEachRemaining(r -> out.add(ImageSchema.pixels(r, idx)));
    return out;
  }
}
