/*
 * DPO: Direct Preference Optimization as the book repository's bonus notebook
 * (ch07/04_preference-tuning-with-dpo, dpo-from-scratch.ipynb) writes it — per-sequence mean
 * log-probabilities over the selected tokens, the DPO loss with its chosen and rejected rewards
 * (log-ratios against a frozen reference model; the notebook does not scale them by beta), the
 * batch and loader versions, the evaluation and the training loop that prints the notebook's
 * lines. It does not implement the other preference losses (IPO, KTO, ...).
 */
package dev.scratchllm.finetune;

import dev.scratchllm.autograd.GradMode;
import dev.scratchllm.data.DataLoader;
import dev.scratchllm.nn.Functional;
import dev.scratchllm.nn.Module;
import dev.scratchllm.optim.Optimizer;
import dev.scratchllm.tensor.Tensor;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.IntConsumer;

/** The DPO loss, its evaluation and the training loop. */
public final class DPO {
    private DPO() {
    }

    /**
     * What {@code compute_dpo_loss} returns.
     *
     * @param loss the mean DPO loss, a scalar with a graph
     * @param chosenRewards the mean of policy minus reference log-probability of the chosen responses (no graph)
     * @param rejectedRewards the same for the rejected responses (no graph)
     */
    public record Loss(Tensor loss, Tensor chosenRewards, Tensor rejectedRewards) {
    }

    /**
     * The averages of {@code compute_dpo_loss_loader}.
     *
     * @param loss the mean loss
     * @param chosenRewards the mean chosen reward
     * @param rejectedRewards the mean rejected reward
     */
    public record LoaderLoss(double loss, double chosenRewards, double rejectedRewards) {
        /** {@return the reward margin, chosen minus rejected} */
        public double margin() {
            return chosenRewards - rejectedRewards;
        }
    }

    /**
     * What {@code train_model_dpo_simple} tracks, one element per evaluation.
     *
     * @param trainLosses the training losses
     * @param trainChosenRewards the training chosen rewards
     * @param trainRejectedRewards the training rejected rewards
     * @param valLosses the validation losses
     * @param valChosenRewards the validation chosen rewards
     * @param valRejectedRewards the validation rejected rewards
     * @param tokensSeen the chosen tokens seen at each evaluation
     */
    public record Tracking(List<Double> trainLosses, List<Double> trainChosenRewards, List<Double> trainRejectedRewards,
                           List<Double> valLosses, List<Double> valChosenRewards, List<Double> valRejectedRewards, List<Long> tokensSeen) {
        /** {@return the training reward margins} */
        public List<Double> trainMargins() {
            return margins(trainChosenRewards, trainRejectedRewards);
        }

        /** {@return the validation reward margins} */
        public List<Double> valMargins() {
            return margins(valChosenRewards, valRejectedRewards);
        }

        private static List<Double> margins(List<Double> a, List<Double> b) {
            List<Double> out = new ArrayList<>(a.size());
            for (int i = 0; i < a.size(); i++) out.add(a.get(i) - b.get(i));
            return out;
        }
    }

    /**
     * {@code compute_dpo_loss}: {@code -logsigmoid(beta * ((πc - πr) - (refc - refr)))}, averaged
     * over the batch (DPO paper, eq. 7).
     *
     * @param policyChosenLogprobs the policy's log-probabilities of the chosen responses, {@code (b)}
     * @param policyRejectedLogprobs the policy's of the rejected responses, {@code (b)}
     * @param referenceChosenLogprobs the reference model's of the chosen responses, {@code (b)}
     * @param referenceRejectedLogprobs the reference model's of the rejected responses, {@code (b)}
     * @param beta how strongly the loss pulls away from the reference (the book: 0.1 to 0.5)
     * @return the loss and the two rewards
     * @throws IllegalArgumentException if the shapes differ or {@code beta} is not positive and finite
     */
    public static Loss computeDpoLoss(Tensor policyChosenLogprobs, Tensor policyRejectedLogprobs, Tensor referenceChosenLogprobs,
                                      Tensor referenceRejectedLogprobs, double beta) {
        if (!(beta > 0) || Double.isInfinite(beta)) throw new IllegalArgumentException("compute_dpo_loss: beta must be positive and finite, got " + beta);
        int[] s = policyChosenLogprobs.shape();
        for (Tensor t : new Tensor[] {policyRejectedLogprobs, referenceChosenLogprobs, referenceRejectedLogprobs})
            if (!java.util.Arrays.equals(s, t.shape()))
                throw new IllegalArgumentException("compute_dpo_loss: log-probabilities of shapes " + java.util.Arrays.toString(s) + " and "
                        + java.util.Arrays.toString(t.shape()) + " differ");
        Tensor modelLogratios = policyChosenLogprobs.sub(policyRejectedLogprobs);
        Tensor referenceLogratios = referenceChosenLogprobs.sub(referenceRejectedLogprobs);
        Tensor logits = modelLogratios.sub(referenceLogratios);
        Tensor losses = Functional.logSigmoid(logits.mul((float) beta)).neg();
        Tensor chosenRewards = policyChosenLogprobs.sub(referenceChosenLogprobs).detach();
        Tensor rejectedRewards = policyRejectedLogprobs.sub(referenceRejectedLogprobs).detach();
        return new Loss(losses.mean(), chosenRewards.mean(), rejectedRewards.mean());
    }

