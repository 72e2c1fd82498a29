package io.latentspark.config;

import io.latentspark.spec.Choice;

/** {@code data.channelMismatch}: what an image with another channel count becomes. */
public enum ChannelMismatch implements Choice {
  CONVERT, REJECT
}
