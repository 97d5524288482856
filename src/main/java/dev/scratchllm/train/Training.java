package dev.scratchllm.train;

import dev.scratchllm.autograd.GradMode;
import dev.scratchllm.data.DataLoader;
import dev.scratchllm.nn.Functional;
import dev.scratchllm.nn.Module;
import dev.scratchllm.optim.GradClip;
import dev.scratchllm.optim.Optimizer;
import dev.scratchllm.tensor.Tensor;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Chapter 5's training and evaluation functions and appendix D's improved loop, with the book's
 * bookkeeping: {@code calcLossBatch}, {@code calcLossLoader}, {@code evaluateModel},
 * {@code trainModelSimple} (evaluation every {@code evalFreq} global steps starting at step 0,
 * tokens seen, a sample after each epoch) and {@code trainModel} (linear warm-up, cosine decay,
 * gradient clipping from {@code step >= warmupSteps}, the learning rates tracked). A NaN or
 * infinite loss stops training with {@link IllegalStateException}. The model is any module whose
 * {@code forward(ids (b, T))} returns logits {@code (b, T, vocab)}.
 */
public final class Training {
    private Training() {
    }

    /**
     * The loss histories that {@link #trainModelSimple} returns
     * ({@code train_losses, val_losses, track_tokens_seen}).
     *
     * @param trainLosses the training loss at each evaluation
     * @param valLosses the validation loss at each evaluation
     * @param tokensSeen the number of tokens seen at each evaluation
     * @param learningRates the learning rate of every step ({@link #trainModel}; empty for
     *     {@link #trainModelSimple})
     */
    public record History(List<Double> trainLosses, List<Double> valLosses, List<Long> tokensSeen, List<Double> learningRates) {
    }

    /** Callbacks of a training run (all optional): progress bars, logging, samples after each epoch. */
    public interface Listener {
        /**
         * After each optimizer step: the batch loss, the global step (from 0) and the tokens seen so far.
         *
         * @param epoch the epoch, from 0
         * @param step the global step, from 0
         * @param loss the batch loss
         * @param tokensSeen the input tokens seen so far
         */
        default void onBatch(int epoch, long step, double loss, long tokensSeen) {
        }

        /**
         * After each evaluation (every {@code evalFreq} steps); {@code stepWord} is the book's "Step"
         * (chapter 5) or "Iter" (appendix D).
         *
         * @param epoch the epoch, from 0
         * @param step the global step, from 0
         * @param trainLoss the training loss
         * @param valLoss the validation loss
         * @param tokensSeen the input tokens seen so far
         * @param stepWord the word printed before the step number
         */
        default void onEval(int epoch, long step, double trainLoss, double valLoss, long tokensSeen, String stepWord) {
        }

        /**
         * At the end of each epoch (the book prints a greedy sample here).
         *
         * @param epoch the epoch, from 0
         */
        default void onEpochEnd(int epoch) {
        }

        /**
         * Prints the book's evaluation lines ({@code Ep 1 (Step 000000): Train loss 9.781, Val loss 9.933})
         * and calls {@code afterEpoch}.
         *
         * @param out where to print, or null to print nothing
         * @param afterEpoch called with the epoch (from 0) after each epoch, or null
         * @return the listener
         */
        static Listener printing(PrintStream out, Consumer<Integer> afterEpoch) {
            return new Listener() {
                @Override
                public void onEval(int epoch, long step, double trainLoss, double valLoss, long tokensSeen, String stepWord) {
                    if (out != null)
                        out.printf(Locale.ROOT, "Ep %d (%s %06d): Train loss %.3f, Val loss %.3f%n", epoch + 1, stepWord, step, trainLoss, valLoss);
                }

                @Override
                public void onEpochEnd(int epoch) {
                    if (afterEpoch != null) afterEpoch.accept(epoch);
                }
            };
        }
    }

    /**
     * Options of a training run besides model, loaders and optimizer.
     *
     * @param numEpochs the number of passes over the training data, at least 0
     * @param evalFreq evaluate every this many steps, at least 1
     * @param evalIter the number of batches per evaluation, at least 1
     * @param listener the callbacks, or null for none
     */
    public record Options(int numEpochs, int evalFreq, int evalIter, Listener listener) {
        /**
         * Checks the counts; a null listener becomes one that does nothing.
         *
         * @throws IllegalArgumentException if a count is out of range
         */
        public Options {
            if (numEpochs < 0 || evalFreq < 1 || evalIter < 1)
                throw new IllegalArgumentException("Training.Options: need numEpochs >= 0, evalFreq >= 1, evalIter >= 1; got "
                        + numEpochs + ", " + evalFreq + ", " + evalIter);
            if (listener == null) listener = new Listener() { };
        }

