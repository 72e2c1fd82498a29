package io.latentspark.jobs;

import io.latentspark.config.ConfigError;
import io.latentspark.config.LatentSparkConfig;
import io.latentspark.data.ImageDecodeException;
import io.latentspark.model.ModelFormatException;
import io.latentspark.pipeline.ActionResult;
import io.latentspark.pipeline.AnomalyAction;
import io.latentspark.pipeline.CompressAction;
import io.latentspark.pipeline.LatentMapAction;
import io.latentspark.pipeline.DenoiseAction;
import io.latentspark.pipeline.EvaluateAction;
import io.latentspark.pipeline.ImputeAction;
import io.latentspark.pipeline.PcaAction;
import io.latentspark.pipeline.Pipeline;
import io.latentspark.pipeline.SearchAction;
import io.latentspark.pipeline.VaeAction;
import io.latentspark.util.OutputExistsException;
import io.latentspark.config.RunLayout;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code latentspark train|encode|export|pipeline}. Cluster settings (master, memory) belong to
 * spark-submit or submit/*.sh; this class never sets them.
 */
@Command(name = "latentspark", mixinStandardHelpOptions = true, versionProvider = LatentSparkCli.Version.class,
    description = "Train autoencoders on image collections with Spark and turn them into latent features.",
    subcommands = {LatentSparkCli.Train.class, LatentSparkCli.Encode.class, LatentSparkCli.Export.class, LatentSparkCli.ExportOnnx.class,
        LatentSparkCli.RunPipeline.class, LatentSparkCli.Generate.class, LatentSparkCli.Bench.class,
        LatentSparkCli.Pca.class, LatentSparkCli.Evaluate.class, LatentSparkCli.Anomaly.class, LatentSparkCli.Search.class,
        LatentSparkCli.Impute.class, LatentSparkCli.Compress.class, LatentSparkCli.LatentMap.class, LatentSparkCli.Finetune.class, LatentSparkCli.Predict.class, LatentSparkCli.Swap.class, LatentSparkCli.Denoise.class, LatentSparkCli.Vae.class, LatentSparkCli.Report.class, LatentSparkCli.PreflightCheck.class, LatentSparkCli.Plan.class})
public final class LatentSparkCli implements Runnable {

  @Override
  public void run() {
    throw new CommandLine.ParameterException(new CommandLine(this), "Missing subcommand: train, encode, export or pipeline");
  }

  /** Options every subcommand takes. */
  static final class Common {
    @Option(names = "--config", paramLabel = "FILE", description = "HOCON config file; keys missing from it take the defaults listed below.")
    Path config;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override one setting, e.g. --set train.epochs=5 (repeatable; applied after --config).")
    List<String> sets = new ArrayList<>();

    @Option(names = "--out", paramLabel = "DIR", description = "Output directory (local path or file:, hdfs:, s3a: URI); required by "
        + "every command that writes.")
    String out;

    @Option(names = "--overwrite", description = "Replace outputs that already exist (default: refuse).")
    boolean overwrite;

    LatentSparkConfig load() {
      return LatentSparkConfig.load(config, sets);
    }
  }

  abstract static class Job implements Callable<Integer> {
    private static final String DIRECT_RESULT_SIZE = "spark.task.maxDirectResultSize";

    @Mixin
    Common common;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** false for commands that write nothing (they take no --out). */
    boolean writes() {
      return true;
    }

