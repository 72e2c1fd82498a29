package io.latentspark.model;

import org.deeplearning4j.nn.conf.dropout.IDropout;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * Input corruption of a denoising autoencoder, as a DL4J {@link IDropout} on the first layer: DL4J applies it to
 * every training minibatch on the fly (fresh noise each time, on whichever worker fits it) and never when the
 * network is used for inference, so encoding sees clean images; the loss compares the output with the clean
 * input (the minibatch's labels). Kinds, on pixels in the network's input space:
 * <ul>
 *   <li>{@code gaussian}: x + N(0, amount^2)</li>
 *   <li>{@code masking}: a fraction {@code amount} of the values set to 0 (no rescaling, unlike dropout)</li>
 *   <li>{@code salt-pepper}: a fraction {@code amount} of the values set to 0 or 1 with equal probability</li>
 *   <li>{@code occlusion}: one random rectangle per image, {@code size} x height by {@code size} x width, set to
 *       0 in every channel</li>
 * </ul>
 * The corruption is not differentiable in a useful sense and has no parameters: backprop passes gradients
 * through to the unmasked values (masked and replaced values get none).
 */
public final class Corruption implements IDropout {
  private static final long serialVersionUID = 1L;

  @JsonProperty
  private String kind;
  @JsonProperty
  private double amount;
  @JsonProperty
  private double size;
  @JsonProperty
  private int channels;
  @JsonProperty
  private int height;
  @JsonProperty
  private int width;
  /** 1 where the input passed through unchanged, 0 where it was replaced (kept for backprop; null for additive noise). */
  private transient INDArray keep;

  public Corruption() {}

  public Corruption(String kind, double amount, double size, int channels, int height, int width) {
    this.kind = kind;
    this.amount = amount;
    this.size = size;
    this.channels = channels;
    this.height = height;
    this.width = width;
  }

  public String kind() {
    return kind;
  }

  @Override
  public INDArray applyDropout(INDArray input, INDArray result, int iteration, int epoch, LayerWorkspaceMgr workspaceMgr) {
    // the mask outlives this call (backprop uses it), so it must not live in the layer's working-memory workspace
    try (org.nd4j.linalg.api.memory.MemoryWorkspace ws = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
      return corrupt(input, result);
    }
  }

  /** Corrupts {@code input} (rows = images, CHW values) into {@code result}, which may be the same array. */
  public INDArray corrupt(INDArray input, INDArray result) {
    switch (kind) {
      case "gaussian" -> {
        keep = null;
        INDArray noise = Nd4j.randn(input.dataType(), input.shape()).muli(amount);
        return result.assign(input.add(noise));
      }
      case "masking" -> {
        keep = Nd4j.rand(input.dataType(), input.shape()).gt(amount).castTo(input.dataType());
        return result.assign(input.mul(keep));
      }
      case "salt-pepper" -> {
        INDArray u = Nd4j.rand(input.dataType(), input.shape());
        INDArray hit = u.lt(amount).castTo(input.dataType());
        INDArray salt = u.lt(amount / 2).castTo(input.dataType()); // half of the hits become 1, the rest 0
        keep = hit.rsub(1.0);
        return result.assign(input.mul(keep).addi(salt));
      }
      case "occlusion" -> {
        int n = (int) input.size(0);
        int per = (int) (input.length() / n); // flat rows or NCHW feature maps: the same c-order layout
        int h = Math.max(1, (int) Math.round(size * height));
        int w = Math.max(1, (int) Math.round(size * width));
        float[] mask = new float[n * per];
        java.util.Arrays.fill(mask, 1f);
        org.nd4j.linalg.api.rng.Random rnd = Nd4j.getRandom();
        for (int i = 0; i < n; i++) {
          int y0 = (int) Math.floor(rnd.nextDouble() * (height - h + 1));
          int x0 = (int) Math.floor(rnd.nextDouble() * (width - w + 1));
          for (int c = 0; c < channels; c++) {
            for (int y = y0; y < y0 + h; y++) {
              int start = i * per + c * height * width + y * width + x0;
              java.util.Arrays.fill(mask, start, start + w, 0f);
            }
          }
        }
        keep = Nd4j.create(mask, input.shape(), 'c').castTo(input.dataType());
        return result.assign(input.mul(keep));
      }
      default -> throw new IllegalStateException("Unknown corruption " + kind);
    }
  }

  @Override
  public INDArray backprop(INDArray gradAtOutput, INDArray gradAtInput, int iteration, int epoch) {
    if (keep == null) {
      return gradAtInput == gradAtOutput ? gradAtInput : gradAtInput.assign(gradAtOutput);
    }
    INDArray g = gradAtOutput.mul(keep);
    keep = null;
    return gradAtInput.assign(g);
  }

  @Override
  public void clear() {
    keep = null;
  }

  @Override
  public IDropout clone() {
    return new Corruption(kind, amount, size, channels, height, width);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Corruption c && c.kind.equals(kind) && c.amount == amount && c.size == size && c.channels == channels
        && c.height == height && c.width == width;
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(kind, amount, size, channels, height, width);
  }

  @Override
  public String toString() {
    return "Corruption(" + kind + ", amount " + amount + (kind.equals("occlusion") ? ", size " + size : "") + ")";
  }
}
