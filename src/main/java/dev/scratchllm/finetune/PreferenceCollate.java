/*
 * PreferenceCollate: the DPO bonus's custom_collate_fn. A batch's chosen and rejected sequences
 * are padded with the pad id to one common length (the longest sequence plus one, as the
 * reference does), each with a mask that is false on padding and, optionally, on the prompt and
 * the two newline tokens before "### Response"; then every row is cut to the allowed maximum
 * length. It does not shift inputs and targets: DPO's log-probabilities do that.
 */
package dev.scratchllm.finetune;

import dev.scratchllm.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** Padding and masking of preference batches. */
public final class PreferenceCollate {
    /** GPT-2's {@code <|endoftext|>}, the reference's pad id. */
    public static final int PAD_TOKEN_ID = 50256;

    /**
     * One batch.
     *
     * @param prompt the prompts' ids, one int64 tensor per entry (not padded)
     * @param chosen the chosen sequences, int64 {@code (b, T)}
     * @param rejected the rejected sequences, int64 {@code (b, T)}
     * @param chosenMask which chosen tokens count, bool {@code (b, T)}
     * @param rejectedMask which rejected tokens count, bool {@code (b, T)}
     */
    public record PreferenceBatch(List<Tensor> prompt, Tensor chosen, Tensor rejected, Tensor chosenMask, Tensor rejectedMask) {
    }

    private PreferenceCollate() {
    }

    /**
     * {@code custom_collate_fn(batch, pad_token_id, allowed_max_length, mask_prompt_tokens)}.
     *
     * @param batch the tokenized entries
     * @param padTokenId the id that pads
     * @param allowedMaxLength the longest row kept, or null for no limit
     * @param maskPromptTokens whether the prompt (and the two newlines after it) are masked out
     * @return the padded batch
     * @throws IllegalArgumentException if the batch is empty or {@code allowedMaxLength} is not positive
     */
    public static PreferenceBatch customCollate(List<PreferenceDataset.Encoded> batch, int padTokenId, Integer allowedMaxLength, boolean maskPromptTokens) {
        if (batch.isEmpty()) throw new IllegalArgumentException("PreferenceCollate: an empty batch");
        if (allowedMaxLength != null && allowedMaxLength < 1)
            throw new IllegalArgumentException("PreferenceCollate: allowed_max_length must be positive, got " + allowedMaxLength);
        int common = 0;
        for (PreferenceDataset.Encoded e : batch) common = Math.max(common, Math.max(e.chosen().length, e.rejected().length) + 1);
        int width = allowedMaxLength == null ? common : Math.min(common, allowedMaxLength);
        int b = batch.size();
        List<Tensor> prompts = new ArrayList<>(b);
        long[] chosen = new long[b * width], rejected = new long[b * width];
        boolean[] chosenMask = new boolean[b * width], rejectedMask = new boolean[b * width];
        for (int r = 0; r < b; r++) {
            PreferenceDataset.Encoded e = batch.get(r);
            long[] p = new long[e.prompt().length];
            for (int i = 0; i < p.length; i++) p[i] = e.prompt()[i];
            prompts.add(Tensor.ofLongs(p, p.length));
            int masked = maskPromptTokens ? e.prompt().length + 2 : 0; // +2: the two "\n" tokens before "### Response"
            fill(e.chosen(), chosen, chosenMask, r * width, width, padTokenId, masked);
            fill(e.rejected(), rejected, rejectedMask, r * width, width, padTokenId, masked);
        }
        return new PreferenceBatch(prompts, Tensor.ofLongs(chosen, b, width), Tensor.ofLongs(rejected, b, width),
                Tensor.ofBools(chosenMask, b, width), Tensor.ofBools(rejectedMask, b, width));
    }

    /** One padded row (already cut to {@code width}) and its mask. */
    private static void fill(int[] seq, long[] ids, boolean[] mask, int off, int width, int pad, int masked) {
        for (int i = 0; i < width; i++) {
            ids[off + i] = i < seq.length ? seq[i] : pad;
            mask[off + i] = i < seq.length && i >= masked;
        }
    }

    /**
     * The collate function the reference builds with {@code partial(custom_collate_fn, ...)}.
     *
     * @param padTokenId the id that pads
     * @param allowedMaxLength the longest row kept, or null
     * @param maskPromptTokens whether prompts are masked out
     * @return a function for {@link dev.scratchllm.data.DataLoader}
     */
    public static Function<List<PreferenceDataset.Encoded>, PreferenceBatch> customCollateFn(int padTokenId, Integer allowedMaxLength, boolean maskPromptTokens) {
        return batch -> customCollate(batch, padTokenId, allowedMaxLength, maskPromptTokens);
    }
}
