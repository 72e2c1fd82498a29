package io.latentspark.ml;

import java.io.Serializable;
import scala.runtime.AbstractFunction1;

/** Param validators written in Java (Spark's take Scala functions). */
final class Checks {
  private Checks() {}

  /** A non-null string with a non-blank value. */
  static scala.Function1<String, Object> nonBlank() {
    return new NonBlank();
  }

  private static final class NonBlank extends AbstractFunction1<String, Object> implements Serializable {
    private static final long serialVersionUID = 1L;

    @Override
    public Object apply(String s) {
      return s != null && !s.isBlank();
    }
  }
}