        /**
         * The book's printing: evaluation lines to {@code out} (may be null), {@code afterEpoch} after each
         * epoch (may be null).
         *
         * @param numEpochs the number of passes over the training data
         * @param evalFreq evaluate every this many steps
         * @param evalIter the number of batches per evaluation
         * @param out where to print the evaluation lines, or null
         * @param afterEpoch called with the epoch (from 0) after each epoch, or null
         */
        public Options(int numEpochs, int evalFreq, int evalIter, PrintStream out, Consumer<Integer> afterEpoch) {
            this(numEpochs, evalFreq, evalIter, Listener.printing(out, afterEpoch));
        }
    }

    /**
     * {@code calc_loss_batch}: cross entropy of {@code model(input)} against the targets, batch and sequence
     * flattened.
     *
     * @param inputBatch the token ids, shape {@code (b, T)}
     * @param targetBatch the target ids, shape {@code (b, T)}
     * @param model the language model
     * @return the mean loss, a scalar with a graph
     */
    public static Tensor calcLossBatch(Tensor inputBatch, Tensor targetBatch, Module model) {
        Tensor logits = model.forward(inputBatch); // (b, T, vocab)
        return Functional.crossEntropy(logits.flatten(0, 1), targetBatch.flatten()); // (b*T, vocab) vs (b*T)
    }

    /**
     * {@code calc_loss_loader(data_loader, model, num_batches=None)}: mean batch loss over all batches.
     *
     * @param loader the batches of inputs and targets
     * @param model the language model
     * @return the mean loss
     */
    public static double calcLossLoader(DataLoader<?, Tensor[]> loader, Module model) {
        return calcLossLoader(loader, model, -1);
    }

    /**
     * {@code calc_loss_loader} over the first {@code numBatches} batches (all when negative);
     * NaN for an empty loader, as in the book.
     *
     * @param loader the batches of inputs and targets
     * @param model the language model
     * @param numBatches how many batches to use; negative for all
     * @return the mean loss
     */
    public static double calcLossLoader(DataLoader<?, Tensor[]> loader, Module model, int numBatches) {
        if (loader.size() == 0) return Double.NaN;
        int n = numBatches < 0 ? loader.size() : Math.min(numBatches, loader.size());
        double total = 0;
        int i = 0;
        for (Tensor[] batch : loader) {
            if (i >= n) break;
            total += calcLossBatch(batch[0], batch[1], model).item();
            i++;
        }
        return total / n;
    }

    /**
     * {@code evaluate_model}: train and validation loss over {@code evalIter} batches each, in eval mode
     * without a graph.
     *
     * @param model the language model; back in train mode afterwards
     * @param trainLoader the training batches
     * @param valLoader the validation batches
     * @param evalIter how many batches of each loader to use
     * @return {@code {trainLoss, valLoss}}
     */
    public static double[] evaluateModel(Module model, DataLoader<?, Tensor[]> trainLoader, DataLoader<?, Tensor[]> valLoader, int evalIter) {
        model.eval();
        double train, val;
        try (var g = GradMode.noGrad()) {
            train = calcLossLoader(trainLoader, model, evalIter);
            val = calcLossLoader(valLoader, model, evalIter);
        }
        model.train();
        return new double[] {train, val};
    }

    static void checkFinite(Tensor loss, int epoch, long step) {
        float v = loss.item();
        if (Float.isNaN(v) || Float.isInfinite(v))
            throw new IllegalStateException("training stopped: the loss is " + v + " at epoch " + (epoch + 1) + ", step " + step
                    + " (try a lower learning rate, gradient clipping, or check the data)");
    }

    /**
     * One optimizer step on a batch: zero the gradients, the loss, backward, (clip,) step. The
     * step's graph is unreachable once this returns (backward releases each node as it runs, and
     * the loss does not outlive the step either: when backward kept the graph, a {@code loss}
     * still referenced from the training loop kept every activation of the step alive through
     * the evaluation that follows it).
     *
     * @return the batch's loss
     */
    private static float trainStep(Module model, Tensor[] batch, Optimizer optimizer, int epoch, long step, boolean clip) {
        optimizer.zeroGrad();
        Tensor loss = calcLossBatch(batch[0], batch[1], model);
        checkFinite(loss, epoch, step);
        loss.backward();
        if (clip) GradClip.clipGradNorm(model.parameters(), 1.0);
        optimizer.step();
        return loss.item();
    }

