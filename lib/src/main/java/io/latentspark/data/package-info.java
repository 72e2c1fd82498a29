/**
 * Image sources and decoding. Every source yields the same DataFrame schema ({@link ImageSchema}): id, path,
 * label, split and pixels (array&lt;float&gt; in [0,1], channel-major CHW). Decoding runs on the executors,
 * partition by partition; the driver only lists files.
 */
package io.latentspark.data;
