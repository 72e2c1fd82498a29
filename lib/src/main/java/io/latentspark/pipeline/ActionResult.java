package io.latentspark.pipeline;

import io.latentspark.util.Json;

/** What an {@link Action} returns: a record written as one line of snake_case JSON, and a summary for people. */
public interface ActionResult {
  /** The result as one line of JSON (Jackson, snake_case keys). */
  default String json() {
    return Json.line(this);
  }

  /** One or a few lines for people. */
  String summary();
}
