package io.latentspark.data;

import io.latentspark.config.DataConfig;
import java.io.Serializable;

/**
 * How decoded images are shaped.
 *
 * @param convertChannels convert an image with another channel count (else reject it)
 * @param centerCrop cut the largest centred region of the target aspect ratio before resizing (else stretch)
 */
public record DecodeOptions(int height, int width, int channels, boolean convertChannels, boolean centerCrop) implements Serializable {

  /** Stretch to {@code height x width}, converting channels. */
  public static DecodeOptions of(int height, int width, int channels) {
    return new DecodeOptions(height, width, channels, true, false);
  }

  /** How images are decoded for {@code data} ({@code data.height}, {@code width}, {@code channels}, {@code channelMismatch}, {@code resizeMode}). */
  public static DecodeOptions of(DataConfig data) {
    return new DecodeOptions(data.height(), data.width(), data.channels(), data.channelMismatch() == io.latentspark.config.ChannelMismatch.CONVERT,
        data.resizeMode() == io.latentspark.config.ResizeMode.CENTER_CROP);
  }
}
