package dev.scratchllm.gpt;

import dev.scratchllm.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;

/**
 * The keys and values that each attention layer has already computed during decoding, so that
 * each new token costs one position's work instead of the whole context's. One {@link Layer}
 * per transformer block holds {@code keys}/{@code values} of shape
 * {@code (b, num_heads, cached_tokens, head_dim)}. It is for inference (eval mode, no graph):
 * dropout would draw differently, and gradients do not flow through a cache.
 */
public final class KVCache {
    /** One attention layer's cached keys and values (null until the first token). */
    public static final class Layer {
        Tensor keys, values;

        /** An empty layer cache. */
        public Layer() {
        }

        /**
         * Number of positions cached.
         *
         * @return the number of cached positions, 0 before the first token
         */
        public int length() {
            return keys == null ? 0 : keys.size(2);
        }
    }

    private final List<Layer> layers = new ArrayList<>();

    /**
     * An empty cache for a model with {@code nLayers} blocks.
     *
     * @param nLayers the number of transformer blocks
     */
    public KVCache(int nLayers) {
        for (int i = 0; i < nLayers; i++) layers.add(new Layer());
    }

    /**
     * Layer {@code i}'s cache.
     *
     * @param i the block's index
     * @return the cache of block {@code i}
     */
    public Layer layer(int i) {
        return layers.get(i);
    }

    /**
     * Number of positions cached (the position of the next token).
     *
     * @return the number of cached positions of the first layer (0 for a cache with no layers)
     */
    public int length() {
        return layers.isEmpty() ? 0 : layers.get(0).length();
    }

    /** Forgets everything. */
    public void reset() {
        for (Layer l : layers) {
            l.keys = null;
            l.values = null;
        }
    }
}
