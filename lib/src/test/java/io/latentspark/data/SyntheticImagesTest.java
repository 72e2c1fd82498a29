package io.latentspark.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.latentspark.SparkTestBase;
import io.latentspark.TestData;
import io.latentspark.config.LatentSparkConfig;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

class SyntheticImagesTest extends SparkTestBase {

  @Test
  void deterministicPerSeedAndIndex() {
    assertArrayEquals(SyntheticImages.image(7, 123, 28, 28, 1, 0.05), SyntheticImages.image(7, 123, 28, 28, 1, 0.05));
    float[] a = SyntheticImages.image(7, 123, 28, 28, 1, 0.05);
    float[] b = SyntheticImages.image(8, 123, 28, 28, 1, 0.05);
    assertTrue(!java.util.Arrays.equals(a, b), "another seed gives another image");
    for (float v : a) {
      assertTrue(v >= 0 && v <= 1);
    }
  }

  /** Class means are far apart compared with the spread inside a class: the classes are learnable. */
  @Test
  void classesAreDistinct() {
    int n = 28 * 28;
    int k = SyntheticImages.CLASSES.size();
    double[][] mean = new double[k][n];
    int per = 50;
    for (int i = 0; i < per * k; i++) {
      float[] img = SyntheticImages.image(42, i, 28, 28, 1, 0);
      for (int p = 0; p < n; p++) {
        mean[i % k][p] += img[p] / per;
      }
    }
    for (int c = 0; c < k; c++) {
      for (int d = c + 1; d < k; d++) {
        double dist = 0;
        for (int p = 0; p < n; p++) {
          dist += (mean[c][p] - mean[d][p]) * (mean[c][p] - mean[d][p]);
        }
        assertTrue(dist > 1.0, SyntheticImages.CLASSES.get(c) + " vs " + SyntheticImages.CLASSES.get(d) + ": " + dist);
      }
    }
  }

  @Test
  void sparkSourceDoesNotDependOnPartitioning() {
    LatentSparkConfig one = TestData.config("data.synthetic.trainCount=300", "data.synthetic.testCount=50", "data.partitions=1");
    LatentSparkConfig three = TestData.config("data.synthetic.trainCount=300", "data.synthetic.testCount=50", "data.partitions=3");
    Dataset<Row> a = ImageSources.load(spark, one.data(), 42).images();
    Dataset<Row> b = ImageSources.load(spark, three.data(), 42).images();
    assertEquals(350, a.count());
    assertEquals(3, b.rdd().getNumPartitions());
    assertEquals(0, a.except(b).count());
    assertEquals(50, a.where("split = 'test'").count());
    assertEquals(10, a.select("label").distinct().count());
    Row r = a.where("id = 'synthetic-0000017'").first();
    assertArrayEquals(SyntheticImages.image(42, 17, 28, 28, 1, 0.05), ImageSchema.pixels(r, r.fieldIndex("pixels")));
    assertEquals("hbars", r.getString(r.fieldIndex("label"))); // 17 % 10 = 7
  }
}
