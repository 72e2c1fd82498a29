/**
 * The library's entry points for whole operations (train, encode, export, and the three in a row), each
 * taking one validated config and an output directory; the CLI in jobs/ only parses arguments and calls these.
 */
package io.latentspark.pipeline;
