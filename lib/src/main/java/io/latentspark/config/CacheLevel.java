package io.latentspark.config;

import io.latentspark.spec.Choice;

/** {@code data.cache}: where loaded images are kept between passes. */
public enum CacheLevel implements Choice {
  MEMORY_AND_DISK, DISK, NONE
}
