package io.latentspark.model;

/** A model directory that cannot be read: missing files, an unknown format version, or a corrupt network. */
public final class ModelFormatException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ModelFormatException(String message, Throwable cause) {
    super(message, cause);
  }

  public ModelFormatException(String message) {
    super(message);
  }
}
