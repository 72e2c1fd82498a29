package io.latentspark.analysis;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.latentspark.config.SwapConfig;
import io.latentspark.data.ImageSchema;
import io.latentspark.model.SwapModel;
import io.latentspark.spec.ImageShape;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.IntPredicate;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.functions;

/**
 * Judges a face swap network ({@link SwapModel}) on the identities' held-out images (every split but train): each
 * decoder's reconstruction MSE on its own identity (beside the identity's mean training face), and how often an
 * identity classifier trained on real images assigns the swapped faces (A encoded, decoded by B's decoder) to the
 * target B. The classifier is k-NN on the principal components of pixels: PCA fitted on the train split of the
 * reference images (up to {@value #REFERENCE_PER_LABEL} images of every label of the dataset, not only the swap's
 * identities, drawn in a seeded hash order), the judged image's own source never among its neighbours. It is asked
 * twice: with every reference image, and with only those the swap network never trained on ("unseen": a swap must
 * then look like B's held-out photos, not like the training photos its decoder could reproduce). Held-out images and
 * references are collected to the driver.
 */
public final class FaceSwap {
  /** Reference images per label at most. */
  static final int REFERENCE_PER_LABEL = 200;
  private static final int BATCH = 256;

  /** One identity: its images, its decoder's MSE on its held-out images, the MSE of its mean training face on them. */
  public record Identity(String label, long trainImages, int heldOutImages, double ownMse, double meanFaceMse, double ownAssigned) {}

  /** One direction of swapping: held-out images of {@code source} decoded by {@code target}'s decoder. */
  public record Pair(String source, String target, int images, double assignedToTarget, double assignedToSource, double assignedToTargetUnseen) {}

  /**
   * The measurements: per identity and per direction; over all directions the fraction of swaps assigned to the
   * target (with every reference, and with the unseen ones only); the classifier's leave-one-out accuracy on the real
   * held-out images (what it can do on real faces); and how it was built.
   */
  public record Result(List<Identity> identities, List<Pair> pairs, double assignedToTarget, double assignedToTargetUnseen, double realAccuracy,
      int classifierLabels, int referenceImages, int components, int neighbours, @JsonIgnore Map<String, BufferedImage> grids) {}

  private FaceSwap() {}

  public static Result run(SwapModel model, Dataset<Row> images, SwapConfig cfg, ImageShape shape, long seed) {
    ImageSchema.check(images.schema());
    List<String> ids = model.identities();
    Column isTrain = functions.col(ImageSchema.SPLIT).equalTo(ImageSchema.TRAIN);
    List<Row> heldOut = images.where(functions.not(isTrain).and(functions.col(ImageSchema.LABEL).isin(ids.toArray())))
        .select(ImageSchema.ID, ImageSchema.LABEL, ImageSchema.PIXELS).orderBy(ImageSchema.ID).collectAsList();
    Map<String, List<Integer>> byIdentity = new LinkedHashMap<>();
    ids.forEach(id -> byIdentity.put(id, new ArrayList<>()));
    for (int i = 0; i < heldOut.size(); i++) {
      byIdentity.get(heldOut.get(i).getString(1)).add(i);
    }
    for (String id : ids) {
      if (byIdentity.get(id).isEmpty()) {
        throw new IllegalArgumentException("The face swap is judged on held-out images (every split but train), but identity " + id
            + " has none (the swap command holds out swap.heldOut of each identity's images)");
      }
    }

    Dataset<Row> reference = images.where(functions.col(ImageSchema.LABEL).isNotNull())
        .withColumn("_rank", functions.row_number().over(Window.partitionBy(ImageSchema.LABEL)
            .orderBy(functions.xxhash64(functions.col(ImageSchema.ID), functions.lit(seed)))))
        .where(functions.col("_rank").leq(REFERENCE_PER_LABEL)).drop("_rank").cache(); // PCA's jobs and the collect read it
    PcaBaseline pca;
    List<Row> refRows;
    try {
      pca = PcaBaseline.fit(reference, cfg.components());
      refRows = reference.select(ImageSchema.ID, ImageSchema.LABEL, ImageSchema.SPLIT, ImageSchema.PIXELS).collectAsList();
    } finally {
      reference.unpersist(false);
    }
    TreeMap<String, Integer> labelIndex = new TreeMap<>();
    refRows.forEach(r -> labelIndex.putIfAbsent(r.getString(1), 0));
    List<String> labels = new ArrayList<>(labelIndex.keySet());
    for (int i = 0; i < labels.size(); i++) {
      labelIndex.put(labels.get(i), i);
    }
    Classifier knn = new Classifier(pca, refRows, labelIndex, ids, cfg.neighbours());

    List<float[]> px = new ArrayList<>(heldOut.size());
    heldOut.forEach(r -> px.add(ImageSchema.pixels(r, 2)));
    float[][][] out = decode(model, px);

    List<Identity> identities = new ArrayList<>();
    int realRight = 0;
    for (int k = 0; k < ids.size(); k++) {
      String id = ids.get(k);
      float[] mean = meanFace(images.where(isTrain.and(functions.col(ImageSchema.LABEL).equalTo(id))), shape.inputSize());
      double own = 0;
      double meanFace = 0;
      int ownRight = 0;
      for (int i : byIdentity.get(id)) {
        own += io.latentspark.encode.BatchEncoder.meanSquared(px.get(i), out[k][i]);
        meanFace += io.latentspark.encode.BatchEncoder.meanSquared(px.get(i), mean);
        String self = heldOut.get(i).getString(0);
        ownRight += knn.label(out[k][i], self, false) == labelIndex.get(id) ? 1 : 0;
        realRight += knn.label(px.get(i), self, false) == labelIndex.get(id) ? 1 : 0;
      }
      int n = byIdentity.get(id).size();
      identities.add(new Identity(id, model.trainingImages().get(k), n, own / n, meanFace / n, (double) ownRight / n));
    }

    List<Pair> pairs = new ArrayList<>();
    Map<String, BufferedImage> grids = new LinkedHashMap<>();
    long toTarget = 0;
    long toTargetUnseen = 0;
    long swaps = 0;
    for (int a = 0; a < ids.size(); a++) {
      for (int b = 0; b < ids.size(); b++) {
        if (a == b) {
          continue;
        }
        int target = labelIndex.get(ids.get(b));
        int source = labelIndex.get(ids.get(a));
        int t = 0;
        int s = 0;
        int u = 0;
        List<Integer> from = byIdentity.get(ids.get(a));
        for (int i : from) {
          String self = heldOut.get(i).getString(0);
          int seen = knn.label(out[b][i], self, false);
          t += seen == target ? 1 : 0;
          s += seen == source ? 1 : 0;
          u += knn.label(out[b][i], self, true) == target ? 1 : 0;
        }
        pairs.add(new Pair(ids.get(a), ids.get(b), from.size(), (double) t / from.size(), (double) s / from.size(), (double) u / from.size()));
        toTarget += t;
        toTargetUnseen += u;
        swaps += from.size();
        grids.put(ids.get(a) + "-as-" + ids.get(b), grid(from, byIdentity.get(ids.get(b)), px, out[a], out[b], cfg.gridImages(), shape));
      }
    }
    return new Result(identities, pairs, (double) toTarget / swaps, (double) toTargetUnseen / swaps, (double) realRight / heldOut.size(),
        labels.size(), refRows.size(), cfg.components(), cfg.neighbours(), grids);
  }

