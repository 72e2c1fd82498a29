package io.latentspark.data;

import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

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
  public static String evaluationSplit(org.apache.spark.sql.Dataset<org.apache.spark.sql.Row> images) {
    return images.where(org.apache.spark.sql.functions.col(ImageSchema.SPLIT).equalTo(ImageSchema.VALIDATION)).isEmpty()
        ? ImageSchema.TEST : ImageSchema.VALIDATION;
  }
}
