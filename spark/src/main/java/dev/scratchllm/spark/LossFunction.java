package dev.scratchllm.spark;

import dev.scratchllm.finetune.Classification;
import dev.scratchllm.nn.Module;
import dev.scratchllm.tensor.Tensor;
import dev.scratchllm.train.Training;

import java.io.Serializable;

/**
 * The mean loss of one batch, with a graph: what each executor back-propagates. The default is
 * chapter 5's {@code calc_loss_batch} (next-token cross entropy of {@code batch[0]} against
 * {@code batch[1]}); a classifier or another model passes its own.
 */
@FunctionalInterface
public interface LossFunction extends Serializable {
    /** Chapter 5's {@link Training#calcLossBatch}: {@code batch = {inputs (b, T), targets (b, T)}}. */
    LossFunction NEXT_TOKEN = (model, batch) -> Training.calcLossBatch(batch[0], batch[1], model);

    /** Chapter 6's {@link Classification#calcLossBatch}: the last token's logits against {@code batch[1]}, class labels {@code (b)}. */
    LossFunction LAST_TOKEN_CLASS = (model, batch) -> Classification.calcLossBatch(batch[0], batch[1], model);

    /**
     * The mean loss of a batch.
     *
     * @param model the model, in training mode
     * @param batch the collated batch
     * @return a scalar with a graph back to the model's parameters
     */
    Tensor loss(Module model, Tensor[] batch);
}
