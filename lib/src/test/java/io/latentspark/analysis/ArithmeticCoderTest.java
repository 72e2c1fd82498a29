package io.latentspark.analysis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ArithmeticCoderTest {

  /** Messages drawn from the tables' own distributions decode exactly and take about their entropy in bits. */
  @Test
  void roundTripsAndCodesNearTheEntropy() {
    SplittableRandom rnd = new SplittableRandom(3);
    int dims = 32;
    int levels = 16;
    int[][] tables = new int[dims][];
    double[][] p = new double[dims][levels];
    for (int d = 0; d < dims; d++) {
      long[] counts = new long[levels];
      for (int s = 0; s < levels; s++) {
        counts[s] = (long) (1000 * Math.exp(-Math.abs(s - 8) * (0.3 + d * 0.05))); // peaked, more so in later dimensions
      }
      tables[d] = ArithmeticCoder.cumulative(counts);
      for (int s = 0; s < levels; s++) {
        p[d][s] = (tables[d][s + 1] - tables[d][s]) / (double) tables[d][levels];
      }
    }
    double bits = 0;
    double entropy = 0;
    int messages = 2000;
    for (int m = 0; m < messages; m++) {
      int[] symbols = new int[dims];
      for (int d = 0; d < dims; d++) {
        double u = rnd.nextDouble();
        int s = 0;
        while (s < levels - 1 && (u -= p[d][s]) > 0) {
          s++;
        }
        symbols[d] = s;
        entropy -= Math.log(p[d][s]) / Math.log(2);
      }
      byte[] code = ArithmeticCoder.encode(symbols, tables);
      assertArrayEquals(symbols, ArithmeticCoder.decode(code, dims, tables), "message " + m);
      bits += 8.0 * code.length;
    }
    double perMessage = bits / messages;
    double entropyPerMessage = entropy / messages;
    // whole bytes and the two finishing bits cost at most ~10 bits a message over the information content
    assertTrue(perMessage < entropyPerMessage + 10 && perMessage > entropyPerMessage - 8, perMessage + " bits vs entropy " + entropyPerMessage);
  }

  @Test
  void edgeMessagesRoundTrip() {
    int[][] one = {ArithmeticCoder.cumulative(new long[] {0, 0, 5})};
    assertArrayEquals(new int[] {2}, ArithmeticCoder.decode(ArithmeticCoder.encode(new int[] {2}, one), 1, one));
    assertArrayEquals(new int[] {0}, ArithmeticCoder.decode(ArithmeticCoder.encode(new int[] {0}, one), 1, one), "a rare symbol still has a slice");
    int[][] many = new int[500][];
    int[] zeros = new int[500];
    int[] highs = new int[500];
    for (int i = 0; i < 500; i++) {
      many[i] = ArithmeticCoder.cumulative(new long[] {1_000_000, 1, 1, 1});
      highs[i] = 3;
    }
    assertArrayEquals(zeros, ArithmeticCoder.decode(ArithmeticCoder.encode(zeros, many), 500, many));
    assertArrayEquals(highs, ArithmeticCoder.decode(ArithmeticCoder.encode(highs, many), 500, many));
    assertTrue(ArithmeticCoder.encode(zeros, many).length < 4, "500 near-certain symbols take almost nothing");
    assertEquals(ArithmeticCoder.MAX_TOTAL, ArithmeticCoder.cumulative(new long[] {1_000_000, 1, 1, 1})[4], 4);
  }

  @Test
  void aSymbolOutsideItsTableIsRefused() {
    int[][] t = {ArithmeticCoder.cumulative(new long[] {1, 1})};
    var e = assertThrows(IllegalArgumentException.class, () -> ArithmeticCoder.encode(new int[] {2}, t));
    assertTrue(e.getMessage().contains("Symbol 2 at position 0"), e.getMessage());
  }
}
