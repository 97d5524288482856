package dev.scratchllm.attention;

import dev.scratchllm.tensor.Tensor;

import java.util.List;

/**
 * Greedy decoding with or without a KV cache, the reference's
 * {@code kv_cache/generate.py: generate_text_simple(model, idx, max_new_tokens, context_size, use_cache)}.
 * With the cache the prompt runs once and each step feeds only the newest token; without it every
 * step runs the whole (truncated) sequence. Both give the same tokens. It does not sample
 * (temperature and top-k live in {@code train.TextGeneration}, which takes any model).
 */
public final class CachedGeneration {
    private CachedGeneration() {
    }

    /**
     * Appends {@code maxNewTokens} greedy tokens to {@code idx}.
     *
     * @param model the model (run under no-grad here)
     * @param idx int64 prompt ids, {@code (b, num_tokens)}
     * @param maxNewTokens how many tokens to add
     * @param useCache whether to decode with a KV cache
     * @return {@code idx} with the new tokens appended, {@code (b, num_tokens + maxNewTokens)}
     * @throws IllegalArgumentException if the cached sequence would outgrow the model's context length
     */
    public static Tensor generateTextSimple(CachedDecoder model, Tensor idx, int maxNewTokens, boolean useCache) {
        int ctx = model.contextLength();
        try (var g = Tensor.noGrad()) {
            if (useCache) {
                if (idx.size(1) + maxNewTokens > ctx)
                    throw new IllegalArgumentException("generateTextSimple: " + idx.size(1) + " prompt + " + maxNewTokens
                            + " new tokens exceed the context length " + ctx + " of the KV cache");
                KVCache cache = model.newCache();
                Tensor logits = model.forward(idx, cache);
                for (int i = 0; i < maxNewTokens; i++) {
                    Tensor next = lastArgmax(logits);                       // (b, 1)
                    idx = Tensor.cat(List.of(idx, next), 1);
                    if (i + 1 < maxNewTokens) logits = model.forward(next, cache);
                }
            } else {
                for (int i = 0; i < maxNewTokens; i++) {
                    int t = idx.size(1);
                    Tensor cond = t > ctx ? idx.narrow(1, t - ctx, ctx) : idx; // idx[:, -context_size:]
                    Tensor next = lastArgmax(model.forward(cond));
                    idx = Tensor.cat(List.of(idx, next), 1);
                }
            }
        }
        return idx;
    }

    private static Tensor lastArgmax(Tensor logits) {
        Tensor last = logits.select(1, logits.size(1) - 1); // (b, vocab)
        return last.argmax(-1, true);                       // (b, 1)
    }
}