    /**
     * {@code compute_logprobs}: the log-probability of each next token (labels are the inputs
     * shifted by one), averaged per sequence over the selected positions, or over all of them
     * when {@code selectionMask} is null.
     *
     * @param logits the model's output, {@code (b, T, vocab)}
     * @param labels the input ids, int64 {@code (b, T)}
     * @param selectionMask which tokens count, bool {@code (b, T)}, or null
     * @return the mean log-probabilities, {@code (b)}
     * @throws IllegalArgumentException if the shapes do not fit
     */
    public static Tensor computeLogprobs(Tensor logits, Tensor labels, Tensor selectionMask) {
        int[] ls = logits.shape(), ys = labels.shape();
        if (ls.length != 3 || ys.length != 2 || ls[0] != ys[0] || ls[1] != ys[1] || ls[1] < 2)
            throw new IllegalArgumentException("compute_logprobs: logits " + java.util.Arrays.toString(ls) + " and labels " + java.util.Arrays.toString(ys)
                    + " do not fit: expected (b, T, vocab) and (b, T) with T >= 2");
        if (selectionMask != null && !java.util.Arrays.equals(selectionMask.shape(), ys))
            throw new IllegalArgumentException("compute_logprobs: selection mask " + java.util.Arrays.toString(selectionMask.shape())
                    + " and labels " + java.util.Arrays.toString(ys) + " differ in shape");
        int t = ls[1];
        Tensor shifted = labels.slice(1, 1, t).contiguous();                 // (b, T-1)
        Tensor logProbs = logits.slice(1, 0, t - 1).logSoftmax(-1);          // (b, T-1, vocab)
        Tensor selected = logProbs.gather(-1, shifted.unsqueeze(-1)).squeeze(-1); // (b, T-1)
        if (selectionMask == null) return selected.mean(-1);
        Tensor mask = selectionMask.slice(1, 1, t).toFloat();                // (b, T-1)
        return selected.mul(mask).sum(-1).div(mask.sum(-1));
    }

    /**
     * {@code compute_dpo_loss_batch}: the policy's log-probabilities with a graph, the reference
     * model's without, and the DPO loss.
     *
     * @param batch the padded batch
     * @param policyModel the model being tuned
     * @param referenceModel the frozen model
     * @param beta the DPO beta
     * @return the loss and rewards
     */
    public static Loss computeDpoLossBatch(PreferenceCollate.PreferenceBatch batch, Module policyModel, Module referenceModel, double beta) {
        Tensor policyChosen = computeLogprobs(policyModel.forward(batch.chosen()), batch.chosen(), batch.chosenMask());
        Tensor policyRejected = computeLogprobs(policyModel.forward(batch.rejected()), batch.rejected(), batch.rejectedMask());
        Tensor refChosen, refRejected;
        try (var g = GradMode.noGrad()) {
            refChosen = computeLogprobs(referenceModel.forward(batch.chosen()), batch.chosen(), batch.chosenMask());
            refRejected = computeLogprobs(referenceModel.forward(batch.rejected()), batch.rejected(), batch.rejectedMask());
        }
        return computeDpoLoss(policyChosen, policyRejected, refChosen, refRejected, beta);
    }

    /**
     * {@code compute_dpo_loss_loader}: the averages over the first {@code numBatches} batches
     * (all when null or more than there are).
     *
     * @param loader the batches
     * @param policyModel the model being tuned
     * @param referenceModel the frozen model
     * @param beta the DPO beta
     * @param numBatches how many batches, or null for all
     * @return the averages; NaN for an empty loader
     */
    public static LoaderLoss computeDpoLossLoader(DataLoader<?, PreferenceCollate.PreferenceBatch> loader, Module policyModel, Module referenceModel,
                                                  double beta, Integer numBatches) {
        if (loader.size() == 0) return new LoaderLoss(Double.NaN, Double.NaN, Double.NaN);
        int n = numBatches == null ? loader.size() : Math.min(numBatches, loader.size());
        double loss = 0, chosen = 0, rejected = 0;
        int i = 0;
        for (PreferenceCollate.PreferenceBatch batch : loader) {
            if (i++ >= n) break;
            Loss l = computeDpoLossBatch(batch, policyModel, referenceModel, beta);
            loss += l.loss().item();
            chosen += l.chosenRewards().item();
            rejected += l.rejectedRewards().item();
        }
        return new LoaderLoss(loss / n, chosen / n, rejected / n);
    }

