package io.latentspark.pipeline;

import io.latentspark.analysis.FaceSwap;
import io.latentspark.config.LatentSparkConfig;
import io.latentspark.config.RunLayout;
import io.latentspark.config.SwapConfig;
import io.latentspark.data.Splits;
import io.latentspark.export.Charts;
import io.latentspark.model.SwapModel;
import io.latentspark.spec.ConvDenoisingSpec;
import io.latentspark.spec.ConvSpec;
import io.latentspark.spec.DenoisingSpec;
import io.latentspark.spec.DenseSpec;
import io.latentspark.train.SwapTrainer;
import io.latentspark.util.Outputs;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The two-decoder face swap: trains one encoder and one decoder per identity of swap.identities on Spark
 * ({@link SwapTrainer}), or reads such a network ({@link #network(String)}), judges it ({@link FaceSwap}) and writes
 * {@code out/swap/} atomically: {@code model/} (the network, when trained here), one {@code A-as-B.png} grid per
 * direction and {@code swap.json} (the result line).
 */
public final class SwapAction extends Action<SwapAction, SwapAction.Result> {
  private String network;

  /** What was written and measured. */
  public record Result(String dir, List<String> files, FaceSwap.Result swap, double trainSeconds) implements ActionResult {
    @Override
    public String summary() {
      StringBuilder s = new StringBuilder(String.format("face swap of %s: %.0f%% of swapped held-out faces assigned to the target identity "
          + "(%.0f%% when the classifier sees only images the network did not train on; it identifies %.0f%% of real held-out faces)",
          swap.identities().stream().map(FaceSwap.Identity::label).toList(), 100 * swap.assignedToTarget(), 100 * swap.assignedToTargetUnseen(),
          100 * swap.realAccuracy()));
      for (FaceSwap.Identity i : swap.identities()) {
        s.append(String.format("%n  decoder %s: held-out MSE %.5f (its mean training face %.5f)", i.label(), i.ownMse(), i.meanFaceMse()));
      }
      return s.append(String.format("%n  written to %s: %s", dir, String.join(", ", files))).toString();
    }
  }

  public SwapAction(SparkSession spark, LatentSparkConfig cfg, RunLayout out) {
    super(spark, cfg, out);
  }

  /** Judge the swap network saved at {@code dir} (an earlier run's OUT/swap/model) instead of training one. */
  public SwapAction network(String dir) {
    this.network = dir;
    return this;
  }

  @Override
  protected List<String> outputs() {
    return List.of(out.swap());
  }

  @Override
  protected void validate() {
    if (network != null) {
      return;
    }
    if (cfg.swap().identities().size() < 2) {
      throw new IllegalArgumentException("swap.identities = " + cfg.swap().identities() + ": name at least two labels that get a decoder "
          + "each, e.g. --set 'swap.identities=[s1,s2]'");
    }
    var spec = cfg.model().spec();
    if (!(spec instanceof DenseSpec || spec instanceof DenoisingSpec || spec instanceof ConvSpec || spec instanceof ConvDenoisingSpec)) {
      throw new IllegalArgumentException("model.type = " + spec.type() + ": the face swap's encoder and decoders are built from a dense, "
          + "denoising, conv or conv-denoising model");
    }
  }

  @Override
  protected Result run() {
    long t0 = System.nanoTime();
    SwapModel model;
    Dataset<Row> images;
    if (network != null) {
      model = SwapModel.load(network, hadoop());
      if (!model.config().data().shape().equals(cfg.data().shape())) {
        throw new IllegalArgumentException("The swap network " + network + " reads images of " + model.config().data().shape()
            + ", the configured data.* gives " + cfg.data().shape() + ": use the config it was trained with");
      }
      SwapConfig trained = model.config().swap();
      images = Splits.holdOutPerLabel(images(), model.identities(), trained.heldOut(), model.config().seed());
    } else {
      images = Splits.holdOutPerLabel(images(), cfg.swap().identities(), cfg.swap().heldOut(), cfg.seed());
      model = SwapTrainer.run(spark, images, cfg);
    }
    double trainSeconds = network != null ? 0 : (System.nanoTime() - t0) / 1e9;
    FaceSwap.Result r = FaceSwap.run(model, images, cfg.swap(), cfg.data().shape(), cfg.seed());
    List<String> files = new ArrayList<>();
    Path target = new Path(out.swap());
    Result result = new Result(target.toString(), files, r, trainSeconds);
    Outputs.writeAtomically(target, hadoop(), overwrite(), staging -> {
      if (network == null) {
        model.save(new Path(staging, "model").toString(), hadoop(), false);
        files.add("model/");
      }
      r.grids().forEach((name, img) -> {
        String file = name.replaceAll("[^A-Za-z0-9._-]", "_") + ".png";
        Outputs.writeBytes(new Path(staging, file), Charts.png(img), hadoop());
        files.add(file);
      });
      files.add("swap.json");
      Outputs.writeString(new Path(staging, "swap.json"), result.json(), hadoop());
    });
    return result;
  }
}