    @Override
    public Integer call() {
      if (writes() && common.out == null) {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing required option: '--out=DIR'");
      }
      LatentSparkConfig cfg = common.load(); // validate before starting Spark
      io.latentspark.util.MemoryProbe memory = io.latentspark.util.MemoryProbe.start(200);
      SparkSession.Builder builder = SparkSession.builder().appName("latentspark " + getClass().getSimpleName().toLowerCase());
      if (System.getProperty(DIRECT_RESULT_SIZE) == null) {
        // a training task returns its worker's parameters and updater state (MBs); sent directly with the task's status
        // they skip a block-manager round trip in every averaging round (docs/TRAINING.md)
        builder.config(DIRECT_RESULT_SIZE, "64m");
      }
      SparkSession spark = builder.getOrCreate();
      scala.Option<String> ui = spark.sparkContext().uiWebUrl();
      org.slf4j.LoggerFactory.getLogger(LatentSparkCli.class).info("Spark UI: {}",
          ui.isDefined() ? ui.get() : "off (spark.ui.enabled = false; submit/local.sh turns it on with LS_UI=true)");
      try {
        PrintWriter out = spec.commandLine().getOut();
        String result = run(spark, cfg, common.out == null ? null : new RunLayout(common.out));
        out.println("memory (this JVM; the executors in local mode): " + memory.peaks());
        out.println(result); // last: bench's JSON line must be the final line
        out.flush();
        return 0;
      } finally {
        memory.close();
        spark.stop();
      }
    }

    /** Does the work and returns what to tell the user. */
    abstract String run(SparkSession spark, LatentSparkConfig cfg, RunLayout out);

    /** An action's summary, then its JSON as the last line. */
    static String result(ActionResult r) {
      return r.summary() + System.lineSeparator() + r.json();
    }
  }

  @Command(name = "train", mixinStandardHelpOptions = true, description = "Train an autoencoder; writes OUT/model and OUT/checkpoints.")
  static final class Train extends Job {
    @Option(names = "--resume", description = "Continue from the newest checkpoint in OUT/checkpoints up to train.epochs.")
    boolean resume;

    @Override
    String run(SparkSession spark, LatentSparkConfig cfg, RunLayout out) {
      var model = Pipeline.train(spark, cfg, out, common.overwrite, resume);
      var last = model.history().get(model.history().size() - 1);
      return String.format("trained %d epochs: %s MSE %.5f; model in %s", model.history().size(), last.validationSplit(),
          last.validationMse(), out.model());
    }
  }

  @Command(name = "encode", mixinStandardHelpOptions = true, description = "Encode the configured dataset; writes the feature table OUT/features (Parquet). "
      + "With --onnx, any ONNX encoder does the encoding (ONNX Runtime on the executors; images shaped by data.*, normalised by encode.onnx.*).")
  static final class Encode extends Job {
    @Option(names = "--model", paramLabel = "DIR", description = "Model directory (default: OUT/model).")
    String model;

    @Option(names = "--onnx", paramLabel = "FILE", description = "An ONNX encoder (from PyTorch, TensorFlow, ...) instead of a LatentSpark model.")
    String onnx;

    @Option(names = "--onnx-decoder", paramLabel = "FILE", description = "Its ONNX decoder (code -> image), for reconstruction errors; without it they are NaN.")
    String onnxDecoder;