  /** Every decoder's output for every image, in batches. */
  static float[][][] decode(SwapModel model, List<float[]> px) {
    int decoders = model.identities().size();
    float[][][] out = new float[decoders][px.size()][];
    for (int from = 0; from < px.size(); from += BATCH) {
      int to = Math.min(px.size(), from + BATCH);
      float[][][] part = model.decodeAll(px.subList(from, to));
      for (int k = 0; k < decoders; k++) {
        System.arraycopy(part[k], 0, out[k], from, to - from);
      }
    }
    return out;
  }

  /**
   * Rows of {@code n} images: held-out images of the source, their reconstructions by the source's own decoder, the
   * same images swapped (decoded by the target's decoder), and held-out images of the target for comparison.
   */
  static BufferedImage grid(List<Integer> source, List<Integer> target, List<float[]> px, float[][] own, float[][] swapped, int n,
      ImageShape shape) {
    int cols = Math.min(n, Math.max(source.size(), target.size()));
    List<float[]> tiles = new ArrayList<>();
    for (float[][] band : new float[][][] {px.toArray(new float[0][]), own, swapped}) {
      for (int c = 0; c < cols; c++) {
        tiles.add(c < source.size() ? band[source.get(c)] : white(shape));
      }
    }
    for (int c = 0; c < cols; c++) {
      tiles.add(c < target.size() ? px.get(target.get(c)) : white(shape));
    }
    return LatentMaps.tiles(tiles, cols, shape, 2, 6);
  }

  private static float[] white(ImageShape shape) {
    float[] w = new float[shape.inputSize()];
    Arrays.fill(w, 1f);
    return w;
  }

  static float[] meanFace(Dataset<Row> train, int n) {
    int idx = train.schema().fieldIndex(ImageSchema.PIXELS);
    double[] acc = train.javaRDD().aggregate(new double[n + 1], (a, r) -> {
      float[] p = ImageSchema.pixels(r, idx);
      for (int i = 0; i < n; i++) {
        a[i] += p[i];
      }
      a[n]++;
      return a;
    }, (a, b) -> {
      for (int i = 0; i < a.length; i++) {
        a[i] += b[i];
      }
      return a;
    });
    float[] mean = new float[n];
    for (int i = 0; i < n; i++) {
      mean[i] = (float) (acc[i] / acc[n]);
    }
    return mean;
  }

  /** k-NN over the principal components of the reference images; a query never counts its own source image. */
  static final class Classifier {
    private final PcaBaseline pca;
    private final float[][] codes;
    private final int[] labels;
    private final String[] ids;
    private final boolean[] seen;
    private final int k;
    private final int nLabels;

    Classifier(PcaBaseline pca, List<Row> refs, Map<String, Integer> labelIndex, List<String> swapIdentities, int k) {
      this.pca = pca;
      this.k = k;
      this.nLabels = labelIndex.size();
      codes = new float[refs.size()][];
      labels = new int[refs.size()];
      ids = new String[refs.size()];
      seen = new boolean[refs.size()];
      for (int j = 0; j < refs.size(); j++) {
        Row r = refs.get(j);
        ids[j] = r.getString(0);
        labels[j] = labelIndex.get(r.getString(1));
        seen[j] = ImageSchema.TRAIN.equals(r.getString(2)) && swapIdentities.contains(r.getString(1));
        codes[j] = pca.encode(ImageSchema.pixels(r, 3));
      }
    }

    /** The label index the classifier gives {@code px}, skipping the reference {@code selfId} and, with {@code unseen}, the swap's training images. */
    int label(float[] px, String selfId, boolean unseen) {
      IntPredicate skip = j -> ids[j].equals(selfId) || (unseen && seen[j]);
      int[] nn = new int[k];
      int found = Nearest.topK(pca.encode(px), codes, nn, new double[k], skip);
      return Evaluation.vote(nn, found, labels, nLabels);
    }
  }
}
