package dev.scratchllm.infer;

import dev.scratchllm.kernels.ScalarDecodeKernels;

/**
 * The key/value cache of the inference path, allocated once for a number of sequence slots and
 * a capacity in positions, and written in place: layer {@code l}'s keys are one
 * {@code float[slots · kvHeads · capacity · headDim]}, head {@code h} of slot {@code s} at
 * position {@code p} at {@link #offset(int, int, int) ((s·kvHeads + h)·capacity + p)·headDim}.
 * So one head's keys are contiguous, position after position (PyTorch's
 * {@code (batch, heads, T, head_dim)} layout): attention reads each head's keys and values as
 * one stream, whichever thread takes the head. (In the projection's row order a head's keys
 * are {@code headDim} floats every {@code kvDim}: one head at a time skips through the rows,
 * and two threads reading alternate halves of every row slowed each other fourfold.) Values
 * likewise.
 * The elements are float32, or bfloat16 (rounded to nearest even as they are written: half the
 * memory and half the bytes attention reads per token; {@link #keysBF16} and {@link #valuesBF16}).
 * Each slot has its own length (the position of its next token), so sequences of different
 * lengths share one cache. Any architecture with per-layer keys and values of one width uses it
 * (grouped-query attention just has fewer kv heads).
 */
public final class DecodeCache {
    private final int layers, slots, capacity, kvHeads, headDim;
    private final float[][] keys, values;
    private final short[][] keysH, valuesH;
    private final int[] length;

    /**
     * Allocates a float32 cache (zeros).
     *
     * @param layers the number of attention layers
     * @param slots the number of sequences it holds at once
     * @param capacity the most positions per sequence (the context length)
     * @param kvHeads key/value heads per layer
     * @param headDim floats per head
     * @throws IllegalArgumentException if a size is not positive or a layer would exceed 2^31 floats
     */
    public DecodeCache(int layers, int slots, int capacity, int kvHeads, int headDim) {
        this(layers, slots, capacity, kvHeads, headDim, false);
    }

    /**
     * Allocates the cache (zeros).
     *
     * @param layers the number of attention layers
     * @param slots the number of sequences it holds at once
     * @param capacity the most positions per sequence (the context length)
     * @param kvHeads key/value heads per layer
     * @param headDim floats per head
     * @param bf16 true to store bfloat16, false for float32
     * @throws IllegalArgumentException if a size is not positive or a layer would exceed 2^31 floats
     */
    public DecodeCache(int layers, int slots, int capacity, int kvHeads, int headDim, boolean bf16) {
        if (layers < 1 || slots < 1 || capacity < 1 || kvHeads < 1 || headDim < 1)
            throw new IllegalArgumentException("DecodeCache: sizes must be positive, got layers=" + layers + " slots=" + slots
                    + " capacity=" + capacity + " kvHeads=" + kvHeads + " headDim=" + headDim);
        long perLayer = (long) slots * capacity * kvHeads * headDim;
        if (perLayer > Integer.MAX_VALUE - 16)
            throw new IllegalArgumentException("DecodeCache: " + slots + " slots × " + capacity + " positions × " + kvHeads
                    + " heads × " + headDim + " floats do not fit in one array per layer");
        this.layers = layers;
        this.slots = slots;
        this.capacity = capacity;
        this.kvHeads = kvHeads;
        this.headDim = headDim;
        keys = bf16 ? null : new float[layers][(int) perLayer];
        values = bf16 ? null : new float[layers][(int) perLayer];
        keysH = bf16 ? new short[layers][(int) perLayer] : null;
        valuesH = bf16 ? new short[layers][(int) perLayer] : null;
        length = new int[slots];
    }

    /**
     * The cache of an inference path whose matrices are stored in {@code format}: bfloat16 for
     * Q8_0, the lossy format (half the bytes attention reads per token); float32 for F32 and
     * BF16, whose BF16 weights of a bfloat16 checkpoint give PyTorch's float32 logits within
     * 1e-5, which a bfloat16 cache would not.
     *
     * @param layers the number of attention layers
     * @param slots the number of sequences it holds at once
     * @param capacity the most positions per sequence
     * @param kvHeads key/value heads per layer
     * @param headDim floats per head
     * @param format the weights' format
     * @return the cache
     * @throws IllegalArgumentException if a size is not positive or a layer would exceed 2^31 floats
     */
    static DecodeCache forWeights(int layers, int slots, int capacity, int kvHeads, int headDim, WeightFormat format) {
        return new DecodeCache(layers, slots, capacity, kvHeads, headDim, format == WeightFormat.Q8_0);
    }

    /** {@return true if the elements are bfloat16, false if float32} */
    public boolean bf16() {
        return keysH != null;
    }

    /**
     * Layer {@code l}'s keys (all slots) of a float32 cache.
     *
     * @param l the layer
     * @return the array, written in place
     * @throws IllegalStateException if the cache is bfloat16
     */
    public float[] keys(int l) {
        return floats(keys)[l];
    }