    @Override
    String run(SparkSession spark, LatentSparkConfig cfg, RunLayout out) {
      if (onnxDecoder != null && onnx == null) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--onnx-decoder needs --onnx (the encoder it decodes for)");
      }
      if (onnx != null && model != null) {
        throw new CommandLine.ParameterException(spec.commandLine(), "Give --model or --onnx, not both");
      }
      var r = onnx != null ? Pipeline.encodeOnnx(spark, cfg, onnx, onnxDecoder, out, common.overwrite)
          : Pipeline.encode(spark, cfg, model != null ? model : out.model(), out, common.overwrite);
      return String.format("encoded %d images into %s; mean reconstruction MSE by split %s", r.rowsWritten(), r.features(), r.meanMseBySplit());
    }
  }

  @Command(name = "export-onnx", mixinStandardHelpOptions = true,
      description = "Write the model as ONNX (opset 13): OUT/onnx/encoder.onnx (pixels -> z), decoder.onnx (z -> reconstruction), "
          + "autoencoder.onnx (both) and onnx.json; pixels in [0,1], [batch, C*H*W], normalisation inside the graphs.")
  static final class ExportOnnx extends Job {
    @Option(names = "--model", paramLabel = "DIR", description = "Model directory (default: OUT/model).")
    String model;

    @Override
    String run(SparkSession spark, LatentSparkConfig cfg, RunLayout out) {
      var r = Pipeline.exportOnnx(spark, model != null ? model : out.model(), out, common.overwrite);
      return String.format("wrote ONNX opset %d graphs to %s: encoder %,d bytes, decoder %,d bytes, autoencoder %,d bytes (%s)", r.opset(), r.dir(),
          r.encoderBytes(), r.decoderBytes(), r.autoencoderBytes(), r.metadata().get("latentspark.model_type"));
    }
  }

  @Command(name = "export", mixinStandardHelpOptions = true,
      description = "Write t-SNE-ready files (Embedding Projector TSV + sprite + CSV) of a stratified sample to OUT/export and a "
          + "2-D t-SNE map (points.csv, scatter.png) to OUT/tsne. The sprite needs the dataset the features came from (--config).")
  static final class Export extends Job {
    @Option(names = "--features", paramLabel = "DIR", description = "Feature table (default: OUT/features).")
    String features;

    @Override
    String run(SparkSession spark, LatentSparkConfig cfg, RunLayout out) {
      var e = Pipeline.export(spark, cfg, features != null ? features : out.features(), out, common.overwrite);
      var r = e.projector();
      return String.format("exported %d rows x %d dimensions to %s%s", r.rows(), r.dimensions(), r.dir(), r.sprite() ? " (with sprite)" : "")
          + (e.tsne() == null ? "" : String.format("%nt-SNE map of %d points in %s (t-SNE %.1f s)", e.tsne().points(), e.tsne().dir(),
              e.tsne().tsneSeconds()));
    }
  }

  @Command(name = "pipeline", mixinStandardHelpOptions = true, description = "train -> encode -> export in one Spark application.")
  static final class RunPipeline extends Job {
    @Option(names = "--resume", description = "Continue training from the newest checkpoint in OUT/checkpoints.")
    boolean resume;

    @Override
    String run(SparkSession spark, LatentSparkConfig cfg, RunLayout out) {
      var r = Pipeline.run(spark, cfg, out, common.overwrite, resume);
      var last = r.model().history().get(r.model().history().size() - 1);
      return String.format("pipeline finished in %.0f s: %d epochs, %s MSE %.5f, %d images encoded (mean MSE by split %s), %d rows exported%n"
          + "outputs: %s (model/, features/, export/, tsne/, report/index.html, summary.json)",
          r.seconds(), r.model().history().size(), last.validationSplit(), last.validationMse(), r.encoded().rowsWritten(),
          r.encoded().meanMseBySplit(), r.exported().projector().rows(), out.out());
    }
  }

  @Command(name = "pca", mixinStandardHelpOptions = true,
      description = "PCA baseline: fit Spark MLlib PCA with model.latentSize components on the train split of the configured dataset "
          + "and write its feature table (same columns as encode's) to OUT/pca-features. The last output line is one JSON object.")
  static final class Pca extends Job {
    @Override
    String run(SparkSession spark, LatentSparkConfig cfg, RunLayout out) {
      return result(new PcaAction(spark, cfg, out).overwrite(common.overwrite).execute());
    }
  }

  @Command(name = "evaluate", mixinStandardHelpOptions = true,
      description = "kNN accuracy and a linear probe (logistic regression) of latent codes, train split -> test split, for the "
          + "autoencoder's features and the PCA baseline's side by side; writes OUT/evaluation.json. The last output line is one JSON object.")
  static final class Evaluate extends Job {
    @Option(names = "--features", paramLabel = "DIR", description = "Autoencoder feature table (default: OUT/features).")
    String features;

    @Option(names = "--baseline", paramLabel = "DIR", description = "PCA feature table (default: OUT/pca-features if it exists).")
    String baseline;

    @Override
    String run(SparkSession spark, LatentSparkConfig cfg, RunLayout out) {
      Map<String, String> tables = new java.util.LinkedHashMap<>();
      tables.put("autoencoder", features != null ? features : out.features());
      String pca = baseline != null ? baseline : out.pcaFeatures();
      if (baseline != null || io.latentspark.util.Outputs.exists(new org.apache.hadoop.fs.Path(pca), spark.sparkContext().hadoopConfiguration())) {
        tables.put("pca", pca);
      }
      var r = new EvaluateAction(spark, cfg, out).tables(tables).overwrite(common.overwrite).execute();
      return r.summary() + r.json();
    }
  }

  @Command(name = "anomaly", mixinStandardHelpOptions = true,
      description = "Anomaly scores (reconstruction error) with a threshold calibrated on normal training rows (anomaly.*); writes "
          + "flags to OUT/anomalies and reports AUROC when anomaly.normalLabels says what is normal. The last output line is one JSON object.")
  static final class Anomaly extends Job {
    @Option(names = "--features", paramLabel = "DIR", description = "Feature table (default: OUT/features).")
    String features;

    @Override
    String run(SparkSession spark, LatentSparkConfig cfg, RunLayout out) {
      return result(new AnomalyAction(spark, cfg, out).features(features).overwrite(common.overwrite).execute());
    }
  }

  @Command(name = "search", mixinStandardHelpOptions = true,
      description = "Find the search.k nearest images in latent space to each query image (decoded as data.* says); prints them and "
          + "writes OUT/search.csv.")
  static final class Search extends Job {
    @Option(names = "--model", paramLabel = "DIR", description = "Model directory (default: OUT/model).")
    String model;

    @Option(names = "--features", paramLabel = "DIR", description = "Feature table to search (default: OUT/features).")
    String features;

    @CommandLine.Parameters(paramLabel = "QUERY", arity = "1..*", description = "Query image paths or URIs.")
    List<String> queries = new ArrayList<>();

    @Override
    String run(SparkSession spark, LatentSparkConfig cfg, RunLayout out) {
      return new SearchAction(spark, cfg, out).model(model).features(features).queries(queries).overwrite(common.overwrite).execute()
          .summary();
    }
  }

  @Command(name = "impute", mixinStandardHelpOptions = true,
      description = "Mask pixels of the impute.split images (impute.mask) and fill them with the model's reconstruction "
          + "(impute.iterations passes); writes OUT/imputed and reports the MSE on the masked pixels against the mean fill. "
          + "The last output line is one JSON object.")
  static final class Impute extends Job {
    @Option(names = "--model", paramLabel = "DIR", description = "Model directory (default: OUT/model).")
    String model;

    @Override
    String run(SparkSession spark, LatentSparkConfig cfg, RunLayout out) {
      return result(new ImputeAction(spark, cfg, out).model(model).overwrite(common.overwrite).execute());
    }
  }

  @Command(name = "compress", mixinStandardHelpOptions = true,
      description = "Compress the compress.split images with the autoencoder (latent codes quantised to each of compress.bits "
          + "bits per value and arithmetic-coded) and as JPEG files (compress.jpegQualities); writes OUT/compression "
          + "(rate-distortion.csv and .png, codec.json, codes/). The last output line is one JSON object.")
  static final class Compress extends Job {
    @Option(names = "--model", paramLabel = "DIR", description = "Model directory (default: OUT/model).")
    String model;

    @Override
    String run(SparkSession spark, LatentSparkConfig cfg, RunLayout out) {
      return result(new CompressAction(spark, cfg, out).model(model).overwrite(common.overwrite).execute());
    }
  }

  @Command(name = "latent-map", mixinStandardHelpOptions = true,
      description = "Draw the latent space of latentMap.points test images: interpolation strips between pairs of them, and for "
          + "2-D codes their scatter beside PCA's and the decoded manifold grid; writes OUT/latent-map. "
          + "The last output line is one JSON object.")
  static final class LatentMap extends Job {
    @Option(names = "--model", paramLabel = "DIR", description = "Model directory (default: OUT/model).")
    String model;

    @Override
    String run(SparkSession spark, LatentSparkConfig cfg, RunLayout out) {
      return result(new LatentMapAction(spark, cfg, out).model(model).overwrite(common.overwrite).execute());
    }
  }

  @Command(name = "finetune", mixinStandardHelpOptions = true,
      description = "Fine-tune the model's encoder with a softmax head on the labelled train images (finetune.labels of them; head "
          + "alone for finetune.headEpochs, then all layers for finetune.epochs) on Spark, or train the same network from scratch "
          + "(finetune.init = scratch); writes OUT/classifier and OUT/predictions. The last output line is one JSON object.")
  static final class Finetune extends Job {
    @Option(names = "--model", paramLabel = "DIR", description = "Pretrained model directory (default: OUT/model).")
    String model;

    @Override
    String run(SparkSession spark, LatentSparkConfig cfg, RunLayout out) {
      return result(new io.latentspark.pipeline.FinetuneAction(spark, cfg, out).model(model).overwrite(common.overwrite).execute());
    }
  }

  @Command(name = "swap", mixinStandardHelpOptions = true,
      description = "Face swap: train one encoder and one decoder per identity of swap.identities (each decoder only on its "
          + "identity's train images) on Spark, swap every held-out image to every other identity, and judge the swaps with a "
          + "k-NN identity classifier on PCA of real images; writes OUT/swap (model/, A-as-B.png grids, swap.json). "
          + "The last output line is one JSON object.")
  static final class Swap extends Job {
    @Option(names = "--network", paramLabel = "DIR", description = "Judge this trained swap network (an earlier OUT/swap/model) instead of training one.")
    String network;

    @Override
    String run(SparkSession spark, LatentSparkConfig cfg, RunLayout out) {
      return result(new io.latentspark.pipeline.SwapAction(spark, cfg, out).network(network).overwrite(common.overwrite).execute());
    }
  }

  @Command(name = "predict", mixinStandardHelpOptions = true,
      description = "Run a fine-tuned classifier over the configured images; writes OUT/predictions (id, label, split, predicted, "
          + "probabilities) and reports the accuracy per split. The last output line is one JSON object.")
  static final class Predict extends Job {
    @Option(names = "--classifier", paramLabel = "DIR", description = "Classifier directory (default: OUT/classifier).")
    String classifier;

    @Override
    String run(SparkSession spark, LatentSparkConfig cfg, RunLayout out) {
      return result(new io.latentspark.pipeline.PredictAction(spark, cfg, out).classifier(classifier).overwrite(common.overwrite).execute());
    }
  }

  @Command(name = "denoise", mixinStandardHelpOptions = true,
      description = "Corrupt the test images as model.corruption.* says, reconstruct them with the model and report the MSE "
          + "against the clean images (corrupted input, denoised, clean reconstruction); writes OUT/denoising.json. "
          + "The last output line is one JSON object.")
  static final class Denoise extends Job {
    @Option(names = "--model", paramLabel = "DIR", description = "Model directory (default: OUT/model).")
    String model;

    @Override
    String run(SparkSession spark, LatentSparkConfig cfg, RunLayout out) {
      return result(new DenoiseAction(spark, cfg, out).model(model).overwrite(common.overwrite).execute());
    }
  }

  @Command(name = "vae", mixinStandardHelpOptions = true,
      description = "For a variational autoencoder (model.type = vae): measure the test images' negative ELBO in nats per image "
          + "(one posterior sample each) and decode --count samples from the prior N(0, I) into a grid; writes OUT/vae/ "
          + "(elbo.json, samples.png). The last output line is one JSON object.")
  static final class Vae extends Job {
    @Option(names = "--model", paramLabel = "DIR", description = "Model directory (default: OUT/model).")
    String model;

    @Option(names = "--count", paramLabel = "N", defaultValue = "100", description = "Images to sample from the prior.")
    int count;

    @Override
    String run(SparkSession spark, LatentSparkConfig cfg, RunLayout out) {
      if (count <= 0 || count > 10000) {
        throw new IllegalArgumentException("Cannot use --count " + count + ": the number of samples must be 1 to 10000");
      }
      return result(new VaeAction(spark, cfg, out).model(model).count(count).overwrite(common.overwrite).execute());
    }
  }

  @Command(name = "report", mixinStandardHelpOptions = true,
      description = "Rebuild the HTML run report OUT/report/index.html (with its plots as PNG files) from OUT/model, OUT/features, "
          + "OUT/tsne and the configured dataset. train and pipeline write it themselves.")
  static final class Report extends Job {
    @Override
    String run(SparkSession spark, LatentSparkConfig cfg, RunLayout out) {
      var r = Pipeline.report(spark, cfg, out, common.overwrite);
      return "report: " + r.dir() + "/index.html (plots " + String.join(", ", r.plots()) + ")";
    }
  }

  @Command(name = "generate", mixinStandardHelpOptions = true,
      description = "Write the seeded synthetic dataset as an image folder of PNGs (OUT/<class>/*.png), e.g. for trying "
          + "data.format = image-folder or for benchmarks. Size, channels and noise come from data.*.")
  static final class Generate extends Job {
    @Option(names = "--count", paramLabel = "N", defaultValue = "10000", description = "Number of images.")
    long count;

    @Override
    String run(SparkSession spark, LatentSparkConfig cfg, RunLayout out) {
      if (count <= 0) {
        throw new IllegalArgumentException("Cannot use --count " + count + ": the value must be positive");
      }
      long n = io.latentspark.data.SyntheticFolder.write(spark, cfg.data(), cfg.seed(), count, out.out(), common.overwrite);
      return String.format("wrote %d synthetic images to %s", n, out.out());
    }
  }

  @Command(name = "bench", mixinStandardHelpOptions = true,
      description = "Train and encode the configured model both in this JVM (all cores) and on Spark, and compare throughput, "
          + "validation MSE and FLOP utilisation. The last output line is one JSON object. Writes nothing (no --out).")
  static final class Bench extends Job {
    @Option(names = "--scaling", paramLabel = "W,W,...", split = ",",
        description = "Instead: one epoch per number of workers W, the driver summing the W results and the executors summing them "
            + "in a tree (train.reduceFanIn); prints per-round wall and task time, overhead, bytes into the driver and shuffled.")
    List<Integer> scaling;

    @Override
    boolean writes() {
      return false;
    }

    @Override
    String run(SparkSession spark, LatentSparkConfig cfg, RunLayout out) {
      if (scaling != null) {
        for (int w : scaling) {
          if (w < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--scaling takes numbers of workers >= 1, got " + w);
          }
        }
        return io.latentspark.pipeline.ScalingBench.run(spark, cfg, scaling).report();
      }
      return io.latentspark.pipeline.Benchmark.run(spark, cfg).report();
    }
  }

  @Command(name = "preflight", mixinStandardHelpOptions = true,
      description = "Run a tiny job on every executor and report JDK, ND4J backend and native library load, BLAS, CPU features, "
          + "cores, heap and off-heap limits; fails if any executor cannot load the native backend. Writes nothing (no --out).")
  static final class PreflightCheck extends Job {
    @Override
    boolean writes() {
      return false;
    }

    @Override
    String run(SparkSession spark, LatentSparkConfig cfg, RunLayout out) {
      var reports = io.latentspark.ops.Preflight.run(spark);
      String table = io.latentspark.ops.Preflight.format(reports);
      var failed = reports.stream().filter(r -> !r.ok()).toList();
      if (!failed.isEmpty()) {
        throw new IllegalStateException(failed.size() + " of " + reports.size() + " executor(s) cannot run LatentSpark: executor "
            + failed.get(0).executor() + " on " + failed.get(0).host() + ": " + failed.get(0).error() + "\n" + table);
      }
      return table + "\n" + reports.size() + " executor(s) ready";
    }
  }

  @Command(name = "plan", mixinStandardHelpOptions = true,
      description = "Size executor off-heap memory for training the configured model: prints the reasoning on stderr and "
          + "LS_EXECUTOR_MEMORY_OVERHEAD, LS_OFFHEAP, LS_MAXPHYSICAL on stdout (read by submit/*.sh). Starts no Spark.")
  static final class Plan implements Callable<Integer> {
    @Option(names = "--config", paramLabel = "FILE", description = "HOCON config file.")
    Path config;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override one setting (repeatable).")
    List<String> sets = new ArrayList<>();

    @Option(names = "--executor-cores", paramLabel = "N", defaultValue = "1", description = "Concurrent tasks per executor.")
    int cores;

    @Option(names = "--executor-memory", paramLabel = "SIZE", defaultValue = "4g", description = "Executor heap (spark.executor.memory).")
    String memory;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      if (cores <= 0) {
        throw new IllegalArgumentException("Cannot use --executor-cores " + cores + ": the value must be positive");
      }
      var plan = io.latentspark.ops.MemoryPlan.plan(LatentSparkConfig.load(config, sets), cores,
          io.latentspark.ops.MemoryPlan.parseBytes(memory));
      plan.reasoning().forEach(line -> spec.commandLine().getErr().println("plan: " + line));
      plan.shellVariables().forEach(spec.commandLine().getOut()::println);
      spec.commandLine().getOut().flush();
      spec.commandLine().getErr().flush();
      return 0;
    }
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"LatentSpark " + io.latentspark.util.Versions.latentspark() + " (DL4J " + io.latentspark.util.Versions.dl4j()
          + ", built for Spark " + io.latentspark.util.Versions.spark() + ")"};
    }
  }

  /** The settings table shown under every --help: key, default and meaning, straight from reference.conf. */
  static String settingsHelp() {
    StringBuilder sb = new StringBuilder("%nSettings (--config FILE / --set KEY=VALUE), with defaults:%n");
    for (Map.Entry<String, String[]> e : LatentSparkConfig.describeDefaults().entrySet()) {
      sb.append("  ").append(e.getKey()).append(" = ").append(e.getValue()[0]).append("%n");
      StringBuilder line = new StringBuilder("      ");
      for (String word : e.getValue()[1].split(" ")) {
        if (line.length() + word.length() > 78) {
          sb.append(line.toString().stripTrailing()).append("%n");
          line = new StringBuilder("      ");
        }
        line.append(word).append(' ');
      }
      sb.append(line.toString().stripTrailing()).append("%n");
    }
    return sb.toString().replace("%", "%%").replace("%%n", "%n");
  }

  /** Builds the command line with the settings table as footer of every command. */
  public static CommandLine commandLine() {
    CommandLine cmd = new CommandLine(new LatentSparkCli());
    String footer = settingsHelp();
    cmd.getCommandSpec().usageMessage().footer(footer);
    for (CommandLine sub : cmd.getSubcommands().values()) {
      sub.getCommandSpec().usageMessage().footer(footer);
      sub.getCommandSpec().usageMessage().showDefaultValues(true);
    }
    cmd.setExecutionExceptionHandler(LatentSparkCli::handle);
    return cmd;
  }

  /** Turns failures into one clear line (the cause chain's most specific message) and an exit code. */
  static int handle(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
    PrintWriter err = cmd.getErr();
    Throwable specific = mostSpecific(e);
    if (specific instanceof OutputExistsException exists) {
      err.println("error: Output " + exists.target() + " already exists: use --overwrite to replace it, or choose another --out");
      return 1;
    }
    if (specific instanceof ConfigError) {
      err.println("error: " + specific.getMessage());
      return 2;
    }
    err.println("error: " + specific.getMessage());
    if (Boolean.getBoolean("latentspark.trace") || specific == e && !(e instanceof IllegalArgumentException || e instanceof IllegalStateException)) {
      e.printStackTrace(err);
    }
    return 1;
  }

  /** The most telling exception in a cause chain: a LatentSpark error if there is one, else the root cause. */
  static Throwable mostSpecific(Throwable e) {
    Throwable root = e;
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ConfigError || t instanceof ImageDecodeException || t instanceof ModelFormatException
          || t instanceof io.latentspark.train.TrainingDivergedException
          || t instanceof IllegalArgumentException || t instanceof IllegalStateException) {
        return t;
      }
      root = t;
    }
    return root;
  }

  public static void main(String[] args) {
    int code = commandLine().execute(args);
    // In YARN cluster mode the driver runs inside Spark's ApplicationMaster, which reports the application FAILED
    // ("Shutdown hook called before final status was reported") when the user class calls System.exit, even with 0:
    // there a success returns from main and the ApplicationMaster reports it (found by YarnIT).
    if (code == 0 && inYarnApplicationMaster()) {
      return;
    }
    System.exit(code);
  }

  static boolean inYarnApplicationMaster() {
    return "cluster".equals(System.getProperty("spark.submit.deployMode")) && "yarn".equals(System.getProperty("spark.master"));
  }
}
