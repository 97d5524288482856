package dev.scratchllm.infer;

import dev.scratchllm.attention.CachedDecoder;
import dev.scratchllm.attention.KVCache;
import dev.scratchllm.tensor.Tensor;

/**
 * A {@link CausalLM} over any {@link CachedDecoder} (Llama 3, Qwen3) on the autograd path: each
 * of {@code maxBatch} slots owns a {@link KVCache}, a prompt is one cached forward pass and each
 * new token another. It is the simple reference that lets the generation loop, the server and the
 * command line run those models today; it allocates tensors per token (graph-free under no-grad)
 * and is as slow as the autograd forward pass. A dedicated inference path (preallocated cache,
 * matrix-vector kernels) implements the same interface and replaces it where it is created.
 *
 * <p>Not for concurrent use: one thread of control per instance.
 */
public final class CachedDecoderLM implements CausalLM {
    private final CachedDecoder model;
    private final int vocab, capacity;
    private final KVCache[] caches;

    /**
     * Slots over a model.
     *
     * @param model the model (used in eval mode; its weights are read, not copied)
     * @param vocabSize the number of logits per position (the output head's rows)
     * @param maxBatch the number of slots
     * @param capacity the positions per slot, at most the model's context length
     * @throws IllegalArgumentException if a size is out of range
     */
    public CachedDecoderLM(CachedDecoder model, int vocabSize, int maxBatch, int capacity) {
        if (vocabSize < 1 || maxBatch < 1 || capacity < 1 || capacity > model.contextLength())
            throw new IllegalArgumentException("CachedDecoderLM: need vocabSize >= 1, maxBatch >= 1 and 1 <= capacity <= "
                    + model.contextLength() + ", got vocabSize=" + vocabSize + " maxBatch=" + maxBatch + " capacity=" + capacity);
        this.model = model;
        this.vocab = vocabSize;
        this.capacity = capacity;
        caches = new KVCache[maxBatch];
        for (int i = 0; i < maxBatch; i++) caches[i] = model.newCache();
    }

    @Override
    public int vocabSize() {
        return vocab;
    }

    @Override
    public int capacity() {
        return capacity;
    }

    @Override
    public int maxBatch() {
        return caches.length;
    }

    @Override
    public int length(int slot) {
        return cache(slot).position();
    }

    @Override
    public void reset(int slot) {
        cache(slot).reset();
    }

    @Override
    public void prefill(int slot, int[] tokens, int off, int len, float[] logits, int lOff) {
        KVCache c = cache(slot);
        if (len < 1 || c.position() + len > capacity)
            throw new IllegalArgumentException("CachedDecoderLM.prefill: " + len + " tokens after " + c.position() + " exceed the capacity " + capacity);
        run(c, tokens, off, len, logits, lOff);
    }

    @Override
    public void decode(int m, int[] slots, int[] tokens, float[] logits, int lOff) {
        if (m < 1 || m > caches.length) throw new IllegalArgumentException("CachedDecoderLM.decode: " + m + " sequences for " + caches.length + " slots");
        for (int i = 0; i < m; i++) {
            KVCache c = cache(slots[i]);
            if (c.position() >= capacity) throw new IllegalArgumentException("CachedDecoderLM.decode: slot " + slots[i] + " is full (" + capacity + ")");
            run(c, tokens, i, 1, logits, lOff + i * vocab);
        }
    }

    /** One cached forward pass of {@code len} tokens; the last position's logits into {@code logits}. */
    private void run(KVCache c, int[] tokens, int off, int len, float[] logits, int lOff) {
        long[] ids = new long[len];
        for (int i = 0; i < len; i++) {
            int t = tokens[off + i];
            if (t < 0 || t >= vocab) throw new IllegalArgumentException("CachedDecoderLM: token id " + t + " is outside the vocabulary of " + vocab);
            ids[i] = t;
        }
        try (var g = Tensor.noGrad()) {
            Tensor out = model.forward(Tensor.ofLongs(ids, 1, len), c); // (1, len, vocab)
            float[] last = out.select(1, len - 1).toFloatArray();       // (1, vocab)
            System.arraycopy(last, 0, logits, lOff, vocab);
        }
    }

    private KVCache cache(int slot) {
        if (slot < 0 || slot >= caches.length) throw new IllegalArgumentException("CachedDecoderLM: slot " + slot + " is not in [0, " + caches.length + ")");
        return caches[slot];
    }
}
