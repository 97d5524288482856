package dev.scratchllm.spark;

import dev.scratchllm.data.DataLoader;
import dev.scratchllm.tensor.Tensor;

import java.io.Serializable;
import java.util.List;

/**
 * Turns one worker's examples into its batch, on the executor: a serializable collate function.
 * The default stacks each component ({@link DataLoader#stack}); fine-tuning loops that pad
 * ragged examples pass their own.
 */
@FunctionalInterface
public interface BatchCollate extends Serializable {
    /** {@link DataLoader#stack}: equal shapes, a new leading batch dimension per component. */
    BatchCollate STACK = DataLoader::stack;

    /**
     * The batch of these examples.
     *
     * @param examples the worker's examples, in shard order
     * @return the batch components
     */
    Tensor[] collate(List<Tensor[]> examples);
}
