package io.latentspark.config;

import io.latentspark.spec.Choice;

/** {@code data.resizeMode}: how images of another aspect ratio are fitted. */
public enum ResizeMode implements Choice {
  STRETCH, CENTER_CROP
}
