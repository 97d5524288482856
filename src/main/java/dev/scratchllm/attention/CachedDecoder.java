package dev.scratchllm.attention;

import dev.scratchllm.tensor.Tensor;

/**
 * A decoder-only language model that can run with a {@link KVCache} (Llama 3, Qwen3): what
 * {@link CachedGeneration} needs.
 */
public interface CachedDecoder {
    /**
     * Logits for every position of {@code ids}, from position 0, without a cache.
     *
     * @param ids int64 token ids, {@code (b, num_tokens)}
     * @return the logits, {@code (b, num_tokens, vocab_size)}
     */
    Tensor forward(Tensor ids);

    /**
     * Logits for {@code ids}, the tokens at positions {@code cache.position() …}, extending the cache.
     *
     * @param ids int64 token ids, {@code (b, num_tokens)}
     * @param cache the cache to read and extend
     * @return the logits of the new tokens, {@code (b, num_tokens, vocab_size)}
     */
    Tensor forward(Tensor ids, KVCache cache);

    /**
     * An empty cache sized for this model.
     *
     * @return a new cache
     */
    KVCache newCache();

    /**
     * The longest sequence the model's position tables cover.
     *
     * @return the context length
     */
    int contextLength();
}
