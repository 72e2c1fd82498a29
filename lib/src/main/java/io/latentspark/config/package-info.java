/**
 * Typed, validated settings. Every key, its default and its meaning live once in the library's
 * {@code reference.conf}; {@link io.latentspark.config.LatentSparkConfig#load} merges a run's HOCON file and
 * {@code --set key=value} overrides over it, rejects unknown keys and checks every value before any work starts.
 */
package io.latentspark.config;
