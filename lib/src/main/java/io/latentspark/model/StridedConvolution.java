package io.latentspark.model;

import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A float NCHW strided convolution as the adjoint of a {@link TransposedConvolution}: with weights W [C', C, kH, kW]
 * (DL4J's [out, in, kH, kW]) and the input x [N, C, H, W] padded by {@code top}/{@code left}, the taps of x at every
 * output position D [C·kH·kW, N·oH·oW] (im2col) give the output Y = W D [C', N·oH·oW]; backward, dL/dW = dY D<sup>T</sup>
 * and dL/dx is the transposed convolution of dY by the same weights (col2im of W<sup>T</sup> dY). The geometry is the
 * transposed convolution's with its sides swapped: its input is this convolution's output.
 *
 * <p>libnd4j 1.0.0-M2's oneDNN {@code conv2d_bp} ran the conv autoencoder's first layer (1 -> 32 channels, 28 -> 14,
 * batch 128, one core) at 2.5 GFLOP/s, 7.2-11.6 ms per minibatch (docs/TRAINING.md). An instance keeps its scratch
 * arrays between calls: one per layer, used by one thread at a time.
 */
final class StridedConvolution {
  private final TransposedConvolution columns = new TransposedConvolution();

  /**
   * The geometry of a convolution of {@code in} [N, C, H, W] into {@code outH} x {@code outW} by {@code outC} kernels
   * kH x kW at strides sH, sW, padded by {@code top}/{@code left}; null when some index would not fit an int.
   */
  static TransposedConvolution.Geometry geometry(long[] in, int outC, int outH, int outW, int kH, int kW, int sH, int sW, int top, int left) {
    TransposedConvolution.Geometry g = new TransposedConvolution.Geometry((int) in[0], outC, outH, outW, (int) in[1], kH, kW, sH, sW, top, left,
        (int) in[2], (int) in[3]);
    return g.fits() ? g : null;
  }

  /** {@code out} [N, C', oH, oW] (dense, C order) = bias (unless null) + the convolution of {@code input} by {@code weights}. */
  void forward(TransposedConvolution.Geometry g, INDArray input, INDArray weights, INDArray bias, INDArray out, LayerWorkspaceMgr mgr) {
    INDArray taps = columns.columns(g, input, mgr, ArrayType.FF_WORKING_MEM);
    INDArray y = mgr.createUninitialized(ArrayType.FF_WORKING_MEM, DataType.FLOAT, new long[] {g.inC(), g.columns()}, 'c');
    Nd4j.gemm(weights.reshape('c', g.inC(), g.taps()), taps, y, false, false, 1.0, 0.0);
    columns.batchFirst(g, y, bias, out);
  }

  /**
   * The backward pass for {@code delta} = dL/d(output) [N, C', oH, oW]: dL/dW into {@code weightGrad} [C', C, kH, kW]
   * (dense, C order), dL/d(bias) into {@code biasGrad} unless null, and dL/d(input) into {@code epsNext} [N, C, H, W]
   * (dense, C order) unless null.
   */
  void backward(TransposedConvolution.Geometry g, INDArray input, INDArray weights, INDArray delta, INDArray epsNext, INDArray weightGrad,
      INDArray biasGrad, LayerWorkspaceMgr mgr) {
    INDArray d = TransposedConvolution.dense(delta) ? delta : delta.dup('c');
    INDArray dy = columns.channelsFirst(g, d, mgr, ArrayType.BP_WORKING_MEM);
    INDArray taps = columns.columns(g, input, mgr, ArrayType.BP_WORKING_MEM);
    TransposedConvolution.weightGradient(g, dy, taps, weightGrad);
    if (biasGrad != null) {
      biasGrad.assign(d.sum(0, 2, 3).reshape(biasGrad.shape()));
    }
    if (epsNext != null) {
      columns.forwardChannelsFirst(g, dy, weights, null, epsNext, mgr, ArrayType.BP_WORKING_MEM);
    }
  }
}
