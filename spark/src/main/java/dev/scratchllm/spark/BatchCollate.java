package dev.scratchllm.spark;

import dev.scratchllm.data.DataLoader;
import dev.scratchllm.data.Dataset;
import dev.scratchllm.finetune.Collate;
import dev.scratchllm.tensor.Tensor;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns one worker's examples into its batch, on the executor: a serializable collate function.
 * The default stacks each component ({@link DataLoader#stack}); chapter 7's instruction
 * fine-tuning pads ragged examples per batch ({@link #instruction}).
 */
@FunctionalInterface
public interface BatchCollate extends Serializable {
    /** {@link DataLoader#stack}: equal shapes, a new leading batch dimension per component. */
    BatchCollate STACK = DataLoader::stack;

    /**
     * Chapter 7's {@code partial(custom_collate_fn, allowed_max_length=...)} on the executors: each
     * example is one int64 tensor of token ids ({@link #tokenIds}); the batch is
     * {@link Collate#customCollate}'s {@code {inputs, targets}}, padded with 50256 to the longest
     * example of this worker's batch, every target after the first pad -100, truncated to
     * {@code allowedMaxLength}.
     *
     * @param allowedMaxLength truncate inputs and targets to this many positions, or null for no limit
     * @return the collate function (it captures only the limit: it is serialized)
     * @throws IllegalArgumentException if {@code allowedMaxLength} is not positive
     */
    static BatchCollate instruction(Integer allowedMaxLength) {
        if (allowedMaxLength != null && allowedMaxLength < 1)
            throw new IllegalArgumentException("BatchCollate.instruction: allowed_max_length must be positive, got " + allowedMaxLength);
        return examples -> {
            List<int[]> ids = new ArrayList<>(examples.size());
            for (Tensor[] ex : examples) {
                long[] l = ex[0].toLongArray();
                int[] a = new int[l.length];
                for (int i = 0; i < l.length; i++) a[i] = Math.toIntExact(l[i]);
                ids.add(a);
            }
            return Collate.customCollate(ids, Collate.PAD_TOKEN_ID, Collate.IGNORE_INDEX, allowedMaxLength);
        };
    }

    /**
     * Token-id lists (an {@code InstructionDataset}) as one-component examples for
     * {@link Examples#of}: each a 1-D int64 tensor of its own length.
     *
     * @param data the token ids of each example
     * @return the same examples as tensors
     */
    static Dataset<Tensor[]> tokenIds(Dataset<int[]> data) {
        return new Dataset<>() {
            @Override
            public int size() {
                return data.size();
            }

            @Override
            public Tensor[] get(int index) {
                int[] ids = data.get(index);
                long[] l = new long[ids.length];
                for (int i = 0; i < ids.length; i++) l[i] = ids[i];
                return new Tensor[] {Tensor.ofLongs(l, ids.length)};
            }
        };
    }

    /**
     * The batch of these examples.
     *
     * @param examples the worker's examples, in shard order
     * @return the batch components
     */
    Tensor[] collate(List<Tensor[]> examples);
}