    /**
     * {@code train_model_simple}: for each epoch and batch, zero the gradients, compute the loss,
     * back-propagate and step; every {@code evalFreq} global steps (from step 0) evaluate and
     * print {@code Ep 1 (Step 000000): Train loss 9.781, Val loss 9.933}; after each epoch call
     * {@code afterEpoch} (the book prints a greedy sample there).
     *
     * @param model the language model
     * @param trainLoader the training batches
     * @param valLoader the validation batches
     * @param optimizer the optimizer
     * @param o the epochs, evaluation settings and callbacks
     * @return the losses at each evaluation and the tokens seen then
     * @throws IllegalStateException when the loss becomes NaN or infinite
     */
    public static History trainModelSimple(Module model, DataLoader<?, Tensor[]> trainLoader, DataLoader<?, Tensor[]> valLoader,
                                           Optimizer optimizer, Options o) {
        List<Double> trainLosses = new ArrayList<>(), valLosses = new ArrayList<>();
        List<Long> tokens = new ArrayList<>();
        long tokensSeen = 0, globalStep = -1;
        for (int epoch = 0; epoch < o.numEpochs(); epoch++) {
            model.train();
            for (Tensor[] batch : trainLoader) {
                float loss = trainStep(model, batch, optimizer, epoch, globalStep + 1, false);
                tokensSeen += batch[0].numel();
                globalStep++;
                o.listener().onBatch(epoch, globalStep, loss, tokensSeen);
                if (globalStep % o.evalFreq() == 0) {
                    double[] l = evaluateModel(model, trainLoader, valLoader, o.evalIter());
                    trainLosses.add(l[0]);
                    valLosses.add(l[1]);
                    tokens.add(tokensSeen);
                    o.listener().onEval(epoch, globalStep, l[0], l[1], tokensSeen, "Step");
                }
            }
            o.listener().onEpochEnd(epoch);
        }
        return new History(trainLosses, valLosses, tokens, List.of());
    }

    /**
     * Appendix D's {@code train_model}: the learning rate rises linearly from {@code initialLr} to
     * the optimizer's (peak) rate over {@code warmupSteps}, then follows a cosine down to
     * {@code minLr}; gradients are clipped to norm 1.0 from step {@code warmupSteps} on.
     *
     * @param model the language model
     * @param trainLoader the training batches
     * @param valLoader the validation batches
     * @param optimizer the optimizer; its learning rate is the peak rate, and it is changed every step
     * @param o the epochs, evaluation settings and callbacks
     * @param warmupSteps the number of warm-up steps
     * @param initialLr the learning rate of the first step
     * @param minLr the learning rate at the end of the cosine
     * @return the losses, tokens seen and the learning rate of every step
     * @throws IllegalStateException when the loss becomes NaN or infinite
     */
    public static History trainModel(Module model, DataLoader<?, Tensor[]> trainLoader, DataLoader<?, Tensor[]> valLoader,
                                     Optimizer optimizer, Options o, int warmupSteps, double initialLr, double minLr) {
        List<Double> trainLosses = new ArrayList<>(), valLosses = new ArrayList<>(), lrs = new ArrayList<>();
        List<Long> tokens = new ArrayList<>();
        long tokensSeen = 0, globalStep = -1;
        double peakLr = optimizer.lr();
        long totalSteps = (long) trainLoader.size() * o.numEpochs();
        double lrIncrement = (peakLr - initialLr) / warmupSteps;
        for (int epoch = 0; epoch < o.numEpochs(); epoch++) {
            model.train();
            for (Tensor[] batch : trainLoader) {
                globalStep++;
                double lr = learningRate(globalStep, warmupSteps, totalSteps, initialLr, peakLr, minLr, lrIncrement);
                optimizer.setLr(lr);
                lrs.add(lr);
                float loss = trainStep(model, batch, optimizer, epoch, globalStep, globalStep >= warmupSteps);
                tokensSeen += batch[0].numel();
                o.listener().onBatch(epoch, globalStep, loss, tokensSeen);
                if (globalStep % o.evalFreq() == 0) {
                    double[] l = evaluateModel(model, trainLoader, valLoader, o.evalIter());
                    trainLosses.add(l[0]);
                    valLosses.add(l[1]);
                    tokens.add(tokensSeen);
                    o.listener().onEval(epoch, globalStep, l[0], l[1], tokensSeen, "Iter");
                }
            }
            o.listener().onEpochEnd(epoch);
        }
        return new History(trainLosses, valLosses, tokens, lrs);
    }

    /**
     * Appendix D's schedule: linear warm-up, then cosine decay from the peak to {@code minLr}
     * (public for trainers outside this package, such as the Spark module's data-parallel loop).
     *
     * @param step the global step, from 0
     * @param warmupSteps the number of warm-up steps
     * @param totalSteps the number of steps of the whole run
     * @param initialLr the learning rate of the first step
     * @param peakLr the learning rate at the end of the warm-up
     * @param minLr the learning rate at the end of the cosine
     * @param increment {@code (peakLr - initialLr) / warmupSteps}
     * @return the learning rate of {@code step}
     */
    public static double learningRate(long step, int warmupSteps, long totalSteps, double initialLr, double peakLr, double minLr, double increment) {
        if (step < warmupSteps) return initialLr + step * increment;
        double progress = (double) (step - warmupSteps) / (totalSteps - warmupSteps);
        return minLr + (peakLr - minLr) * 0.5 * (1 + Math.cos(Math.PI * progress));
    }
}
