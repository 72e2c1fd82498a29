package io.latentspark.train;

/** Training stopped because the loss became NaN/infinite or exploded; the message says where and what was kept. */
public final class TrainingDivergedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public TrainingDivergedException(String message) {
    super(message);
  }
}
