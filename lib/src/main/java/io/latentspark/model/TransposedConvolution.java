package io.latentspark.model;

import java.nio.FloatBuffer;
import java.util.Arrays;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A float NCHW transposed convolution (stride s, kernel k, the output cropped by {@code top}/{@code left}) as one
 * matrix product over the whole minibatch plus a scatter, and its backward pass as a gather plus two products.
 * With input x [N, C, H, W] laid out channels-first as X [C, N·H·W] and the weights as W [C, C'·kH·kW]:
 * the columns W<sup>T</sup> X [C'·kH·kW, N·H·W] are added into the output at (iy·s + ky − top, ix·s + kx − left)
 * (col2im); backward, the output gradient gathered at the same positions (im2col) is D, and
 * dL/dX = W D, dL/dW = X D<sup>T</sup>.
 *
 * <p>libnd4j 1.0.0-M2's {@code deconv2d} runs its generic col2im code for a cropped output (oneDNN's does not take
 * "same" padding) and was measured at 1.1 GFLOP/s for the conv autoencoder's last layer (32 -> 1 channels, 14 -> 28):
 * 13 ms for a minibatch of 128 on one core, this class 1.2 ms (docs/TRAINING.md). An instance keeps its scratch
 * arrays between calls: one per layer, used by one thread at a time.
 */
final class TransposedConvolution {
  /** Sizes of one call. */
  record Geometry(int batch, int inC, int inH, int inW, int outC, int kH, int kW, int sH, int sW, int top, int left, int outH, int outW) {
    int inPlane() {
      return inH * inW;
    }

    int outPlane() {
      return outH * outW;
    }

    int columns() {
      return batch * inPlane();
    }

    int taps() {
      return outC * kH * kW;
    }

    /** The input columns ix with 0 <= ix·sW + kx − left < outW: [first, end); firstY/endY likewise for the rows iy. */
    int firstX(int kx) {
      return Math.max(0, ceilDiv(left - kx, sW));
    }

    int endX(int kx) {
      return Math.min(inW, Math.floorDiv(outW - 1 + left - kx, sW) + 1);
    }

    int firstY(int ky) {
      return Math.max(0, ceilDiv(top - ky, sH));
    }

    int endY(int ky) {
      return Math.min(inH, Math.floorDiv(outH - 1 + top - ky, sH) + 1);
    }

    /** True when every index into these arrays fits an int. */
    boolean fits() {
      long limit = Integer.MAX_VALUE;
      return (long) batch * inC * inPlane() < limit && (long) taps() * columns() < limit && (long) batch * outC * outPlane() < limit;
    }

    private static int ceilDiv(int a, int b) {
      return -Math.floorDiv(-a, b);
    }
  }

  private float[] row = new float[0];
  private float[] whole = new float[0];

  /** True when these passes take the arrays: float, the input and weights dense in C order. */
  static boolean takes(INDArray input, INDArray weights) {
    return input.dataType() == DataType.FLOAT && weights.dataType() == DataType.FLOAT && dense(input) && dense(weights);
  }

  /** C-order strides (those of dimensions of size 1 do not matter: ND4J gives them either value). */
  static boolean dense(INDArray a) {
    if (a.isEmpty()) {
      return false;
    }
    long expected = 1;
    for (int i = a.rank() - 1; i >= 0; i--) {
      if (a.size(i) != 1 && a.stride(i) != expected) {
        return false;
      }
      expected *= a.size(i);
    }
    return true;
  }

  /** {@code out} [N, C', outH, outW] (dense, C order) = bias + the transposed convolution of {@code input} by {@code weights} [C, C', kH, kW]. */
  void forward(Geometry g, INDArray input, INDArray weights, INDArray bias, INDArray out, LayerWorkspaceMgr mgr) {
    forwardChannelsFirst(g, channelsFirst(g, input, mgr, ArrayType.FF_WORKING_MEM), weights, bias, out, mgr, ArrayType.FF_WORKING_MEM);
  }

  /** As {@link #forward}, for the input already laid out as X [C, N·H·W]; the columns are a {@code type} array. */
  void forwardChannelsFirst(Geometry g, INDArray x, INDArray weights, INDArray bias, INDArray out, LayerWorkspaceMgr mgr, ArrayType type) {
    INDArray cols = mgr.createUninitialized(type, DataType.FLOAT, new long[] {g.taps(), g.columns()}, 'c');
    Nd4j.gemm(weights.reshape('c', g.inC(), g.taps()), x, cols, true, false, 1.0, 0.0);
    float[] o = whole(g.batch() * g.outC() * g.outPlane());
    float[] b = bias == null ? null : bias.toFloatVector();
    for (int n = 0; n < g.batch(); n++) {
      for (int c = 0; c < g.outC(); c++) {
        int at = (n * g.outC() + c) * g.outPlane();
        Arrays.fill(o, at, at + g.outPlane(), b == null ? 0f : b[c]);
      }
    }
    FloatBuffer cb = cols.data().asNioFloat();
    int co = Math.toIntExact(cols.offset());
    float[] r = row(g.columns());
    for (int c = 0; c < g.outC(); c++) {
      for (int ky = 0; ky < g.kH(); ky++) {
        for (int kx = 0; kx < g.kW(); kx++) {
          cb.get(co + ((c * g.kH() + ky) * g.kW() + kx) * g.columns(), r, 0, g.columns());
          scatter(g, r, o, c, ky, kx);
        }
      }
    }
    out.data().asNioFloat().put(Math.toIntExact(out.offset()), o, 0, g.batch() * g.outC() * g.outPlane());
  }

  /** Adds one tap's column row into the output planes of channel c. */
  private static void scatter(Geometry g, float[] r, float[] o, int c, int ky, int kx) {
    int fx = g.firstX(kx);
    int ex = g.endX(kx);
    int fy = g.firstY(ky);
    int ey = g.endY(ky);
    int sW = g.sW();
    int w = g.inW();
    for (int n = 0; n < g.batch(); n++) {
      int plane = (n * g.outC() + c) * g.outPlane();
      int src = n * g.inPlane();
      for (int iy = fy; iy < ey; iy++) {
        int dst = plane + (iy * g.sH() + ky - g.top()) * g.outW() + kx - g.left();
        int s = src + iy * w;
        for (int ix = fx; ix < ex; ix++) {
          o[dst + ix * sW] += r[s + ix];
        }
      }
    }
  }

  /**
   * The backward pass for {@code delta} = dL/d(output) [N, C', outH, outW]: dL/d(input) into {@code epsNext} [N, C, H, W]
   * (dense, C order), dL/dW into {@code weightGrad} [C, C', kH, kW] (dense, C order) and, unless null, dL/d(bias) into
   * {@code biasGrad}.
   */
  void backward(Geometry g, INDArray input, INDArray weights, INDArray delta, INDArray epsNext, INDArray weightGrad, INDArray biasGrad,
      LayerWorkspaceMgr mgr) {
    INDArray d = dense(delta) ? delta : delta.dup('c');
    INDArray taps = columns(g, d, mgr, ArrayType.BP_WORKING_MEM);
    INDArray x = channelsFirst(g, input, mgr, ArrayType.BP_WORKING_MEM);
    INDArray dx = mgr.createUninitialized(ArrayType.BP_WORKING_MEM, DataType.FLOAT, new long[] {g.inC(), g.columns()}, 'c');
    Nd4j.gemm(weights.reshape('c', g.inC(), g.taps()), taps, dx, false, false, 1.0, 0.0);
    batchFirst(g, dx, null, epsNext);
    weightGradient(g, x, taps, weightGrad);
    if (biasGrad != null) {
      biasGrad.assign(d.sum(0, 2, 3).reshape(biasGrad.shape()));
    }
  }

  /**
   * The taps of {@code big} [N, C', outH, outW] (dense, C order) at every input position: [C'·kH·kW, N·H·W], zero where
   * a tap falls outside (im2col).
   */
  INDArray columns(Geometry g, INDArray big, LayerWorkspaceMgr mgr, ArrayType type) {
    float[] all = whole(g.batch() * g.outC() * g.outPlane());
    big.data().asNioFloat().get(Math.toIntExact(big.offset()), all, 0, g.batch() * g.outC() * g.outPlane());
    INDArray taps = mgr.createUninitialized(type, DataType.FLOAT, new long[] {g.taps(), g.columns()}, 'c');
    FloatBuffer tb = taps.data().asNioFloat();
    int to = Math.toIntExact(taps.offset());
    float[] r = row(g.columns());
    for (int c = 0; c < g.outC(); c++) {
      for (int ky = 0; ky < g.kH(); ky++) {
        for (int kx = 0; kx < g.kW(); kx++) {
          gather(g, all, r, c, ky, kx);
          tb.put(to + ((c * g.kH() + ky) * g.kW() + kx) * g.columns(), r, 0, g.columns());
        }
      }
    }
    return taps;
  }

  /** {@code weightGrad} [C, C', kH, kW] (dense, C order) = X D<sup>T</sup> for X [C, N·H·W] and the taps D [C'·kH·kW, N·H·W]. */
  static void weightGradient(Geometry g, INDArray x, INDArray taps, INDArray weightGrad) {
    Nd4j.gemm(x, taps, weightGrad.reshape('c', g.inC(), g.taps()), false, true, 1.0, 0.0);
  }

  /** One tap's row of the gathered output gradient: zero where the tap falls outside the cropped output. */
  private static void gather(Geometry g, float[] all, float[] r, int c, int ky, int kx) {
    Arrays.fill(r, 0, g.columns(), 0f);
    int fx = g.firstX(kx);
    int ex = g.endX(kx);
    int fy = g.firstY(ky);
    int ey = g.endY(ky);
    int sW = g.sW();
    int w = g.inW();
    for (int n = 0; n < g.batch(); n++) {
      int plane = (n * g.outC() + c) * g.outPlane();
      int dst = n * g.inPlane();
      for (int iy = fy; iy < ey; iy++) {
        int src = plane + (iy * g.sH() + ky - g.top()) * g.outW() + kx - g.left();
        int s = dst + iy * w;
        for (int ix = fx; ix < ex; ix++) {
          r[s + ix] = all[src + ix * sW];
        }
      }
    }
  }

  /** input [N, C, H, W] as [C, N·H·W]: each (example, channel) plane moved as one block. */
  INDArray channelsFirst(Geometry g, INDArray input, LayerWorkspaceMgr mgr, ArrayType type) {
    INDArray x = mgr.createUninitialized(type, DataType.FLOAT, new long[] {g.inC(), g.columns()}, 'c');
    FloatBuffer ib = input.data().asNioFloat();
    FloatBuffer xb = x.data().asNioFloat();
    int io = Math.toIntExact(input.offset());
    int xo = Math.toIntExact(x.offset());
    int p = g.inPlane();
    float[] r = row(p);
    for (int n = 0; n < g.batch(); n++) {
      for (int c = 0; c < g.inC(); c++) {
        ib.get(io + (n * g.inC() + c) * p, r, 0, p);
        xb.put(xo + c * g.columns() + n * p, r, 0, p);
      }
    }
    return x;
  }

  /** [C, N·H·W] back into {@code out} [N, C, H, W] (dense, C order), plus {@code bias} [C] per channel unless null. */
  void batchFirst(Geometry g, INDArray x, INDArray bias, INDArray out) {
    FloatBuffer xb = x.data().asNioFloat();
    FloatBuffer ob = out.data().asNioFloat();
    int xo = Math.toIntExact(x.offset());
    int oo = Math.toIntExact(out.offset());
    int p = g.inPlane();
    float[] r = row(p);
    float[] b = bias == null ? null : bias.toFloatVector();
    for (int n = 0; n < g.batch(); n++) {
      for (int c = 0; c < g.inC(); c++) {
        xb.get(xo + c * g.columns() + n * p, r, 0, p);
        if (b != null) {
          float bc = b[c];
          for (int i = 0; i < p; i++) {
            r[i] += bc;
          }
        }
        ob.put(oo + (n * g.inC() + c) * p, r, 0, p);
      }
    }
  }

  private float[] row(int n) {
    if (row.length < n) {
      row = new float[n];
    }
    return row;
  }

  private float[] whole(int n) {
    if (whole.length < n) {
      whole = new float[n];
    }
    return whole;
  }
}
