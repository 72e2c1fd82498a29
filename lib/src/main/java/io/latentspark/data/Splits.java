package io.latentspark.data;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.CRC32;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.functions;

/** Seeded, order-independent assignment of rows to splits from a hash of their id. */
public final class Splits {
  private Splits() {}

  /** A number in [0,1) fixed by the seed and the key. */
  public static double unitHash(long seed, String key) {
    CRC32 crc = new CRC32();
    crc.update(key.getBytes(StandardCharsets.UTF_8));
    long h = crc.getValue() ^ (seed * 0x9E3779B97F4A7C15L);
    // splitmix64 finaliser spreads the bits
    h = (h ^ (h >>> 30)) * 0xBF58476D1CE4E5B9L;
    h = (h ^ (h >>> 27)) * 0x94D049BB133111EBL;
    h = h ^ (h >>> 31);
    return (h >>> 11) * 0x1.0p-53;
  }

  /** train or validation for a row of the dataset's own training split. */
  public static String trainOrValidation(long seed, String key, double validationFraction) {
    return unitHash(seed, key) < validationFraction ? ImageSchema.VALIDATION : ImageSchema.TRAIN;
  }

  /** test, validation or train for a dataset without a split of its own. */
  public static String assign(long seed, String key, double testFraction, double validationFraction) {
    double u = unitHash(seed, key);
    if (u < testFraction) {
      return ImageSchema.TEST;
    }
    return u < testFraction + validationFraction ? ImageSchema.VALIDATION : ImageSchema.TRAIN;
  }

  /** The split that measures progress: validation, or test when the dataset has no validation rows. */
  public static String evaluationSplit(Dataset<Row> images) {
    return images.where(functions.col(ImageSchema.SPLIT).equalTo(ImageSchema.VALIDATION)).isEmpty()
        ? ImageSchema.TEST : ImageSchema.VALIDATION;
  }

  /**
   * {@code images} with the rows of each of {@code labels} split afresh, per label: a {@code fraction} of them
   * (rounded, at least one, never all) to test, the rest to train, in a seeded hash order of their ids; other rows
   * keep their split. For tasks judged per label on few images (the face swap), where the dataset's hash split
   * could leave a label with almost none on one side.
   */
  public static Dataset<Row> holdOutPerLabel(Dataset<Row> images,
      List<String> labels, double fraction, long seed) {
    Column label = functions.col(ImageSchema.LABEL);
    WindowSpec byLabel = Window.partitionBy(label);
    Column rank = functions.row_number().over(byLabel.orderBy(
        functions.xxhash64(functions.col(ImageSchema.ID), functions.lit(seed))));
    Column count = functions.count(functions.lit(1)).over(byLabel);
    Column held = functions.greatest(functions.lit(1),
        functions.least(count.minus(1), functions.round(count.multiply(fraction))));
    return images.withColumn(ImageSchema.SPLIT, functions.when(label.isin(labels.toArray()),
        functions.when(rank.leq(held), ImageSchema.TEST).otherwise(ImageSchema.TRAIN))
        .otherwise(functions.col(ImageSchema.SPLIT)));
  }
}
