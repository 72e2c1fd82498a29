package io.latentspark.analysis;

import io.latentspark.data.ImageSchema;
import io.latentspark.encode.NetworkSnapshot;
import io.latentspark.model.AutoencoderModel;
import io.latentspark.model.InputNormalizer;
import io.latentspark.model.NetworkFactory;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * What only a variational autoencoder does: decode samples from the prior N(0, I) into new images, and measure
 * the negative evidence lower bound (ELBO) of images in nats, with one posterior sample per image as in the
 * usual single-sample estimate: -ELBO = reconstruction term (Bernoulli cross-entropy summed over pixels for
 * model.loss = bce; summed squared error for mse) + KL(q(z|x) || N(0, I)) (beta is not applied: this is the bound itself).
 */
public final class Variational {
  private Variational() {}

  /** Fails clearly unless {@code model} is a VAE. */
  public static void require(AutoencoderModel model, String what) {
    if (!model.config().model().spec().variational()) {
      throw new IllegalArgumentException(what + " needs a variational autoencoder (model.type = vae); the model is a "
          + model.config().model().type() + " autoencoder");
    }
  }

  /** Runs the decoder (layers from {@code from} to the output, preprocessors included) on codes {@code z}. */
  public static INDArray decode(MultiLayerNetwork net, int from, INDArray z) {
    INDArray a = z;
    LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
    for (int l = from; l < net.getnLayers(); l++) {
      InputPreProcessor p = net.getLayerWiseConfigurations().getInputPreProcess(l);
      if (p != null) {
        a = p.preProcess(a, (int) a.size(0), mgr);
      }
      a = net.getLayer(l).activate(a, false, mgr);
    }
    return a;
  }

  /** {@code count} images (pixel space, CHW) decoded from codes drawn from N(0, I) with {@code seed}. */
  public static List<float[]> samples(AutoencoderModel model, int count, long seed) {
    require(model, "Sampling from the prior");
    Random rng = Nd4j.getRandomFactory().getNewRandomInstance(seed);
    INDArray z = Nd4j.randn(rng, count, model.config().model().latentSize()).castTo(DataType.FLOAT);
    INDArray x = decode(model.network(), NetworkFactory.decoderStartIndex(model.config()), z);
    List<float[]> out = new ArrayList<>(count);
    for (float[] row : x.toFloatMatrix()) {
      out.add(model.normalizer().invert(row));
    }
    return out;
  }

  /** Means per image, in nats: negative ELBO, its reconstruction term and its KL term; over {@code rows} images. */
  public record Elbo(long rows, double negativeElbo, double reconstruction, double kl) {}

  /** The single-sample negative ELBO of the {@code split} images, computed on the executors (noise seeded per partition). */
  public static Elbo elbo(AutoencoderModel model, Dataset<Row> images, String split, int batchSize, long seed) {
    require(model, "The ELBO");
    ImageSchema.check(images.schema());
    Dataset<Row> rows = images.where(functions.col(ImageSchema.SPLIT).equalTo(split));
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(images.sparkSession().sparkContext());
    Broadcast<NetworkSnapshot> snap = jsc.broadcast(NetworkSnapshot.of(model));
    int px = rows.schema().fieldIndex(ImageSchema.PIXELS);
    boolean bernoulli = model.config().model().loss() == io.latentspark.spec.Loss.BCE;
    int latent = model.latentLayerIndex();
    int k = model.config().model().latentSize();
    List<double[]> parts = rows.javaRDD().mapPartitionsWithIndex((Integer partition, Iterator<Row> it) -> {
      MultiLayerNetwork net = snap.value().network();
      InputNormalizer norm = snap.value().normalizer();
      Random rng = Nd4j.getRandomFactory().getNewRandomInstance(seed * 31 + partition);
      double[] sums = new double[3];
      List<float[]> batch = new ArrayList<>();
      while (it.hasNext()) {
        batch.add(norm.apply(ImageSchema.pixels(it.next(), px)));
        if (batch.size() == batchSize || !it.hasNext()) {
          INDArray x = Nd4j.create(batch.toArray(float[][]::new)).castTo(DataType.DOUBLE);
          INDArray muLogVar = net.feedForwardToLayer(latent - 1, x.castTo(DataType.FLOAT), false).get(latent).castTo(DataType.DOUBLE);
          INDArray mu = muLogVar.get(NDArrayIndex.all(), NDArrayIndex.interval(0, k));
          INDArray logVar = muLogVar.get(NDArrayIndex.all(), NDArrayIndex.interval(k, 2 * k));
          INDArray eps = Nd4j.randn(rng, x.size(0), k).castTo(DataType.DOUBLE);
          INDArray z = mu.add(Transforms.exp(logVar.mul(0.5), true).muli(eps));
          INDArray p = decode(net, latent + 1, z.castTo(DataType.FLOAT)).castTo(DataType.DOUBLE);
          double recon;
          if (bernoulli) {
            INDArray q = Transforms.min(Transforms.max(p, 1e-7, true), 1 - 1e-7, false);
            recon = -(x.mul(Transforms.log(q, true)).addi(x.rsub(1.0).muli(Transforms.log(q.rsub(1.0), false)))).sumNumber().doubleValue();
          } else {
            INDArray d = p.sub(x);
            recon = d.muli(d).sumNumber().doubleValue();
          }
          double kl = Transforms.exp(logVar, true).addi(mu.mul(mu)).subi(1.0).subi(logVar).muli(0.5).sumNumber().doubleValue();
          sums[0] += recon;
          sums[1] += kl;
          sums[2] += batch.size();
          batch.clear();
        }
      }
      return List.of(sums).iterator();
    }, false).collect();
    snap.destroy();
    double[] t = new double[3];
    for (double[] p : parts) {
      for (int i = 0; i < 3; i++) {
        t[i] += p[i];
      }
    }
    if (t[2] == 0) {
      throw new IllegalArgumentException("No images in the " + split + " split to measure the ELBO on");
    }
    return new Elbo((long) t[2], (t[0] + t[1]) / t[2], t[0] / t[2], t[1] / t[2]);
  }
}
