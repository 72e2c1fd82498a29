package io.latentspark.model;

import java.io.Serializable;

/**
 * One epoch of training as recorded in the loss history.
 *
 * @param trainScore the training loss DL4J reported (mean over workers at the last averaging round)
 * @param trainMse per-pixel reconstruction MSE on (a sample of) the training split after the epoch
 * @param validationMse per-pixel reconstruction MSE on the validation split after the epoch
 * @param validationSplit which split the validation figure comes from (validation, or test when there is none)
 * @param seconds wall time of the epoch's training (without the loss evaluation)
 * @param examplesPerSecond training examples per second in the epoch
 * @param workerLossMin the lowest of the workers' mean minibatch losses in the epoch (NaN when not measured)
 * @param workerLossMax the highest of the workers' mean minibatch losses in the epoch (NaN when not measured)
 */
public record EpochStats(int epoch, double trainScore, double trainMse, double validationMse, String validationSplit,
    double seconds, double examplesPerSecond, double workerLossMin, double workerLossMax) implements Serializable {}
