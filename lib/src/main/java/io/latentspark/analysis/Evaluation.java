package io.latentspark.analysis;

import io.latentspark.config.EvaluateConfig;
import io.latentspark.data.ImageSchema;
import io.latentspark.encode.FeatureSchema;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * How useful latent codes are for classification, train split -> test split: exact kNN accuracy
 * (the train codes are broadcast; every test code is compared with all of them on the executors) and a
 * linear probe (multinomial logistic regression from Spark MLlib). Needs labels.
 */
public final class Evaluation {
  private Evaluation() {}

  /** Figures for one feature table. */
  public record Scores(@com.fasterxml.jackson.annotation.JsonIgnore String name, int dimensions, long trainRows, long testRows, int labels, double knnAccuracy,
      double linearProbeAccuracy, Map<String, Double> meanMseBySplit, double meanActivation, double fractionActive) {}

  /** A code value counts as active when its magnitude exceeds this (sparsity statistics). */
  public static final double ACTIVE = 0.1;

  /** Mean code value and fraction of code values with magnitude above {@link #ACTIVE}, over the test split. */
  static double[] activity(Dataset<Row> features) {
    Row r = features.where(functions.col(ImageSchema.SPLIT).equalTo(ImageSchema.TEST))
        .select(functions.explode(functions.col(FeatureSchema.Z)).as("v"))
        .agg(functions.avg("v"), functions.avg(functions.when(functions.abs(functions.col("v")).gt(ACTIVE), 1.0).otherwise(0.0)))
        .first();
    return new double[] {r.isNullAt(0) ? Double.NaN : r.getDouble(0), r.isNullAt(1) ? Double.NaN : r.getDouble(1)};
  }

  public static Scores of(String name, Dataset<Row> features, EvaluateConfig cfg, long seed) {
    FeatureSchema.check(features.schema(), "The " + name + " feature table");
    Dataset<Row> labelled = features.where(functions.col(ImageSchema.LABEL).isNotNull());
    Dataset<Row> train = labelled.where(functions.col(ImageSchema.SPLIT).equalTo(ImageSchema.TRAIN));
    Dataset<Row> test = labelled.where(functions.col(ImageSchema.SPLIT).equalTo(ImageSchema.TEST));
    long trainAll = train.count();
    if (cfg.trainLimit() > 0 && trainAll > cfg.trainLimit()) {
      train = train.orderBy(functions.xxhash64(functions.col(ImageSchema.ID), functions.lit(seed))).limit(cfg.trainLimit());
    }
    List<Row> ref = train.select(ImageSchema.LABEL, FeatureSchema.Z).collectAsList();
    long testRows = test.count();
    if (ref.isEmpty() || testRows == 0) {
      throw new IllegalArgumentException("Evaluating " + name + " needs labelled rows in the train and test splits; it has " + ref.size()
          + " train and " + testRows + " test rows with a label");
    }
    Map<String, Integer> index = new HashMap<>();
    int[] refLabels = new int[ref.size()];
    float[][] refCodes = new float[ref.size()][];
    for (int i = 0; i < ref.size(); i++) {
      refLabels[i] = index.computeIfAbsent(ref.get(i).getString(0), l -> index.size());
      refCodes[i] = ImageSchema.pixels(ref.get(i), 1);
    }
    double knn = knnAccuracy(test, refCodes, refLabels, index, cfg.k());
    double probe = linearProbe(train, test, cfg.probeIterations());
    double[] activity = activity(features);
    return new Scores(name, refCodes[0].length, ref.size(), testRows, index.size(), knn, probe,
        PcaBaseline.meanBySplit(features, FeatureSchema.RECONSTRUCTION_ERROR), activity[0], activity[1]);
  }

  /** Fraction of test rows whose majority label among the k nearest train codes (ties: the nearer label) is theirs. */
  static double knnAccuracy(Dataset<Row> test, float[][] refCodes, int[] refLabels, Map<String, Integer> index, int k) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(test.sparkSession().sparkContext());
    Broadcast<float[][]> codes = jsc.broadcast(refCodes);
    Broadcast<int[]> labels = jsc.broadcast(refLabels);
    Broadcast<Map<String, Integer>> labelIndex = jsc.broadcast(new HashMap<>(index));
    int kk = Math.min(k, refCodes.length);
    int nLabels = index.size();
    List<long[]> parts = test.select(ImageSchema.LABEL, FeatureSchema.Z).javaRDD().mapPartitions(rows -> {
      float[][] c = codes.value();
      int[] l = labels.value();
      long correct = 0;
      long n = 0;
      int[] nn = new int[kk];
      double[] nd = new double[kk];
      while (rows.hasNext()) {
        Row r = rows.next();
        float[] q = ImageSchema.pixels(r, 1);
        int found = Nearest.topK(q, c, nn, nd);
        int predicted = vote(nn, found, l, nLabels);
        Integer truth = labelIndex.value().get(r.getString(0));
        if (truth != null && truth == predicted) {
          correct++;
        }
        n++;
      }
      return List.of(new long[] {correct, n}).iterator();
    }).collect();
    codes.destroy();
    labels.destroy();
    labelIndex.destroy();
    long correct = 0;
    long n = 0;
    for (long[] p : parts) {
      correct += p[0];
      n += p[1];
    }
    return (double) correct / n;
  }

  /** Majority label of the first {@code found} neighbours (nearest first); a tie goes to the label reached first. */
  static int vote(int[] nn, int found, int[] labels, int nLabels) {
    int[] votes = new int[nLabels];
    int best = -1;
    for (int i = 0; i < found; i++) {
      votes[labels[nn[i]]]++;
    }
    for (int i = 0; i < found; i++) {
      int l = labels[nn[i]];
      if (best < 0 || votes[l] > votes[best]) {
        best = l;
      }
    }
    return best;
  }

  /** Test accuracy of a multinomial logistic regression fitted on the train codes. */
  static double linearProbe(Dataset<Row> train, Dataset<Row> test, int iterations) {
    List<String> labels = new ArrayList<>();
    for (Row r : train.select(ImageSchema.LABEL).distinct().orderBy(ImageSchema.LABEL).collectAsList()) {
      labels.add(r.getString(0));
    }
    Map<String, Double> index = new HashMap<>();
    for (String l : labels) {
      index.put(l, (double) index.size());
    }
    Dataset<Row> tr = vectors(train, index);
    Dataset<Row> te = vectors(test, index);
    LogisticRegressionModel m = new LogisticRegression().setFamily("multinomial").setMaxIter(iterations).setRegParam(0.0)
        .setFeaturesCol("features").setLabelCol("y").fit(tr);
    Dataset<Row> pred = m.transform(te);
    long right = pred.where(functions.col("prediction").equalTo(functions.col("y"))).count();
    return (double) right / te.count();
  }

  /** (features, y) rows; labels missing from the index (unseen in training) get -1, which is never predicted. */
  private static Dataset<Row> vectors(Dataset<Row> table, Map<String, Double> index) {
    var rows = table.select(ImageSchema.LABEL, FeatureSchema.Z).javaRDD().map(r -> {
      List<Float> z = r.getList(1);
      double[] v = new double[z.size()];
      for (int i = 0; i < v.length; i++) {
        v[i] = z.get(i);
      }
      return RowFactory.create(Vectors.dense(v), index.getOrDefault(r.getString(0), -1.0));
    });
    return table.sparkSession().createDataFrame(rows, new StructType()
        .add("features", SQLDataTypes.VectorType(), false).add("y", DataTypes.DoubleType, false));
  }
}