    /**
     * {@code evaluate_dpo_loss_loader}: the loader losses of the training and validation data
     * in eval mode without a graph; the policy is back in train mode afterwards.
     *
     * @param policyModel the model being tuned
     * @param referenceModel the frozen model
     * @param trainLoader the training batches
     * @param valLoader the validation batches
     * @param beta the DPO beta
     * @param evalIter the batches per loader
     * @return the training and the validation averages
     */
    public static LoaderLoss[] evaluateDpoLossLoader(Module policyModel, Module referenceModel, DataLoader<?, PreferenceCollate.PreferenceBatch> trainLoader,
                                                     DataLoader<?, PreferenceCollate.PreferenceBatch> valLoader, double beta, int evalIter) {
        policyModel.eval();
        LoaderLoss train, val;
        try (var g = GradMode.noGrad()) {
            train = computeDpoLossLoader(trainLoader, policyModel, referenceModel, beta, evalIter);
            val = computeDpoLossLoader(valLoader, policyModel, referenceModel, beta, evalIter);
        }
        policyModel.train();
        return new LoaderLoss[] {train, val};
    }

    /**
     * {@code train_model_dpo_simple}: for each batch, the DPO loss, backward and an optimizer
     * step; every {@code evalFreq} steps the evaluation, tracked and printed as
     * {@code Ep 1 (Step 000000): Train loss 0.692, Val loss 0.693, Train reward margins 0.014, Val reward margins 0.006};
     * {@code afterEpoch} after each epoch (the notebook prints a sample there).
     *
     * @param policyModel the model being tuned
     * @param referenceModel the frozen model (call {@code eval()} on it first, as the notebook does)
     * @param trainLoader the training batches
     * @param valLoader the validation batches
     * @param optimizer the optimizer over the policy's parameters
     * @param numEpochs the passes over the training data
     * @param beta the DPO beta
     * @param evalFreq evaluate every this many steps
     * @param evalIter the batches per evaluation
     * @param out where to print the evaluation lines, or null
     * @param afterEpoch called with the epoch (from 0) after each epoch, or null
     * @return the tracked values
     * @throws IllegalStateException if the loss becomes NaN or infinite
     */
    public static Tracking trainModelDpoSimple(Module policyModel, Module referenceModel, DataLoader<?, PreferenceCollate.PreferenceBatch> trainLoader,
                                               DataLoader<?, PreferenceCollate.PreferenceBatch> valLoader, Optimizer optimizer, int numEpochs,
                                               double beta, int evalFreq, int evalIter, PrintStream out, IntConsumer afterEpoch) {
        if (numEpochs < 0 || evalFreq < 1 || evalIter < 1)
            throw new IllegalArgumentException("train_model_dpo_simple: need numEpochs >= 0, evalFreq >= 1, evalIter >= 1; got " + numEpochs + ", " + evalFreq + ", " + evalIter);
        Tracking t = new Tracking(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        long tokensSeen = 0, globalStep = -1;
        for (int epoch = 0; epoch < numEpochs; epoch++) {
            policyModel.train();
            for (PreferenceCollate.PreferenceBatch batch : trainLoader) {
                optimizer.zeroGrad();
                Loss l = computeDpoLossBatch(batch, policyModel, referenceModel, beta);
                double v = l.loss().item();
                if (!Double.isFinite(v))
                    throw new IllegalStateException("train_model_dpo_simple: the loss became " + v + " at step " + (globalStep + 1) + " (epoch " + (epoch + 1)
                            + "); lower the learning rate or beta");
                l.loss().backward();
                optimizer.step();
                tokensSeen += batch.chosen().numel();
                globalStep++;
                if (globalStep % evalFreq == 0) {
                    LoaderLoss[] r = evaluateDpoLossLoader(policyModel, referenceModel, trainLoader, valLoader, beta, evalIter);
                    t.trainLosses().add(r[0].loss());
                    t.trainChosenRewards().add(r[0].chosenRewards());
                    t.trainRejectedRewards().add(r[0].rejectedRewards());
                    t.valLosses().add(r[1].loss());
                    t.valChosenRewards().add(r[1].chosenRewards());
                    t.valRejectedRewards().add(r[1].rejectedRewards());
                    t.tokensSeen().add(tokensSeen);
                    if (out != null)
                        out.printf(Locale.ROOT, "Ep %d (Step %06d): Train loss %.3f, Val loss %.3f, Train reward margins %.3f, Val reward margins %.3f%n",
                                epoch + 1, globalStep, r[0].loss(), r[1].loss(), r[0].margin(), r[1].margin());
                }
            }
            if (afterEpoch != null) afterEpoch.accept(epoch);
        }
        return t;
    }
}
