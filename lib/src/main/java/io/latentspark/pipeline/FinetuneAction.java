package io.latentspark.pipeline;

import io.latentspark.config.LatentSparkConfig;
import io.latentspark.config.RunLayout;
import io.latentspark.encode.Predictions;
import io.latentspark.encode.SparkEncoder;
import io.latentspark.model.ClassifierModel;
import io.latentspark.train.FineTuner;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Fine-tunes the model's encoder with a softmax head on the labelled train images (or trains the same network from
 * scratch, {@code finetune.init}) and writes {@code out/classifier} and {@code out/predictions} (every image).
 */
public final class FinetuneAction extends Action<FinetuneAction, FinetuneAction.Result> {

  /** The classifier, what it was trained on, and its accuracy on the evaluation split after every epoch. */
  public record Result(String classifier, String predictions, String init, long labelledImages, List<String> classes, double accuracy,
      String accuracySplit, List<ClassifierModel.Epoch> history) implements ActionResult {
    @Override
    public String summary() {
      return String.format("fine-tuned (%s) on %d labelled images of %d classes: %s accuracy %.4f; %s, %s", init, labelledImages,
          classes.size(), accuracySplit, accuracy, classifier, predictions);
    }
  }

  public FinetuneAction(SparkSession spark, LatentSparkConfig cfg, RunLayout out) {
    super(spark, cfg, out);
  }

  @Override
  protected List<String> outputs() {
    return List.of(out.classifier(), out.predictions());
  }

  @Override
  protected Result run() {
    boolean scratch = cfg.finetune().scratch();
    ClassifierModel c = FineTuner.run(spark, scratch ? null : model(), scratch ? "scratch" : modelDirectory(), images(), cfg);
    c.save(out.classifier(), hadoop(), overwrite());
    Dataset<Row> predictions = Predictions.table(spark, c, images(), cfg.encode().batchSize());
    SparkEncoder.writeParquet(predictions, out.predictions(), hadoop(), overwrite());
    ClassifierModel.Epoch last = c.history().get(c.history().size() - 1);
    return new Result(out.classifier(), out.predictions(), scratch ? "scratch" : "pretrained", c.trainingImages(), c.classes(),
        last.accuracy(), last.accuracySplit(), c.history());
  }
}
