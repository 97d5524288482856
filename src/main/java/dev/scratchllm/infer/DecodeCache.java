package dev.scratchllm.infer;

/**
 * The key/value cache of the inference path, allocated once for a number of sequence slots and
 * a capacity in positions, and written in place: layer {@code l}'s keys are one
 * {@code float[slots · capacity · kvDim]}, position {@code p} of slot {@code s} at
 * {@link #offset(int, int) (s·capacity + p)·kvDim}, its {@code kvDim = kv_heads · head_dim}
 * values in head order (the projection's output as it comes, so a head's keys are
 * {@code head_dim} floats every {@code kvDim}). Values likewise. Each slot has its own length
 * (the position of its next token), so sequences of different lengths share one cache.
 * Any architecture with per-layer keys and values of one width uses it (grouped-query attention
 * just has fewer kv heads).
 */
public final class DecodeCache {
    private final int layers, slots, capacity, kvDim;
    private final float[][] keys, values;
    private final int[] length;

    /**
     * Allocates the cache (zeros).
     *
     * @param layers the number of attention layers
     * @param slots the number of sequences it holds at once
     * @param capacity the most positions per sequence (the context length)
     * @param kvDim floats per position and layer: kv heads × head dim
     * @throws IllegalArgumentException if a size is not positive or a layer would exceed 2^31 floats
     */
    public DecodeCache(int layers, int slots, int capacity, int kvDim) {
        if (layers < 1 || slots < 1 || capacity < 1 || kvDim < 1)
            throw new IllegalArgumentException("DecodeCache: sizes must be positive, got layers=" + layers + " slots=" + slots
                    + " capacity=" + capacity + " kvDim=" + kvDim);
        long perLayer = (long) slots * capacity * kvDim;
        if (perLayer > Integer.MAX_VALUE - 16)
            throw new IllegalArgumentException("DecodeCache: " + slots + " slots × " + capacity + " positions × " + kvDim
                    + " floats do not fit in one array per layer");
        this.layers = layers;
        this.slots = slots;
        this.capacity = capacity;
        this.kvDim = kvDim;
        keys = new float[layers][(int) perLayer];
        values = new float[layers][(int) perLayer];
        length = new int[slots];
    }

    /**
     * Layer {@code l}'s keys (all slots).
     *
     * @param l the layer
     * @return the array, written in place
     */
    public float[] keys(int l) {
        return keys[l];
    }

    /**
     * Layer {@code l}'s values (all slots).
     *
     * @param l the layer
     * @return the array, written in place
     */
    public float[] values(int l) {
        return values[l];
    }

    /**
     * Where position {@code pos} of slot {@code slot} starts in every layer's arrays.
     *
     * @param slot the slot
     * @param pos the position
     * @return the index of its first float
     */
    public int offset(int slot, int pos) {
        return (slot * capacity + pos) * kvDim;
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

    /**
     * Floats per position and layer.
     *
     * @return kv heads × head dim
     */
    public int kvDim() {
        return kvDim;
    }
}
