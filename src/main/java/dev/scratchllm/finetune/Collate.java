/*
 * Collate: chapter 7's collate functions (section 7.3) that turn a list of token-id lists of
 * different lengths into one padded batch: custom_collate_draft_1 (inputs only),
 * custom_collate_draft_2 (inputs and targets shifted by one) and custom_collate_fn (every padding
 * target after the first replaced by -100, optional truncation to allowed_max_length), plus
 * exercise 7.2's variant that also masks the instruction tokens.
 *
 * It does not tokenize or move tensors to devices (there is only the CPU).
 */
package dev.scratchllm.finetune;

import dev.scratchllm.tensor.Tensor;

import java.util.List;
import java.util.function.Function;

/**
 * Padding and shifting a batch of instruction examples. For the book's example batch
 * {@code [0, 1, 2, 3, 4]}, {@code [5, 6]}, {@code [7, 8, 9]}, {@link #customCollate(List)}
 * returns
 * <pre>
 * inputs  tensor([[    0,     1,     2,     3,     4],
 *                 [    5,     6, 50256, 50256, 50256],
 *                 [    7,     8,     9, 50256, 50256]])
 * targets tensor([[    1,     2,     3,     4, 50256],
 *                 [    6, 50256,  -100,  -100,  -100],
 *                 [    8,     9, 50256,  -100,  -100]])
 * </pre>
 * Each item gets one {@code <|endoftext|>} (50256) appended and is padded with 50256 to the
 * longest item's length + 1; inputs drop the last position, targets the first. The first 50256
 * in a row's targets stays (it teaches the model to stop); every later one becomes
 * {@code -100}, which the cross entropy ignores.
 */
public final class Collate {
    /** {@code <|endoftext|>}, the padding token. */
    public static final int PAD_TOKEN_ID = 50256;
    /** PyTorch's default {@code ignore_index} of the cross entropy. */
    public static final int IGNORE_INDEX = -100;

    private Collate() {
    }

    /**
     * {@code custom_collate_draft_1(batch)}: the padded inputs only, {@code (b, max_len)}.
     *
     * @param batch the token ids of each example
     * @return the inputs padded with 50256, int64
     */
    public static Tensor customCollateDraft1(List<int[]> batch) {
        return customCollateDraft1(batch, PAD_TOKEN_ID);
    }

    /**
     * {@code custom_collate_draft_1(batch, pad_token_id)}.
     *
     * @param batch the token ids of each example
     * @param padTokenId the padding id
     * @return the padded inputs, int64, {@code (b, max_len)}
     */
    public static Tensor customCollateDraft1(List<int[]> batch, int padTokenId) {
        return collate(batch, null, padTokenId, null, null)[0];
    }

    /**
     * {@code custom_collate_draft_2(batch)}: inputs and targets shifted by one, no {@code -100}.
     *
     * @param batch the token ids of each example
     * @return {@code {inputs, targets}}, int64, padded with 50256
     */
    public static Tensor[] customCollateDraft2(List<int[]> batch) {
        return customCollateDraft2(batch, PAD_TOKEN_ID);
    }

    /**
     * {@code custom_collate_draft_2(batch, pad_token_id)}.
     *
     * @param batch the token ids of each example
     * @param padTokenId the padding id
     * @return {@code {inputs, targets}}, int64; the targets are the inputs shifted left by one
     */
    public static Tensor[] customCollateDraft2(List<int[]> batch, int padTokenId) {
        return collate(batch, null, padTokenId, null, null);
    }

    /**
     * {@code custom_collate_fn(batch)} with the defaults: pad 50256, ignore index -100, no length limit.
     *
     * @param batch the token ids of each example
     * @return {@code {inputs, targets}}, int64
     */
    public static Tensor[] customCollate(List<int[]> batch) {
        return customCollate(batch, PAD_TOKEN_ID, IGNORE_INDEX, null);
    }

    /**
     * {@code custom_collate_fn(batch, pad_token_id, ignore_index, allowed_max_length)} (listing 7.5).
     *
     * @param allowedMaxLength truncate inputs and targets to this many positions, or null
     * @param batch the token ids of each example
     * @param padTokenId the padding id
     * @param ignoreIndex the target value for padding after the first pad token
     * @return {@code {inputs, targets}}, int64, both {@code (b, min(max_len, allowedMaxLength))}
     * @throws IllegalArgumentException for an empty batch or a non-positive {@code allowedMaxLength}
     */
    public static Tensor[] customCollate(List<int[]> batch, int padTokenId, int ignoreIndex, Integer allowedMaxLength) {
        return collate(batch, null, padTokenId, ignoreIndex, allowedMaxLength);
    }

