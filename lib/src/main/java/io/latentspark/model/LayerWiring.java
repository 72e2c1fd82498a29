package io.latentspark.model;

import java.util.Collection;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.ndarray.INDArray;

/** What DL4J's layer configurations do in {@code instantiate} after constructing the layer ({@link FastConvolutions}, {@link FastDense}). */
final class LayerWiring {
  private LayerWiring() {}

  static Layer wire(org.deeplearning4j.nn.layers.BaseLayer<?> layer, NeuralNetConfiguration conf, Collection<TrainingListener> listeners,
      int index, INDArray params, boolean initializeParams) {
    layer.setListeners(listeners);
    layer.setIndex(index);
    layer.setParamsViewArray(params);
    Map<String, INDArray> table = conf.getLayer().initializer().init(conf, params, initializeParams);
    layer.setParamTable(table);
    layer.setConf(conf);
    return layer;
  }
}
