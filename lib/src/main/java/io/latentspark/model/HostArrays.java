package io.latentspark.model;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Java float arrays into ND4J arrays as one bulk copy. ND4J 1.0.0-M2's {@code DataBuffer.setData(float[])} and
 * {@code Nd4j.create(float[], ...)} copy through an indexer one element at a time: JDK Flight Recorder put 7% of a Spark
 * training task's samples in copying each 128 x 784 minibatch into the worker's input array that way, and 1-2% more in
 * loading a round's parameters and updater state.
 */
public final class HostArrays {
  private HostArrays() {}

  /**
   * Copies {@code values} into {@code target}, value i to position i in {@code target}'s ordering: straight into its
   * memory when it is a float array of that length laid out as one run (a vector with unit stride, or a row-major
   * array that is no view); otherwise through ND4J's assign.
   */
  public static void copyInto(INDArray target, float[] values) {
    if (target.dataType() == DataType.FLOAT && target.length() == values.length && target.elementWiseStride() == 1
        && (target.isVector() || target.ordering() == 'c' && !target.isView()) && target.offset() + values.length <= Integer.MAX_VALUE) {
      target.data().asNioFloat().put((int) target.offset(), values);
    } else {
      target.assign(Nd4j.create(values, target.shape(), target.ordering()));
    }
  }

  /** A new row-major float array of {@code shape} holding {@code values}. */
  public static INDArray rowMajor(float[] values, long... shape) {
    INDArray a = Nd4j.createUninitialized(DataType.FLOAT, shape, 'c');
    copyInto(a, values);
    return a;
  }
}
