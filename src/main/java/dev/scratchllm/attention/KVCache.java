package dev.scratchllm.attention;

import dev.scratchllm.tensor.Tensor;

/**
 * The key/value cache of a decoder built from {@link GroupedQueryAttention} (Llama 3, Qwen3), the
 * reference's {@code KVCache} of {@code kv_cache/utils.py}: per layer, the keys and values of every
 * position seen so far, shape {@code (b, num_kv_groups, tokens, head_dim)} (cached before the
 * groups are repeated, so the cache is {@code group_size} times smaller than the heads'). It also
 * holds the position of the next token, which the reference keeps on the model
 * ({@code current_pos}). For inference: gradients do not flow through a cache.
 */
public final class KVCache {
    private final Tensor[] keys, values;
    private int position;

    /**
     * An empty cache for {@code nLayers} blocks.
     *
     * @param nLayers the number of transformer blocks
     */
    public KVCache(int nLayers) {
        keys = new Tensor[nLayers];
        values = new Tensor[nLayers];
    }

    /**
     * The cached keys of layer {@code i}.
     *
     * @param i the block's index
     * @return {@code (b, num_kv_groups, tokens, head_dim)}, or null before the first token
     */
    public Tensor keys(int i) {
        return keys[i];
    }

    /**
     * The cached values of layer {@code i}.
     *
     * @param i the block's index
     * @return {@code (b, num_kv_groups, tokens, head_dim)}, or null before the first token
     */
    public Tensor values(int i) {
        return values[i];
    }

    /**
     * Replaces layer {@code i}'s keys and values (the reference's {@code update}).
     *
     * @param i the block's index
     * @param k all keys so far
     * @param v all values so far
     */
    public void update(int i, Tensor k, Tensor v) {
        keys[i] = k;
        values[i] = v;
    }

    /**
     * The position of the next token (the number of tokens cached so far).
     *
     * @return the position
     */
    public int position() {
        return position;
    }

    /**
     * Moves the position on after a forward pass over {@code tokens} new tokens.
     *
     * @param tokens the number of tokens just processed
     */
    public void advance(int tokens) {
        position += tokens;
    }

    /**
     * The number of layers.
     *
     * @return the number of blocks this cache serves
     */
    public int numLayers() {
        return keys.length;
    }

    /** Forgets everything (the reference's {@code reset} plus {@code reset_kv_cache}). */
    public void reset() {
        java.util.Arrays.fill(keys, null);
        java.util.Arrays.fill(values, null);
        position = 0;
    }
}
