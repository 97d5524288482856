package dev.scratchllm.spark;

import dev.scratchllm.finetune.Classification;
import dev.scratchllm.finetune.Collate;
import dev.scratchllm.nn.Module;
import dev.scratchllm.tensor.Tensor;
import dev.scratchllm.train.Training;

import java.io.Serializable;

/**
 * The mean loss of one batch, with a graph: what each executor back-propagates. The default is
 * chapter 5's {@code calc_loss_batch} (next-token cross entropy of {@code batch[0]} against
 * {@code batch[1]}); a classifier or another model passes its own.
 *
 * <p>Each worker's loss is a mean over its own batch; the driver combines them as a mean weighted
 * by {@link #weight} (1 per worker by default, DistributedDataParallel's plain average). A loss whose
 * mean runs over a varying count, such as chapter 7's cross entropy that ignores the {@code -100}
 * targets of padding, weighs each worker by its count, so that the step equals one process's mean
 * over the whole batch ({@link #INSTRUCTION}).
 */
@FunctionalInterface
public interface LossFunction extends Serializable {
    /** Chapter 5's {@link Training#calcLossBatch}: {@code batch = {inputs (b, T), targets (b, T)}}. */
    LossFunction NEXT_TOKEN = (model, batch) -> Training.calcLossBatch(batch[0], batch[1], model);

    /** Chapter 6's {@link Classification#calcLossBatch}: the last token's logits against {@code batch[1]}, class labels {@code (b)}. */
    LossFunction LAST_TOKEN_CLASS = (model, batch) -> Classification.calcLossBatch(batch[0], batch[1], model);

    /**
     * Chapter 7's instruction loss ({@code calc_loss_batch} on {@code custom_collate_fn}'s batches):
     * next-token cross entropy with {@code ignore_index=-100}, a mean over the targets that are not
     * -100, and so weighted by their count.
     */
    LossFunction INSTRUCTION = new LossFunction() {
        private static final long serialVersionUID = 1L;

        @Override
        public Tensor loss(Module model, Tensor[] batch) {
            return Training.calcLossBatch(batch[0], batch[1], model); // Functional.crossEntropy ignores -100
        }

        @Override
        public double weight(Tensor[] batch) {
            long n = 0;
            for (long t : batch[1].toLongArray()) if (t != Collate.IGNORE_INDEX) n++;
            return n;
        }
    };

    /**
     * What this worker's mean loss counts for in the step's mean: the number of terms it averages
     * over. The default, 1, gives every worker the same weight (DistributedDataParallel's average of
     * the workers' gradients).
     *
     * @param batch the collated batch
     * @return the weight, positive
     */
    default double weight(Tensor[] batch) {
        return 1;
    }

    /**
     * The mean loss of a batch.
     *
     * @param model the model, in training mode
     * @param batch the collated batch
     * @return a scalar with a graph back to the model's parameters
     */
    Tensor loss(Module model, Tensor[] batch);
}
