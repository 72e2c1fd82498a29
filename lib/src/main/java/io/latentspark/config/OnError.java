package io.latentspark.config;

import io.latentspark.spec.Choice;

/** {@code data.onError}: what a bad input file does to a load. */
public enum OnError implements Choice {
  FAIL, SKIP
}
