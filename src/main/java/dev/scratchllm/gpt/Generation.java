package dev.scratchllm.gpt;

import dev.scratchllm.autograd.GradMode;
import dev.scratchllm.nn.Module;
import dev.scratchllm.tensor.DType;
import dev.scratchllm.tensor.Tensor;

import java.util.Arrays;
import java.util.List;

/**
 * Text generation with a GPT model, chapter 4: the book's {@code generate_text_simple}, greedy
 * decoding that appends the most likely next token. Sampling with temperature and top-k
 * ({@code generate}, chapter 5) and a KV cache are not here.
 */
public final class Generation {
    private Generation() {
    }

    /**
     * The book's {@code generate_text_simple(model, idx, max_new_tokens, context_size)}
     * (listing 4.8): {@code maxNewTokens} times, crop the running ids to the last
     * {@code contextSize} tokens, run the model without recording a graph, take the logits of
     * the last position, softmax, and append the arg-max (the first index on ties, as
     * {@code torch.argmax}). Call {@code model.eval()} first, or dropout stays active.
     *
     * @param model        any module mapping int64 ids (batch, n) to logits (batch, n, vocab)
     * @param idx          int64 ids, shape (batch, n_tokens)
     * @param maxNewTokens how many tokens to append
     * @param contextSize  the model's supported context length
     * @return int64 ids, shape (batch, n_tokens + maxNewTokens)
     */
    public static Tensor generateTextSimple(Module model, Tensor idx, int maxNewTokens, int contextSize) {
        if (idx.dtype() != DType.INT64 || idx.dim() != 2)
            throw new IllegalArgumentException("generateTextSimple: expected int64 ids of shape (batch, n_tokens), got "
                    + idx.dtype().torchName() + " " + Arrays.toString(idx.shape()));
        if (maxNewTokens < 0 || contextSize < 1)
            throw new IllegalArgumentException("generateTextSimple: max_new_tokens must be >= 0 and context_size >= 1, got "
                    + maxNewTokens + " and " + contextSize);
        for (int step = 0; step < maxNewTokens; step++) {
            // Crop the current context if it exceeds the supported context size
            Tensor idxCond = idx.slice(1, -contextSize, Integer.MAX_VALUE);   // (b, <= context_size)
            Tensor logits;
            try (var g = GradMode.noGrad()) {
                logits = model.forward(idxCond);                               // (b, n, vocab)
            }
            logits = logits.select(1, -1);                                     // (b, vocab): the last time step
            Tensor probas = logits.softmax(-1);                                // (b, vocab)
            Tensor idxNext = probas.argmax(-1, true);                          // (b, 1)
            idx = Tensor.cat(List.of(idx, idxNext), 1);                        // (b, n_tokens + 1)
        }
        return idx;
    }
}
