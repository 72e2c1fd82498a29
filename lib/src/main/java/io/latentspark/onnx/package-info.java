/**
 * ONNX interchange: {@link io.latentspark.onnx.OnnxExport} writes a trained model as encoder, decoder and
 * autoencoder graphs (Tribuo's ONNX builder; operators in {@code OnnxOps}, layers translated by {@code GraphWriter}
 * from the model's network plan), and {@link io.latentspark.onnx.OnnxSession} runs any ONNX model with ONNX Runtime,
 * one session per JVM. Sits above model (it reads the trained parameters) and below encode (whose ONNX engine it serves).
 */
package io.latentspark.onnx;
