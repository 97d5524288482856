/*
 * Classification: chapter 6's model surgery and training functions for classification
 * fine-tuning (sections 6.5-6.8): turn a GPTModel into a classifier (freeze it, a new
 * Linear(emb_dim, num_classes) head created after manual_seed(123), unfreeze the last transformer
 * block and the final LayerNorm), the loss and accuracy on the last token's logits
 * (calc_loss_batch, calc_loss_loader, calc_accuracy_loader, evaluate_model),
 * train_classifier_simple (losses, accuracies, examples seen) and classify_review.
 * Exercises 6.2 (train every layer) and 6.3 (use the first token instead of the last) are options.
 *
 * It does not load data (SpamData, SpamDataset) or pretrained weights.
 */
package dev.scratchllm.finetune;

import dev.scratchllm.ScratchLLM;
import dev.scratchllm.autograd.GradMode;
import dev.scratchllm.data.DataLoader;
import dev.scratchllm.gpt.GPTModel;
import dev.scratchllm.nn.Functional;
import dev.scratchllm.nn.Linear;
import dev.scratchllm.nn.Module;
import dev.scratchllm.optim.Optimizer;
import dev.scratchllm.tensor.Tensor;
import dev.scratchllm.tokenizer.GPT2Tokenizer;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Classification fine-tuning, chapter 6. The model is any module whose {@code forward(ids (b, T))}
 * returns {@code (b, T, num_classes)} logits; the prediction is made from one position's logits,
 * the last ({@link #LAST_TOKEN}, the book) or the first ({@link #FIRST_TOKEN}, exercise 6.3).
 *
 * <pre>{@code
 * Classification.prepareForClassification(model, 2, 123, false); // section 6.5
 * manualSeed(123);
 * double acc = Classification.calcAccuracyLoader(trainLoader, model, 10);
 * var h = Classification.trainClassifierSimple(model, trainLoader, valLoader, optimizer, 5, 50, 5);
 * String label = Classification.classifyReview("You are a winner ...", model, tokenizer, 120);
 * }</pre>
 */
public final class Classification {
    /** Position {@code -1}: the last token's logits, {@code model(x)[:, -1, :]} (the book). */
    public static final int LAST_TOKEN = -1;
    /** Position {@code 0}: the first token's logits (exercise 6.3). */
    public static final int FIRST_TOKEN = 0;

    private Classification() {
    }

    // ------------------------------------------------------------------ section 6.5: model surgery

    /**
     * Section 6.5 in one call: freeze every parameter; {@code manualSeed(seed)}; replace the
     * output layer with a new, trainable {@code Linear(emb_dim, numClasses)} (with bias); make
     * the last transformer block and the final LayerNorm trainable again. With
     * {@code trainAllLayers} (exercise 6.2) nothing stays frozen.
     *
     * @param model the pretrained model; changed in place
     * @param numClasses the number of classes, at least 2
     * @param seed the seed set before the head is created
     * @param trainAllLayers whether to make every parameter trainable (exercise 6.2)
     * @return the new head
     * @throws IllegalArgumentException if {@code numClasses} is less than 2
     */
    public static Linear prepareForClassification(GPTModel model, int numClasses, long seed, boolean trainAllLayers) {
        if (numClasses < 2) throw new IllegalArgumentException("prepareForClassification: need at least 2 classes, got " + numClasses);
        model.requiresGrad(false);                       // for param in model.parameters(): param.requires_grad = False
        ScratchLLM.manualSeed(seed);                     // torch.manual_seed(123)
        Linear head = new Linear(model.config().embDim(), numClasses);
        model.setOutHead(head);                          // model.out_head = torch.nn.Linear(768, 2)
        if (model.config().nLayers() > 0) model.trfBlock(-1).requiresGrad(true); // model.trf_blocks[-1]
        model.finalNorm().requiresGrad(true);            // model.final_norm
        if (trainAllLayers) model.requiresGrad(true);
        return head;
    }

    // ------------------------------------------------------------------ section 6.6: loss and accuracy

    /** The logits at {@code tokenIndex} ({@code -1}: last) of {@code model(inputBatch)}: {@code (b, num_classes)}. */
    static Tensor logitsAt(Module model, Tensor inputBatch, int tokenIndex) {
        Tensor logits = model.forward(inputBatch); // (b, T, num_classes)
        int t = logits.size(1);
        int i = tokenIndex < 0 ? t + tokenIndex : tokenIndex;
        if (i < 0 || i >= t) throw new IllegalArgumentException("classification: token index " + tokenIndex + " is out of range for " + t + " tokens");
        return logits.select(1, i); // (b, num_classes)
    }

    /**
     * {@code calc_loss_batch}: cross entropy of the last token's logits against the labels {@code (b)}.
     *
     * @param inputBatch the token ids, shape {@code (b, T)}
     * @param targetBatch the class labels, int64, shape {@code (b)}
     * @param model the classifier
     * @return the mean loss, a scalar with a graph
     */
    public static Tensor calcLossBatch(Tensor inputBatch, Tensor targetBatch, Module model) {
        return calcLossBatch(inputBatch, targetBatch, model, LAST_TOKEN);
    }

    /**
     * {@link #calcLossBatch(Tensor, Tensor, Module)} on the logits at {@code tokenIndex} (exercise 6.3:
     * {@link #FIRST_TOKEN}).
     *
     * @param inputBatch the token ids, shape {@code (b, T)}
     * @param targetBatch the class labels, int64, shape {@code (b)}
     * @param model the classifier
     * @param tokenIndex the position whose logits are used; negative counts from the end
     * @return the mean loss, a scalar with a graph
     */
    public static Tensor calcLossBatch(Tensor inputBatch, Tensor targetBatch, Module model, int tokenIndex) {
        Tensor logits = logitsAt(model, inputBatch, tokenIndex); // (b, num_classes)
        return Functional.crossEntropy(logits, targetBatch);      // scalar
    }

    /**
     * {@code calc_loss_loader(data_loader, model)}: the mean batch loss over the whole loader (NaN if empty).
     *
     * @param loader the batches of token ids and labels
     * @param model the classifier
     * @return the mean loss
     */
    public static double calcLossLoader(DataLoader<?, Tensor[]> loader, Module model) {
        return calcLossLoader(loader, model, -1, LAST_TOKEN);
    }

    /**
     * {@code calc_loss_loader(data_loader, model, num_batches)}: over the first {@code numBatches} batches
     * (all when negative).
     *
     * @param loader the batches of token ids and labels
     * @param model the classifier
     * @param numBatches how many batches to use; negative for all
     * @return the mean loss
     */
    public static double calcLossLoader(DataLoader<?, Tensor[]> loader, Module model, int numBatches) {
        return calcLossLoader(loader, model, numBatches, LAST_TOKEN);
    }

    /**
     * {@link #calcLossLoader(DataLoader, Module, int)} on the logits at {@code tokenIndex}.
     *
     * @param loader the batches of token ids and labels
     * @param model the classifier
     * @param numBatches how many batches to use; negative for all
     * @param tokenIndex the position whose logits are used; negative counts from the end
     * @return the mean loss (NaN if the loader is empty or {@code numBatches} is 0)
     */
    public static double calcLossLoader(DataLoader<?, Tensor[]> loader, Module model, int numBatches, int tokenIndex) {
        if (loader.size() == 0) return Double.NaN;
        int n = numBatches < 0 ? loader.size() : Math.min(numBatches, loader.size());
        double total = 0;
        int i = 0;
        for (Tensor[] batch : loader) {
            if (i >= n) break;
            total += calcLossBatch(batch[0], batch[1], model, tokenIndex).item();
            i++;
        }
        return total / n;
    }

    /**
     * {@code calc_accuracy_loader(data_loader, model)} over every batch.
     *
     * @param loader the batches of token ids and labels
     * @param model the classifier; left in eval mode
     * @return the fraction of correct predictions
     */
    public static double calcAccuracyLoader(DataLoader<?, Tensor[]> loader, Module model) {
        return calcAccuracyLoader(loader, model, -1, LAST_TOKEN);
    }

    /**
     * {@code calc_accuracy_loader(data_loader, model, num_batches)}: puts the model in eval mode
     * (and leaves it there, as the book does), predicts {@code argmax} of the last token's logits
     * without a graph, and returns the fraction of correct predictions over the first
     * {@code numBatches} batches (all when negative). A shuffled loader draws from the default
     * generator as PyTorch does, so seed first to get the book's batches.
     *
     * @param loader the batches of token ids and labels
     * @param model the classifier; left in eval mode
     * @param numBatches how many batches to use; negative for all
     * @return the fraction of correct predictions
     */
    public static double calcAccuracyLoader(DataLoader<?, Tensor[]> loader, Module model, int numBatches) {
        return calcAccuracyLoader(loader, model, numBatches, LAST_TOKEN);
    }

    /**
     * {@link #calcAccuracyLoader(DataLoader, Module, int)} on the logits at {@code tokenIndex}.
     *
     * @param loader the batches of token ids and labels
     * @param model the classifier; left in eval mode
     * @param numBatches how many batches to use; negative for all
     * @param tokenIndex the position whose logits are used; negative counts from the end
     * @return the fraction of correct predictions
     */
    public static double calcAccuracyLoader(DataLoader<?, Tensor[]> loader, Module model, int numBatches, int tokenIndex) {
        model.eval();
        long correct = 0, examples = 0;
        int n = numBatches < 0 ? loader.size() : Math.min(numBatches, loader.size());
        int i = 0;
        for (Tensor[] batch : loader) {
            if (i >= n) break;
            Tensor logits;
            try (var g = GradMode.noGrad()) {
                logits = logitsAt(model, batch[0], tokenIndex); // (b, num_classes)
            }
            long[] predicted = logits.argmax(-1).toLongArray();
            long[] target = batch[1].toLongArray();
            examples += predicted.length;
            for (int k = 0; k < predicted.length; k++) if (predicted[k] == target[k]) correct++;
            i++;
        }
        return (double) correct / examples;
    }

    /**
     * {@code evaluate_model}: train and validation loss over {@code evalIter} batches, in eval mode without
     * a graph; back to train mode after.
     *
     * @param model the classifier
     * @param trainLoader the training batches
     * @param valLoader the validation batches
     * @param evalIter how many batches of each loader to use
     * @param tokenIndex the position whose logits are used; negative counts from the end
     * @return {@code {trainLoss, valLoss}}
     */
    public static double[] evaluateModel(Module model, DataLoader<?, Tensor[]> trainLoader, DataLoader<?, Tensor[]> valLoader, int evalIter, int tokenIndex) {
        model.eval();
        double train, val;
        try (var g = GradMode.noGrad()) {
            train = calcLossLoader(trainLoader, model, evalIter, tokenIndex);
            val = calcLossLoader(valLoader, model, evalIter, tokenIndex);
        }
        model.train();
        return new double[] {train, val};
    }

    // ------------------------------------------------------------------ section 6.7: training

    /**
     * What {@link #trainClassifierSimple} returns: the book's
     * {@code (train_losses, val_losses, train_accs, val_accs, examples_seen)}.
     *
     * @param trainLosses the training loss at each evaluation
     * @param valLosses the validation loss at each evaluation
     * @param trainAccs the training accuracy after each epoch
     * @param valAccs the validation accuracy after each epoch
     * @param examplesSeen the number of training examples seen in all
     * @param examplesSeenAtEval the number of examples seen at each evaluation
     */
    public record History(List<Double> trainLosses, List<Double> valLosses, List<Double> trainAccs, List<Double> valAccs,
                          long examplesSeen, List<Long> examplesSeenAtEval) {
    }

    /** Callbacks of a classifier training run (all optional). */
    public interface Listener {
        /**
         * After each optimizer step: the batch loss, the global step (from 0) and the examples seen so far.
         *
         * @param epoch the epoch, from 0
         * @param step the global step, from 0
         * @param loss the batch loss
         * @param examplesSeen the training examples seen so far
         */
        default void onBatch(int epoch, long step, double loss, long examplesSeen) {
        }

        /**
         * After each evaluation (every {@code evalFreq} steps).
         *
         * @param epoch the epoch, from 0
         * @param step the global step, from 0
         * @param trainLoss the training loss
         * @param valLoss the validation loss
         * @param examplesSeen the training examples seen so far
         */
        default void onEval(int epoch, long step, double trainLoss, double valLoss, long examplesSeen) {
        }

        /**
         * At the end of each epoch, with the accuracies over {@code evalIter} batches.
         *
         * @param epoch the epoch, from 0
         * @param trainAccuracy the training accuracy, between 0 and 1
         * @param valAccuracy the validation accuracy, between 0 and 1
         */
        default void onEpochEnd(int epoch, double trainAccuracy, double valAccuracy) {
        }

        /**
         * The book's printing: {@code Ep 1 (Step 000000): Train loss 2.153, Val loss 2.392} and
         * {@code Training accuracy: 70.00% | Validation accuracy: 72.50%}.
         *
         * @param out where to print
         * @return a listener that prints evaluations and accuracies
         */
        static Listener printing(PrintStream out) {
            return new Listener() {
                @Override
                public void onEval(int epoch, long step, double trainLoss, double valLoss, long examplesSeen) {
                    out.printf(Locale.ROOT, "Ep %d (Step %06d): Train loss %.3f, Val loss %.3f%n", epoch + 1, step, trainLoss, valLoss);
                }

                @Override
                public void onEpochEnd(int epoch, double trainAccuracy, double valAccuracy) {
                    out.printf(Locale.ROOT, "Training accuracy: %.2f%% | Validation accuracy: %.2f%%%n", trainAccuracy * 100, valAccuracy * 100);
                }
            };
        }
    }

    /**
     * Options of {@link #trainClassifierSimple}: the book's arguments plus the token position and callbacks.
     *
     * @param numEpochs the number of passes over the training data, at least 0
     * @param evalFreq evaluate every this many steps, at least 1
     * @param evalIter the number of batches per evaluation, at least 1
     * @param tokenIndex the position whose logits are used; negative counts from the end
     * @param listener the callbacks, or null for none
     */
    public record Options(int numEpochs, int evalFreq, int evalIter, int tokenIndex, Listener listener) {
        /**
         * Checks the counts; a null listener becomes one that does nothing.
         *
         * @throws IllegalArgumentException if a count is out of range
         */
        public Options {
            if (numEpochs < 0 || evalFreq < 1 || evalIter < 1)
                throw new IllegalArgumentException("Classification.Options: need numEpochs >= 0, evalFreq >= 1, evalIter >= 1; got "
                        + numEpochs + ", " + evalFreq + ", " + evalIter);
            if (listener == null) listener = new Listener() { };
        }

        /**
         * The book's arguments, last token, no callbacks.
         *
         * @param numEpochs the number of passes over the training data
         * @param evalFreq evaluate every this many steps
         * @param evalIter the number of batches per evaluation
         */
        public Options(int numEpochs, int evalFreq, int evalIter) {
            this(numEpochs, evalFreq, evalIter, LAST_TOKEN, null);
        }
    }

    /**
     * {@code train_classifier_simple(model, train_loader, val_loader, optimizer, device, num_epochs, eval_freq, eval_iter)},
     * silent.
     *
     * @param model the classifier
     * @param trainLoader the training batches
     * @param valLoader the validation batches
     * @param optimizer the optimizer over the trainable parameters
     * @param numEpochs the number of passes over the training data
     * @param evalFreq evaluate every this many steps
     * @param evalIter the number of batches per evaluation
     * @return the losses, accuracies and example counts
     */
    public static History trainClassifierSimple(Module model, DataLoader<?, Tensor[]> trainLoader, DataLoader<?, Tensor[]> valLoader,
                                                Optimizer optimizer, int numEpochs, int evalFreq, int evalIter) {
        return trainClassifierSimple(model, trainLoader, valLoader, optimizer, new Options(numEpochs, evalFreq, evalIter));
    }

    /**
     * The book's {@code train_classifier_simple} (listing 6.10): like chapter 5's
     * {@code train_model_simple}, but it counts examples instead of tokens and, after each
     * epoch, measures training and validation accuracy over {@code evalIter} batches instead of
     * printing a sample. Evaluations happen every {@code evalFreq} global steps starting at step 0.
     *
     * @param model the classifier
     * @param trainLoader the training batches
     * @param valLoader the validation batches
     * @param optimizer the optimizer over the trainable parameters
     * @param o the epochs, evaluation settings, token position and callbacks
     * @return the losses, accuracies and example counts
     * @throws IllegalStateException when the loss becomes NaN or infinite
     */
    public static History trainClassifierSimple(Module model, DataLoader<?, Tensor[]> trainLoader, DataLoader<?, Tensor[]> valLoader,
                                                Optimizer optimizer, Options o) {
        List<Double> trainLosses = new ArrayList<>(), valLosses = new ArrayList<>(), trainAccs = new ArrayList<>(), valAccs = new ArrayList<>();
        List<Long> seenAtEval = new ArrayList<>();
        long examplesSeen = 0, globalStep = -1;
        for (int epoch = 0; epoch < o.numEpochs(); epoch++) {
            model.train();
            for (Tensor[] batch : trainLoader) {
                optimizer.zeroGrad();
                Tensor loss = calcLossBatch(batch[0], batch[1], model, o.tokenIndex());
                float v = loss.item();
                if (Float.isNaN(v) || Float.isInfinite(v))
                    throw new IllegalStateException("training stopped: the loss is " + v + " at epoch " + (epoch + 1) + ", step " + (globalStep + 1)
                            + " (try a lower learning rate, or check the data)");
                loss.backward();
                optimizer.step();
                examplesSeen += batch[0].size(0); // new: track examples instead of tokens
                globalStep++;
                o.listener().onBatch(epoch, globalStep, v, examplesSeen);
                if (globalStep % o.evalFreq() == 0) {
                    double[] l = evaluateModel(model, trainLoader, valLoader, o.evalIter(), o.tokenIndex());
                    trainLosses.add(l[0]);
                    valLosses.add(l[1]);
                    seenAtEval.add(examplesSeen);
                    o.listener().onEval(epoch, globalStep, l[0], l[1], examplesSeen);
                }
            }
            double trainAccuracy = calcAccuracyLoader(trainLoader, model, o.evalIter(), o.tokenIndex());
            double valAccuracy = calcAccuracyLoader(valLoader, model, o.evalIter(), o.tokenIndex());
            trainAccs.add(trainAccuracy);
            valAccs.add(valAccuracy);
            o.listener().onEpochEnd(epoch, trainAccuracy, valAccuracy);
        }
        return new History(trainLosses, valLosses, trainAccs, valAccs, examplesSeen, seenAtEval);
    }

    /**
     * {@code torch.linspace(0, end, n)} as doubles, for the plots' x axes ({@code epochs_seen},
     * {@code examples_seen}).
     *
     * @param end the last value
     * @param n the number of values
     * @return {@code n} evenly spaced values from 0 to {@code end} ({@code [0.0]} when {@code n} is 1)
     */
    public static List<Double> linspace(double end, int n) {
        List<Double> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) out.add(n == 1 ? 0.0 : end * i / (n - 1));
        return out;
    }

    // ------------------------------------------------------------------ section 6.8: using the classifier

    /**
     * {@code classify_review(text, model, tokenizer, device, max_length)} with the book's pad id 50256 and
     * labels "spam"/"not spam".
     *
     * @param text the text to classify
     * @param model the fine-tuned classifier; set to eval mode
     * @param tokenizer the GPT-2 tokenizer
     * @param maxLength the padded length the classifier was trained with
     * @return {@code "spam"} or {@code "not spam"}
     */
    public static String classifyReview(String text, GPTModel model, GPT2Tokenizer tokenizer, int maxLength) {
        return classifyReview(text, model, tokenizer, maxLength, SpamDataset.PAD_TOKEN_ID) == 1 ? "spam" : "not spam";
    }

    /**
     * The predicted class of one text: encode, truncate to {@code min(maxLength, context_length)},
     * pad to {@code maxLength} with {@code padTokenId} (as the training data was), and take
     * {@code argmax} of the last token's logits in eval mode without a graph. (The book's code
     * reads the context length as {@code model.pos_emb.weight.shape[1]}, the embedding size,
     * which only works because 768 > 120; this uses the real context length.)
     *
     * @param text the text to classify
     * @param model the fine-tuned classifier; set to eval mode
     * @param tokenizer the GPT-2 tokenizer
     * @param maxLength the padded length the classifier was trained with, at least 1
     * @param padTokenId the padding id
     * @return the class index
     */
    public static int classifyReview(String text, GPTModel model, GPT2Tokenizer tokenizer, int maxLength, int padTokenId) {
        return classifyReview(text, model, tokenizer, maxLength, padTokenId, LAST_TOKEN);
    }

    /**
     * {@link #classifyReview(String, GPTModel, GPT2Tokenizer, int, int)} reading the logits at
     * {@code tokenIndex} (exercise 6.3: {@link #FIRST_TOKEN}).
     *
     * @param text the text to classify
     * @param model the fine-tuned classifier; set to eval mode
     * @param tokenizer the GPT-2 tokenizer
     * @param maxLength the padded length the classifier was trained with, at least 1
     * @param padTokenId the padding id
     * @param tokenIndex the position whose logits are used; negative counts from the end
     * @return the class index
     * @throws IllegalArgumentException if {@code maxLength} is not positive
     */
    public static int classifyReview(String text, GPTModel model, GPT2Tokenizer tokenizer, int maxLength, int padTokenId, int tokenIndex) {
        if (maxLength < 1) throw new IllegalArgumentException("classifyReview: max_length must be positive, got " + maxLength);
        model.eval();
        int[] ids = tokenizer.encode(text);
        int supported = model.config().contextLength();
        int keep = Math.min(ids.length, Math.min(maxLength, supported)); // truncate sequences that are too long
        int len = Math.max(keep, Math.min(maxLength, supported));
        long[] padded = new long[len];
        for (int i = 0; i < len; i++) padded[i] = i < keep ? ids[i] : padTokenId; // pad to the longest sequence
        Tensor input = Tensor.ofLongs(padded, 1, len); // add the batch dimension
        Tensor logits;
        try (var g = GradMode.noGrad()) {
            logits = logitsAt(model, input, tokenIndex); // (1, num_classes)
        }
        return (int) logits.argmax(-1).toLongArray()[0];
    }

    /** The labels of {@link #classifyReview(String, GPTModel, GPT2Tokenizer, int)}, by class index. */
    public static final List<String> SPAM_LABELS = List.of("not spam", "spam");
}
