package io.latentspark.train;

import io.latentspark.model.InputNormalizer;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * What a {@link TrainingEngine} is given to train: the network (initialised or resumed), the training split and its
 * size, the input normalisation, the worker layout and the guard that watches the workers' losses.
 *
 * @param batchSize minibatch size per worker ({@code train.batchSizePerWorker})
 * @param averagingFrequency minibatches each worker fits between averaging rounds
 * @param reduceFanIn rounds of more workers than this are summed on the executors in a tree of this fan-in ({@code train.reduceFanIn})
 * @param batches what the network fits for a minibatch (an autoencoder's or an inpainting model's, from the spec)
 */
public record TrainingSetup(JavaSparkContext jsc, MultiLayerNetwork net, Dataset<Row> train, long trainCount, InputNormalizer normalizer,
    int inputSize, int workers, int batchSize, int averagingFrequency, int reduceFanIn, WorkerMonitor monitor, long seed,
    Batches.Maker batches) {}
