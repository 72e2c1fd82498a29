package io.latentspark.util;

/**
 * An output that exists and may not be replaced. The message speaks the library's words (the {@code overwrite}
 * option); the CLI turns it into its flags.
 */
public final class OutputExistsException extends IllegalStateException {
  private static final long serialVersionUID = 1L;
  private final String target;

  public OutputExistsException(String target) {
    super("Output " + target + " already exists: allow overwriting to replace it, or write to another output directory");
    this.target = target;
  }

  /** The output that exists. */
  public String target() {
    return target;
  }
}
