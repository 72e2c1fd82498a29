package io.latentspark.spec;

/**
 * Multiply-adds a network plan does per example in its forward pass, layer by layer, following the tensor's shape
 * through the plan: dense {@code nIn x nOut}; a stride-2 "same" convolution {@code outH x outW x out x in x k^2}; a
 * stride-2 transposed convolution {@code inH x inW x in x out x k^2} (every input pixel spreads over a k x k
 * window of every output channel); an LSTM {@code steps x 4 units x (in + units)}; a dense layer per time step
 * {@code steps x in x out}. Samplers, sparsity, reshapes and element-wise work count 0 (and the contractive
 * penalty's Jacobian term is left out), so the figures are the GEMM-shaped work a roofline bounds.
 */
public final class NetworkCost {
  private NetworkCost() {}

  /** Training FLOPs per example: 2 per multiply-add, times 3 (forward, backward to inputs, backward to weights). */
  public static double trainFlopsPerExample(NetworkPlan plan) {
    return 6 * forwardMacs(plan);
  }

  /** Forward multiply-adds per example. */
  public static double forwardMacs(NetworkPlan plan) {
    ImageShape s = plan.shape();
    long c = s.channels();
    long h = s.height();
    long w = s.width();
    long flat = s.inputSize();
    long steps = 0;
    double macs = 0;
    for (LayerSpec step : plan.steps()) {
      if (step instanceof LayerSpec.Dense d) {
        macs += (double) flat * d.nOut();
        flat = d.nOut();
      } else if (step instanceof LayerSpec.Contractive d) {
        macs += (double) flat * d.nOut();
        flat = d.nOut();
      } else if (step instanceof LayerSpec.DenseOutput d) {
        macs += (double) flat * d.nOut();
        flat = d.nOut();
      } else if (step instanceof LayerSpec.GaussianSample g) {
        flat = g.size();
      } else if (step instanceof LayerSpec.Conv k) {
        long outH = (h + 1) / 2;
        long outW = (w + 1) / 2;
        macs += (double) outH * outW * k.nOut() * c * k.kernel() * k.kernel();
        c = k.nOut();
        h = outH;
        w = outW;
        flat = c * h * w;
      } else if (step instanceof LayerSpec.Deconv k) {
        macs += (double) h * w * c * k.nOut() * k.kernel() * k.kernel();
        c = k.nOut();
        h *= 2;
        w *= 2;
        flat = c * h * w;
      } else if (step instanceof LayerSpec.ToFeatureMap m) {
        c = m.channels();
        h = m.height();
        w = m.width();
        flat = c * h * w;
      } else if (step instanceof LayerSpec.ToSequence q) {
        steps = q.shape().height();
        flat = (long) q.shape().channels() * q.shape().width();
      } else if (step instanceof LayerSpec.LstmLastStep l) {
        macs += (double) steps * 4 * l.units() * (flat + l.units());
        flat = l.units();
      } else if (step instanceof LayerSpec.Lstm l) {
        macs += (double) steps * 4 * l.units() * (flat + l.units());
        flat = l.units();
      } else if (step instanceof LayerSpec.RepeatSteps r) {
        steps = r.steps();
      } else if (step instanceof LayerSpec.StepwiseDense d) {
        macs += (double) steps * flat * d.nOut();
        flat = d.nOut();
      } else if (step instanceof LayerSpec.ToFlat f) {
        flat = f.shape().inputSize();
      } // Sparsity, FlatLoss: no multiply-adds, no change of size
    }
    return macs;
  }
}
