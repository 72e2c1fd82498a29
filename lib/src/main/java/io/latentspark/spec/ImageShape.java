package io.latentspark.spec;

import java.io.Serializable;

/** Channels, height and width of the images a network reads (flattened channel-major to {@link #inputSize()}). */
public record ImageShape(int channels, int height, int width) implements Serializable {
  /** channels x height x width. */
  public int inputSize() {
    return channels * height * width;
  }

  @Override
  public String toString() {
    return channels + "x" + height + "x" + width;
  }
}