    /**
     * Layer {@code l}'s values (all slots) of a float32 cache.
     *
     * @param l the layer
     * @return the array, written in place
     * @throws IllegalStateException if the cache is bfloat16
     */
    public float[] values(int l) {
        return floats(values)[l];
    }

    /**
     * Layer {@code l}'s keys (all slots) of a bfloat16 cache, as bits.
     *
     * @param l the layer
     * @return the array, written in place
     * @throws IllegalStateException if the cache is float32
     */
    public short[] keysBF16(int l) {
        return halves(keysH)[l];
    }

    /**
     * Layer {@code l}'s values (all slots) of a bfloat16 cache, as bits.
     *
     * @param l the layer
     * @return the array, written in place
     * @throws IllegalStateException if the cache is float32
     */
    public short[] valuesBF16(int l) {
        return halves(valuesH)[l];
    }

    private static float[][] floats(float[][] a) {
        if (a == null) throw new IllegalStateException("DecodeCache: this cache stores bfloat16; use keysBF16/valuesBF16");
        return a;
    }

    private static short[][] halves(short[][] a) {
        if (a == null) throw new IllegalStateException("DecodeCache: this cache stores float32; use keys/values");
        return a;
    }

    /** {@return bytes per stored element: 4 (float32) or 2 (bfloat16)} */
    public int elementBytes() {
        return bf16() ? 2 : 4;
    }

    /**
     * Where head {@code head}'s key (and value) at position {@code pos} of slot {@code slot}
     * starts in every layer's arrays; the next position's is {@link #headDim()} floats on.
     *
     * @param slot the slot
     * @param head the kv head
     * @param pos the position
     * @return the index of its first float
     */
    public int offset(int slot, int head, int pos) {
        return ((slot * kvHeads + head) * capacity + pos) * headDim;
    }

    /**
     * Stores {@code n} positions' keys and values of one layer, {@code pos} onwards: row
     * {@code t} of k (and v) at {@code off + t·ld}, its {@code kvDim} floats head after head (the
     * projection's output as it comes), rounded to bfloat16 in a bfloat16 cache. Does not change
     * the slot's length.
     *
     * @param layer the layer
     * @param slot the slot
     * @param pos the first position
     * @param n the number of positions
     * @param k the keys' rows
     * @param v the values' rows
     * @param off the index of row 0 in k and v
     * @param ld the distance between rows
     * @throws IllegalArgumentException if the positions exceed the capacity
     */
    public void write(int layer, int slot, int pos, int n, float[] k, float[] v, int off, int ld) {
        if (pos < 0 || n < 0 || pos + n > capacity)
            throw new IllegalArgumentException("DecodeCache.write: positions [" + pos + ", " + (pos + n) + ") outside [0, " + capacity + ")");
        for (int hh = 0; hh < kvHeads; hh++) {
            int dst = offset(slot, hh, pos), src = off + hh * headDim;
            for (int t = 0; t < n; t++, dst += headDim, src += ld) {
                if (keysH == null) {
                    System.arraycopy(k, src, keys[layer], dst, headDim);
                    System.arraycopy(v, src, values[layer], dst, headDim);
                } else {
                    short[] kc = keysH[layer], vc = valuesH[layer];
                    for (int d = 0; d < headDim; d++) {
                        kc[dst + d] = ScalarDecodeKernels.floatToBf16(k[src + d]);
                        vc[dst + d] = ScalarDecodeKernels.floatToBf16(v[src + d]);
                    }
                }
            }
        }
    }

    /**
     * The number of cached positions of a slot (the position of its next token).
     *
     * @param slot the slot
     * @return its length
     */
    public int length(int slot) {
        return length[slot];
    }

    /**
     * Sets a slot's length after its positions were written.
     *
     * @param slot the slot
     * @param len the new length, at most the capacity
     * @throws IllegalArgumentException if {@code len} is negative or above the capacity
     */
    public void setLength(int slot, int len) {
        if (len < 0 || len > capacity)
            throw new IllegalArgumentException("DecodeCache: length " + len + " outside [0, " + capacity + "]");
        length[slot] = len;
    }

    /**
     * Forgets a slot's positions (the arrays are not cleared: they are overwritten before use).
     *
     * @param slot the slot
     */
    public void reset(int slot) {
        length[slot] = 0;
    }

    /**
     * The most positions per slot.
     *
     * @return the capacity
     */
    public int capacity() {
        return capacity;
    }

    /**
     * The number of slots.
     *
     * @return the slots
     */
    public int slots() {
        return slots;
    }

    /**
     * The number of layers.
     *
     * @return the layers
     */
    public int layers() {
        return layers;
    }

    /** {@return floats per position and layer: kv heads × head dim} */
    public int kvDim() {
        return kvHeads * headDim;
    }

    /** {@return key/value heads per layer} */
    public int kvHeads() {
        return kvHeads;
    }

    /** {@return floats per head} */
    public int headDim() {
        return headDim;
    }
}
