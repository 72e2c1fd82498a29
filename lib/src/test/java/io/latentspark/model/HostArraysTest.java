package io.latentspark.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** Bulk copies land where ND4J's own copies would put the values, and nowhere else. */
class HostArraysTest {
  private static float[] ramp(int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = i + 0.5f;
    }
    return v;
  }

  @Test
  void rowMajorMatrixTakesTheValuesRowByRow() {
    float[] v = ramp(12);
    assertEquals(Nd4j.create(v, new long[] {3, 4}, 'c'), HostArrays.rowMajor(v, 3, 4));
    INDArray reused = Nd4j.create(DataType.FLOAT, 3, 4);
    HostArrays.copyInto(reused, v);
    assertEquals(Nd4j.create(v, new long[] {3, 4}, 'c'), reused);
  }

  @Test
  void vectorViewAtAnOffsetChangesOnlyItsOwnElements() {
    INDArray whole = Nd4j.zeros(DataType.FLOAT, 1, 30);
    INDArray view = whole.get(NDArrayIndex.point(0), NDArrayIndex.interval(10, 20));
    HostArrays.copyInto(view, ramp(10));
    for (int i = 0; i < 30; i++) {
      assertEquals(i >= 10 && i < 20 ? i - 10 + 0.5f : 0f, whole.getFloat(0, i), "element " + i);
    }
  }

  @Test
  void stridedAndColumnMajorTargetsGoThroughAssign() {
    INDArray m = Nd4j.zeros(DataType.FLOAT, 4, 3);
    INDArray column = m.getColumn(1); // stride 3
    HostArrays.copyInto(column, ramp(4));
    assertEquals(Nd4j.create(ramp(4), new long[] {4}), column.reshape(4));
    assertEquals(0f, m.getFloat(0, 0));
    INDArray f = Nd4j.create(DataType.FLOAT, new long[] {2, 3}, 'f');
    HostArrays.copyInto(f, ramp(6));
    assertEquals(Nd4j.create(ramp(6), new long[] {2, 3}, 'f'), f);
    INDArray d = Nd4j.create(DataType.DOUBLE, 2, 3);
    HostArrays.copyInto(d, ramp(6));
    assertEquals(5.5, d.getDouble(1, 2), 0.0);
  }
}
