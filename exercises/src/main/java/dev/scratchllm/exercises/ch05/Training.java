// Listings 5.2 and 5.3 as exercises: the loss of a batch and of a data loader, evaluation, and the
// simple pretraining loop. You write: calcLossBatch, calcLossLoader (5.2), evaluateModel and
// trainModelSimple (5.3). Given: calcLossLoader without a batch limit. The loop uses the library's
// Training.Options (epochs, evaluation frequency and iterations, a listener that prints) and
// returns its Training.History.
// Check them: mvn test -Pexercises -Dtest='Ch05ExerciseTest#listing5_2*' (or #listing5_3*)
// Guides: docs/ch05.md#listing-5-2, docs/ch05.md#listing-5-3
// Reference solutions: dev.scratchllm.train.Training (trainModelSimple also calls its small
// checkFinite guard; copy it too or leave it out).
package dev.scratchllm.exercises.ch05;

import dev.scratchllm.autograd.GradMode;
import dev.scratchllm.data.DataLoader;
import dev.scratchllm.exercises.Exercise;
import dev.scratchllm.exercises.ExerciseNotDoneException;
import dev.scratchllm.nn.Functional;
import dev.scratchllm.nn.Module;
import dev.scratchllm.optim.Optimizer;
import dev.scratchllm.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;

/** Chapter 5's {@code calc_loss_batch}, {@code calc_loss_loader}, {@code evaluate_model} and {@code train_model_simple}. */
public final class Training {
    private Training() {
    }

    /**
     * TODO (listing 5.2): the logits {@code model.forward(inputBatch)} {@code (b, T, vocab)} and the
     * cross entropy against {@code targetBatch} {@code (b, T)} with batch and sequence flattened:
     * {@code Functional.crossEntropy(logits.flatten(0, 1), targetBatch.flatten())}.
     */
    public static Tensor calcLossBatch(Tensor inputBatch, Tensor targetBatch, Module model) {
        throw new ExerciseNotDoneException(Exercise.LISTING_5_2);
    }

    /** Given: {@link #calcLossLoader(DataLoader, Module, int)} over every batch. */
    public static double calcLossLoader(DataLoader<?, Tensor[]> loader, Module model) {
        return calcLossLoader(loader, model, -1);
    }

    /**
     * TODO (listing 5.2): the mean of {@link #calcLossBatch} ({@code .item()}) over the first
     * {@code numBatches} batches ({@code batch[0]} inputs, {@code batch[1]} targets), all of them
     * when {@code numBatches} is negative, at most {@code loader.size()}; {@code Double.NaN} for an
     * empty loader, as in the book.
     */
    public static double calcLossLoader(DataLoader<?, Tensor[]> loader, Module model, int numBatches) {
        throw new ExerciseNotDoneException(Exercise.LISTING_5_2);
    }

    /**
     * TODO (listing 5.3): {@code model.eval()}; without a graph ({@code GradMode.noGrad()}) the
     * training and the validation loss over {@code evalIter} batches each ({@link #calcLossLoader});
     * {@code model.train()} again; return {@code {trainLoss, valLoss}}.
     */
    public static double[] evaluateModel(Module model, DataLoader<?, Tensor[]> trainLoader, DataLoader<?, Tensor[]> valLoader, int evalIter) {
        throw new ExerciseNotDoneException(Exercise.LISTING_5_3);
    }

    /**
     * TODO (listing 5.3): for each of {@code o.numEpochs()} epochs: {@code model.train()}; for each
     * batch: {@code optimizer.zeroGrad()}, the loss ({@link #calcLossBatch}), {@code backward()},
     * {@code optimizer.step()}; count the tokens seen ({@code batch[0].numel()}) and the global step
     * (from 0); every {@code o.evalFreq()} steps (step 0 too) {@link #evaluateModel} with
     * {@code o.evalIter()}, record both losses and the tokens seen, and call
     * {@code o.listener().onEval(epoch, step, trainLoss, valLoss, tokensSeen, "Step")} (it prints
     * the book's line). After each epoch call {@code o.listener().onEpochEnd(epoch)}. Return
     * {@code new Training.History(trainLosses, valLosses, tokensSeen, List.of())}.
     */
    public static dev.scratchllm.train.Training.History trainModelSimple(Module model, DataLoader<?, Tensor[]> trainLoader,
                                                                         DataLoader<?, Tensor[]> valLoader, Optimizer optimizer,
                                                                         dev.scratchllm.train.Training.Options o) {
        throw new ExerciseNotDoneException(Exercise.LISTING_5_3);
    }
}
