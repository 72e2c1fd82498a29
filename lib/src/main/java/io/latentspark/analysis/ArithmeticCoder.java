package io.latentspark.analysis;

import java.io.ByteArrayOutputStream;

/**
 * Integer arithmetic coding (the Witten-Neal-Cleary coder with 32-bit bounds) of symbols under static frequency
 * tables: a message is a sequence of symbols, symbol {@code i} drawn from its own table {@code tables[i]}. Each
 * message is coded on its own into whole bytes, so every image's code can be decoded without the others'.
 * Tables hold cumulative counts: {@code cum[s]..cum[s+1]} is symbol {@code s}'s slice of {@code cum[length - 1]},
 * which must be at most {@value #MAX_TOTAL}; every symbol that is coded needs a non-empty slice.
 */
final class ArithmeticCoder {
  /** Largest table total: with 32-bit bounds, a range never falls below 2^30, so slices stay non-empty. */
  static final int MAX_TOTAL = 1 << 16;
  private static final long TOP = 0xFFFFFFFFL;
  private static final long HALF = 1L << 31;
  private static final long QUARTER = 1L << 30;

  private ArithmeticCoder() {}

  /** Cumulative counts of {@code counts}, each count raised to at least 1 and all scaled to a total of at most {@link #MAX_TOTAL}. */
  static int[] cumulative(long[] counts) {
    long total = 0;
    for (long c : counts) {
      total += c;
    }
    int n = counts.length;
    if (n > MAX_TOTAL / 2) {
      throw new IllegalArgumentException("A table of " + n + " symbols does not fit the coder's total of " + MAX_TOTAL);
    }
    double scale = total == 0 ? 0 : (double) (MAX_TOTAL - n) / total;
    int[] cum = new int[n + 1];
    for (int s = 0; s < n; s++) {
      cum[s + 1] = cum[s] + 1 + (int) Math.floor(counts[s] * scale);
    }
    return cum;
  }

  /** Codes {@code symbols} ({@code symbols[i]} under {@code tables[i]}) into bytes. */
  static byte[] encode(int[] symbols, int[][] tables) {
    Bits out = new Bits();
    long low = 0;
    long high = TOP;
    int pending = 0;
    for (int i = 0; i < symbols.length; i++) {
      int[] cum = tables[i];
      int s = symbols[i];
      long total = cum[cum.length - 1];
      if (s < 0 || s >= cum.length - 1 || cum[s + 1] == cum[s]) {
        throw new IllegalArgumentException("Symbol " + s + " at position " + i + " has no slice in its table of " + (cum.length - 1));
      }
      long range = high - low + 1;
      high = low + range * cum[s + 1] / total - 1;
      low = low + range * cum[s] / total;
      while (true) {
        if (high < HALF) {
          pending = out.emit(0, pending);
        } else if (low >= HALF) {
          pending = out.emit(1, pending);
          low -= HALF;
          high -= HALF;
        } else if (low >= QUARTER && high < HALF + QUARTER) {
          pending++;
          low -= QUARTER;
          high -= QUARTER;
        } else {
          break;
        }
        low = low << 1;
        high = (high << 1) | 1;
      }
    }
    pending++;
    out.emit(low < QUARTER ? 0 : 1, pending);
    byte[] b = out.bytes();
    int n = b.length;
    while (n > 0 && b[n - 1] == 0) { // the decoder reads zeros past the end: trailing zero bytes need not be stored
      n--;
    }
    return java.util.Arrays.copyOf(b, n);
  }

  /** Decodes {@code count} symbols of {@code code} under {@code tables}. */
  static int[] decode(byte[] code, int count, int[][] tables) {
    int[] symbols = new int[count];
    long low = 0;
    long high = TOP;
    long value = 0;
    int bit = 0;
    for (int k = 0; k < 32; k++) {
      value = (value << 1) | bit(code, bit++);
    }
    for (int i = 0; i < count; i++) {
      int[] cum = tables[i];
      long total = cum[cum.length - 1];
      long range = high - low + 1;
      long target = ((value - low + 1) * total - 1) / range;
      int s = 0;
      int hi = cum.length - 2;
      while (s < hi) { // the last s with cum[s] <= target
        int mid = (s + hi + 1) >>> 1;
        if (cum[mid] <= target) {
          s = mid;
        } else {
          hi = mid - 1;
        }
      }
      symbols[i] = s;
      high = low + range * cum[s + 1] / total - 1;
      low = low + range * cum[s] / total;
      while (true) {
        if (high < HALF) {
          // nothing to subtract
        } else if (low >= HALF) {
          value -= HALF;
          low -= HALF;
          high -= HALF;
        } else if (low >= QUARTER && high < HALF + QUARTER) {
          value -= QUARTER;
          low -= QUARTER;
          high -= QUARTER;
        } else {
          break;
        }
        low = low << 1;
        high = (high << 1) | 1;
        value = (value << 1) | bit(code, bit++);
      }
    }
    return symbols;
  }

  /** Bit {@code i} of {@code code}, most significant first; 0 past the end. */
  private static int bit(byte[] code, int i) {
    int b = i >>> 3;
    return b >= code.length ? 0 : (code[b] >>> (7 - (i & 7))) & 1;
  }

  /** Bits written most significant first, padded with zeros to a whole byte. */
  private static final class Bits {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private int current;
    private int used;

    /** Writes {@code bit} then {@code pending} opposite bits; returns 0 (no bits pending any more). */
    int emit(int bit, int pending) {
      put(bit);
      for (int k = 0; k < pending; k++) {
        put(1 - bit);
      }
      return 0;
    }

    private void put(int bit) {
      current = (current << 1) | bit;
      if (++used == 8) {
        bytes.write(current);
        current = 0;
        used = 0;
      }
    }

    byte[] bytes() {
      if (used > 0) {
        bytes.write(current << (8 - used));
        current = 0;
        used = 0;
      }
      return bytes.toByteArray();
    }
  }
}
