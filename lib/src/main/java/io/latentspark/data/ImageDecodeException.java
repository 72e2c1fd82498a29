package io.latentspark.data;

/** An input file that is not a usable image; the message names the file and the reason. */
public final class ImageDecodeException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final String file;
  private final String reason;

  public ImageDecodeException(String file, String reason) {
    super("Cannot decode image " + file + ": " + reason);
    this.file = file;
    this.reason = reason;
  }

  public String file() {
    return file;
  }

  public String reason() {
    return reason;
  }
}
