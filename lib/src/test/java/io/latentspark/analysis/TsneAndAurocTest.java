package io.latentspark.analysis;

import io.latentspark.spec.PixelMask;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.latentspark.export.TsneMap;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TsneAndAurocTest {

  @Test
  void tsneSeparatesClusters() {
    Random rnd = new Random(3);
    int perCluster = 80;
    int clusters = 4;
    double[][] x = new double[perCluster * clusters][10];
    int[] label = new int[x.length];
    for (int c = 0; c < clusters; c++) {
      double[] centre = new double[10];
      for (int i = 0; i < 10; i++) {
        centre[i] = rnd.nextGaussian() * 5;
      }
      for (int n = 0; n < perCluster; n++) {
        int row = c * perCluster + n;
        label[row] = c;
        for (int i = 0; i < 10; i++) {
          x[row][i] = centre[i] + rnd.nextGaussian();
        }
      }
    }
    double[][] y = TsneMap.embed(x, 20, 500, 0.5, 1);
    assertEquals(x.length, y.length);
    // every point's nearest neighbour in the map is from its own cluster, and clusters are far apart relative to their size
    int correct = 0;
    for (int i = 0; i < y.length; i++) {
      double best = Double.MAX_VALUE;
      int bl = -1;
      for (int j = 0; j < y.length; j++) {
        double d = Math.hypot(y[i][0] - y[j][0], y[i][1] - y[j][1]);
        if (j != i && d < best) {
          best = d;
          bl = label[j];
        }
      }
      correct += bl == label[i] ? 1 : 0;
    }
    assertEquals(y.length, correct, "1-NN in the map must recover every cluster label");
    double[][] centroid = new double[clusters][2];
    double[] spread = new double[clusters];
    for (int i = 0; i < y.length; i++) {
      centroid[label[i]][0] += y[i][0] / perCluster;
      centroid[label[i]][1] += y[i][1] / perCluster;
    }
    for (int i = 0; i < y.length; i++) {
      spread[label[i]] = Math.max(spread[label[i]], Math.hypot(y[i][0] - centroid[label[i]][0], y[i][1] - centroid[label[i]][1]));
    }
    for (int a = 0; a < clusters; a++) {
      for (int b = a + 1; b < clusters; b++) {
        double gap = Math.hypot(centroid[a][0] - centroid[b][0], centroid[a][1] - centroid[b][1]);
        assertTrue(gap > spread[a] + spread[b], "clusters " + a + " and " + b + " overlap: centroid gap " + gap + ", radii " + spread[a]
            + " and " + spread[b]);
      }
    }
  }

  @Test
  void tsneRefusesTooFewPointsForThePerplexity() {
    var e = assertThrows(IllegalArgumentException.class, () -> TsneMap.embed(new double[50][3], 30, 100, 0.5, 1));
    assertTrue(e.getMessage().contains("perplexity 30.0 needs more than 91 points but got 50"), e.getMessage());
  }

  @Test
  void aurocMatchesHandComputedCases() {
    // sklearn's documented example: y = [0, 0, 1, 1], scores = [0.1, 0.4, 0.35, 0.8] -> 0.75
    assertEquals(0.75, Auroc.of(new double[] {0.1, 0.4, 0.35, 0.8}, new boolean[] {false, false, true, true}), 1e-12);
    // ties: positives {1, 3}, negatives {1, 2}: pairs (1,1) = 1/2, (1,2) = 0, (3,1) = 1, (3,2) = 1 -> 2.5 / 4
    assertEquals(0.625, Auroc.of(new double[] {1, 1, 2, 3}, new boolean[] {false, true, false, true}), 1e-12);
    // perfect and inverted rankings
    assertEquals(1.0, Auroc.of(new double[] {1, 2, 3, 4}, new boolean[] {false, false, true, true}), 1e-12);
    assertEquals(0.0, Auroc.of(new double[] {1, 2, 3, 4}, new boolean[] {true, true, false, false}), 1e-12);
    assertTrue(Double.isNaN(Auroc.of(List.of(new Auroc.Bucket(1, 3, 0)))));
  }

  @Test
  void masksParseAndRejectWithTheRule() {
    PixelMask rows = PixelMask.parse("rows:14-27", 28, 28);
    boolean[] m = rows.missing(1, 1);
    int missing = 0;
    for (boolean b : m) {
      missing += b ? 1 : 0;
    }
    assertEquals(14 * 28, missing);
    assertTrue(m[14 * 28] && !m[13 * 28 + 27]);
    PixelMask rect = PixelMask.parse("rect:2,3,4,5", 10, 10);
    boolean[] r = rect.missing(3, 1);
    int n = 0;
    for (boolean b : r) {
      n += b ? 1 : 0;
    }
    assertEquals(3 * 4 * 5, n);
    var e = assertThrows(IllegalArgumentException.class, () -> PixelMask.parse("rect:8,8,4,4", 10, 10));
    assertTrue(e.getMessage().contains("inside the 10x10 image"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> PixelMask.parse("blob:3", 10, 10));
  }

  @Test
  void centreBlocksAndRandomBoxes() {
    // centre:0.357 on 28x28 is the 10x10 block at (9,9), the same pixels as rect:9,9,10,10
    assertTrue(java.util.Arrays.equals(PixelMask.parse("centre:0.357", 28, 28).missing(1, 5), PixelMask.parse("rect:9,9,10,10", 28, 28).missing(1, 5)));
    PixelMask boxes = PixelMask.parse("boxes:3,0.25", 16, 16);
    boolean[] a = boxes.missing(2, 1);
    boolean[] b = boxes.missing(2, 2);
    int na = 0;
    for (int p = 0; p < 256; p++) {
      assertEquals(a[p], a[256 + p], "every channel of a pixel");
      na += a[p] ? 1 : 0;
    }
    assertTrue(na >= 1 && na <= 3 * 16, "three boxes of sides 1-4: " + na);
    assertTrue(!java.util.Arrays.equals(a, b), "boxes move with the seed");
    assertTrue(java.util.Arrays.equals(a, boxes.missing(2, 1)), "and only with it");
    var e = assertThrows(IllegalArgumentException.class, () -> PixelMask.parse("centre:1", 10, 10));
    assertTrue(e.getMessage().contains("between 0 and 1"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> PixelMask.parse("boxes:3", 10, 10));
  }
}