    /**
     * The book's {@code partial(custom_collate_fn, allowed_max_length=...)}: a collate function
     * for a {@link dev.scratchllm.data.DataLoader} (section 7.4 uses 1024).
     *
     * @param allowedMaxLength truncate to this many positions, or null for no limit
     * @return the collate function
     * @throws IllegalArgumentException if {@code allowedMaxLength} is not positive
     */
    public static Function<List<int[]>, Tensor[]> customCollateFn(Integer allowedMaxLength) {
        if (allowedMaxLength != null && allowedMaxLength < 1)
            throw new IllegalArgumentException("customCollateFn: allowed_max_length must be positive, got " + allowedMaxLength);
        return batch -> customCollate(batch, PAD_TOKEN_ID, IGNORE_INDEX, allowedMaxLength);
    }

    /**
     * Exercise 7.2's {@code custom_collate_with_masking_fn}: as {@link #customCollate}, and also
     * {@code targets[:instruction_length - 1] = -100}, so only the response (and its end token)
     * is trained.
     *
     * @param batch the examples, each with its instruction length
     * @param padTokenId the padding id
     * @param ignoreIndex the target value for masked and padding positions
     * @param allowedMaxLength truncate to this many positions, or null for no limit
     * @return {@code {inputs, targets}}, int64
     */
    public static Tensor[] customCollateWithMasking(List<InstructionDatasetWithMasking.Item> batch, int padTokenId, int ignoreIndex,
                                                    Integer allowedMaxLength) {
        int[] lengths = new int[batch.size()];
        List<int[]> ids = new java.util.ArrayList<>(batch.size());
        for (int i = 0; i < lengths.length; i++) {
            lengths[i] = batch.get(i).instructionLength();
            ids.add(batch.get(i).ids());
        }
        return collate(ids, lengths, padTokenId, ignoreIndex, allowedMaxLength);
    }

    /**
     * {@link #customCollateWithMasking} as a collate function for a loader.
     *
     * @param allowedMaxLength truncate to this many positions, or null for no limit
     * @return the collate function (pad 50256, ignore index -100)
     */
    public static Function<List<InstructionDatasetWithMasking.Item>, Tensor[]> customCollateWithMaskingFn(Integer allowedMaxLength) {
        return batch -> customCollateWithMasking(batch, PAD_TOKEN_ID, IGNORE_INDEX, allowedMaxLength);
    }

    /** The shared work; {@code ignoreIndex} null means draft 1/2 (no replacement). */
    private static Tensor[] collate(List<int[]> batch, int[] instructionLengths, int padTokenId, Integer ignoreIndex, Integer allowedMaxLength) {
        if (batch.isEmpty()) throw new IllegalArgumentException("custom_collate: the batch is empty");
        if (allowedMaxLength != null && allowedMaxLength < 1)
            throw new IllegalArgumentException("custom_collate: allowed_max_length must be positive, got " + allowedMaxLength);
        int batchMaxLength = 0; // the longest sequence in the batch, + 1 for the extra padding token
        for (int[] item : batch) batchMaxLength = Math.max(batchMaxLength, item.length + 1);
        int width = batchMaxLength - 1; // inputs are padded[:-1], targets padded[1:]
        if (allowedMaxLength != null) width = Math.min(width, allowedMaxLength);
        int b = batch.size();
        long[] inputs = new long[b * width], targets = new long[b * width];
        for (int r = 0; r < b; r++) {
            int[] item = batch.get(r);
            long[] padded = new long[batchMaxLength]; // item + [pad] + [pad] * (batch_max_length - len(item) - 1)
            for (int i = 0; i < batchMaxLength; i++) padded[i] = i < item.length ? item[i] : padTokenId;
            long[] in = new long[batchMaxLength - 1], tg = new long[batchMaxLength - 1];
            System.arraycopy(padded, 0, in, 0, in.length);  // truncate the last token for inputs
            System.arraycopy(padded, 1, tg, 0, tg.length);  // shift +1 to the right for targets
            if (ignoreIndex != null) {
                boolean first = true; // replace all but the first padding token in the targets
                for (int i = 0; i < tg.length; i++) {
                    if (tg[i] != padTokenId) continue;
                    if (first) first = false;
                    else tg[i] = ignoreIndex;
                }
                if (instructionLengths != null) // exercise 7.2: mask the instruction tokens
                    for (int i = 0; i < Math.min(instructionLengths[r] - 1, tg.length); i++) tg[i] = ignoreIndex;
            }
            System.arraycopy(in, 0, inputs, r * width, width); // optionally truncate to allowed_max_length
            System.arraycopy(tg, 0, targets, r * width, width);
        }
        return new Tensor[] {Tensor.ofLongs(inputs, b, width), Tensor.ofLongs(targets, b, width)};
    }
}
