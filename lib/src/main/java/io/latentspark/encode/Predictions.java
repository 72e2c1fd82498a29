package io.latentspark.encode;

import io.latentspark.data.ImageSchema;
import io.latentspark.model.InputNormalizer;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** A classifier's predictions table, computed on the executors: id, label, split, predicted class and the probabilities. */
public final class Predictions {
  public static final String PREDICTED = "predicted";
  public static final String PROBABILITIES = "probabilities";
  public static final StructType SCHEMA = new StructType()
      .add(ImageSchema.ID, DataTypes.StringType, false)
      .add(ImageSchema.LABEL, DataTypes.StringType, true)
      .add(ImageSchema.SPLIT, DataTypes.StringType, false)
      .add(PREDICTED, DataTypes.StringType, false)
      .add(PROBABILITIES, DataTypes.createArrayType(DataTypes.FloatType, false), false);

  private Predictions() {}

  /** The predictions of {@code classifier} for every row of {@code images} (lazy; see the other overload). */
  public static Dataset<Row> table(SparkSession spark, io.latentspark.model.ClassifierModel classifier, Dataset<Row> images, int batchSize) {
    return table(spark, classifier.network(), classifier.normalizer(), classifier.classes(), images, classifier.config().data().inputSize(),
        batchSize);
  }

  /**
   * The predictions of {@code net} (softmax over {@code classes}, inputs normalised by {@code normalizer}) for every row
   * of {@code images}, lazily (each action on the table runs the network again: cache it to use it twice).
   */
  public static Dataset<Row> table(SparkSession spark, MultiLayerNetwork net, InputNormalizer normalizer, List<String> classes,
      Dataset<Row> images, int inputSize, int batchSize) {
    ImageSchema.check(images.schema());
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Broadcast<NetworkSnapshot> snap = jsc.broadcast(NetworkSnapshot.of(net, normalizer, 0, inputSize));
    List<String> names = List.copyOf(classes);
    int idIdx = images.schema().fieldIndex(ImageSchema.ID);
    int labelIdx = images.schema().fieldIndex(ImageSchema.LABEL);
    int splitIdx = images.schema().fieldIndex(ImageSchema.SPLIT);
    int pxIdx = images.schema().fieldIndex(ImageSchema.PIXELS);
    JavaRDD<Row> rows = images.javaRDD().mapPartitions(it -> {
      MultiLayerNetwork n = snap.value().network();
      InputNormalizer norm = snap.value().normalizer();
      return new BatchedIterator<>(it, batchSize, batch -> {
        List<float[]> px = new ArrayList<>(batch.size());
        for (Row r : batch) {
          px.add(norm.apply(ImageSchema.pixels(r, pxIdx).clone()));
        }
        INDArray p = n.output(Nd4j.create(BatchEncoder.flatten(px, inputSize), new long[] {px.size(), inputSize}), false);
        float[][] probs = BatchEncoder.rows(p);
        List<Row> out = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
          int best = 0;
          for (int k = 1; k < probs[i].length; k++) {
            best = probs[i][k] > probs[i][best] ? k : best;
          }
          Row r = batch.get(i);
          out.add(RowFactory.create(r.getString(idIdx), r.isNullAt(labelIdx) ? null : r.getString(labelIdx), r.getString(splitIdx),
              names.get(best), probs[i]));
        }
        return out;
      });
    });
    return spark.createDataFrame(rows, SCHEMA);
  }

  /** The share of the labelled rows of {@code predictions} whose prediction is their label (NaN when none is labelled). */
  public static double accuracy(Dataset<Row> predictions) {
    Row r = predictions.where(functions.col(ImageSchema.LABEL).isNotNull()).agg(hits()).first();
    return r.isNullAt(0) ? Double.NaN : r.getDouble(0);
  }

  /** {@link #accuracy} of each split that has labelled rows. */
  public static java.util.Map<String, Double> accuracyBySplit(Dataset<Row> predictions) {
    java.util.Map<String, Double> bySplit = new java.util.TreeMap<>();
    for (Row r : predictions.where(functions.col(ImageSchema.LABEL).isNotNull()).groupBy(ImageSchema.SPLIT).agg(hits()).collectAsList()) {
      bySplit.put(r.getString(0), r.getDouble(1));
    }
    return bySplit;
  }

  /** The mean of 1 where the prediction is the label, else 0. */
  private static org.apache.spark.sql.Column hits() {
    return functions.avg(functions.when(functions.col(ImageSchema.LABEL).equalTo(functions.col(PREDICTED)), 1.0).otherwise(0.0));
  }
}
