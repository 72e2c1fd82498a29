package io.latentspark.pipeline;

import io.latentspark.config.LatentSparkConfig;
import io.latentspark.config.RunLayout;
import io.latentspark.data.LoadedImages;
import io.latentspark.model.AutoencoderModel;
import io.latentspark.util.Outputs;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * One operation on a run directory, in the manner of Iceberg's Spark actions: make it, set its options, then
 * {@link #execute()} it once. The base does what every operation needs: it checks that each of its outputs can be
 * written before any work, loads the model (checking its image shape against the config) and the configured images
 * at most once and only when asked, releases the images afterwards, and reads feature tables with a clear error.
 *
 * @param <A> the action's own type (so that options chain)
 * @param <R> its result, a record whose {@link ActionResult#json()} is one line for scripts
 */
public abstract class Action<A extends Action<A, R>, R extends ActionResult> {
  protected final SparkSession spark;
  protected final LatentSparkConfig cfg;
  protected final RunLayout out;
  private boolean overwrite;
  private String modelDir;
  private AutoencoderModel model;
  private LoadedImages loaded;

  protected Action(SparkSession spark, LatentSparkConfig cfg, RunLayout out) {
    this.spark = spark;
    this.cfg = cfg;
    this.out = out;
  }

  @SuppressWarnings("unchecked")
  private A self() {
    return (A) this;
  }

  /** Replace outputs that exist (default: refuse them). */
  public A overwrite(boolean overwrite) {
    this.overwrite = overwrite;
    return self();
  }

  /** The model directory to use (default: the run's model/). */
  public A model(String dir) {
    this.modelDir = dir;
    return self();
  }

  /** The outputs this action writes; each is checked before any work. */
  protected abstract List<String> outputs();

  /** Cheap checks of the action's options, before anything is loaded. */
  protected void validate() {}

  /** The work, once the outputs are known writable. */
  protected abstract R run();

  /** Runs the action: checks outputs and options, does the work, releases what it loaded. */
  public final R execute() {
    for (String target : outputs()) {
      Outputs.checkWritable(new Path(target), hadoop(), overwrite);
    }
    validate();
    try {
      return run();
    } finally {
      if (loaded != null) {
        loaded.unpersist();
        loaded = null;
      }
    }
  }

  protected boolean overwrite() {
    return overwrite;
  }

  protected Configuration hadoop() {
    return spark.sparkContext().hadoopConfiguration();
  }

  /** The model directory this action reads: the one set with {@link #model(String)}, else the run's model/. */
  protected String modelDirectory() {
    return modelDir != null ? modelDir : out.model();
  }

  /** The model (loaded once), whose image shape must match the config's data.*. */
  protected AutoencoderModel model() {
    if (model == null) {
      String dir = modelDirectory();
      model = AutoencoderModel.load(dir, hadoop());
      Pipeline.checkShape(cfg, model, dir);
    }
    return model;
  }

  /** The configured dataset (loaded once, released after the action). */
  protected LoadedImages loaded() {
    if (loaded == null) {
      loaded = Pipeline.loadImages(spark, cfg);
    }
    return loaded;
  }

  protected Dataset<Row> images() {
    return loaded().images();
  }

  /** The feature table at {@code dir}, or a clear error naming it. */
  protected Dataset<Row> table(String dir) {
    requireTable(dir);
    return spark.read().parquet(dir);
  }

  protected void requireTable(String dir) {
    Pipeline.requireTable(dir, hadoop());
  }

  /** Writes {@code result}'s JSON line to {@code target}, atomically. */
  protected void writeJson(Path target, ActionResult result) {
    Outputs.writeAtomically(target, hadoop(), overwrite, staging -> Outputs.writeString(staging, result.json(), hadoop()));
  }
}
