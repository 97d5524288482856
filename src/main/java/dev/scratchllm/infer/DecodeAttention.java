package dev.scratchllm.infer;

import dev.scratchllm.kernels.DecodeKernels;
import dev.scratchllm.kernels.Parallel;

/**
 * The attention step of the inference path ({@link GPTInference}, {@link RoPEInference}): every
 * (query row, head) pair against its slot's cached positions, fused ({@link DecodeKernels#attend}),
 * split over {@link Parallel}'s threads by (row, head). It does not project, cache or mask:
 * the caller has appended the new keys and values, and each query row sees the positions up to
 * its own. Grouped-query attention reads kv head {@code h / group}. Allocates nothing per call.
 */
final class DecodeAttention implements Parallel.RangeBody {

    private final DecodeKernels dk;
    private final DecodeCache cache;
    private final int heads, headDim, group, qStride;
    private final float scale;
    private final float[] q, att;
    private final ThreadLocal<float[]> scratch = ThreadLocal.withInitial(() -> new float[DecodeKernels.ATTEND_SCRATCH]);
    private int layer, p0, slot;
    private int[] slots;
    private boolean prefill;

    /**
     * @param dk the kernels
     * @param cache the key/value cache
     * @param heads query heads per row
     * @param headDim floats per head
     * @param group query heads per kv head
     * @param q the queries, row {@code i} at {@code i·heads·headDim}
     * @param att the outputs, laid out as q
     */
    DecodeAttention(DecodeKernels dk, DecodeCache cache, int heads, int headDim, int group, float[] q, float[] att) {
        this.dk = dk;
        this.cache = cache;
        this.heads = heads;
        this.headDim = headDim;
        this.group = group;
        this.qStride = heads * headDim;
        this.scale = (float) (1.0 / Math.sqrt(headDim));
        this.q = q;
        this.att = att;
    }

    /** Rows {@code 0 ≤ i < len} are positions {@code p0 + i} of one slot (the prompt). */
    void prefill(int layer, int slot, int p0, int len) {
        this.layer = layer;
        this.slot = slot;
        this.p0 = p0;
        prefill = true;
        Parallel.forRange(len * heads, 1, this);
    }

    /** Row {@code i} is the newest position of {@code slots[i]}, whose length is not yet advanced. */
    void decode(int layer, int m, int[] slots) {
        this.layer = layer;
        this.slots = slots;
        prefill = false;
        Parallel.forRange(m * heads, 1, this);
        this.slots = null;
    }

    @Override
    public void run(int s, int end) {
        float[] sc = scratch.get();
        boolean bf16 = cache.bf16();
        for (int it = s; it < end; it++) {
            int i = it / heads, hh = it % heads;
            int sl = prefill ? slot : slots[i];
            int n = prefill ? p0 + i + 1 : cache.length(sl) + 1;                       // causal: positions 0..own
            int qo = i * qStride + hh * headDim, kvOff = cache.offset(sl, hh / group, 0);
            if (bf16) dk.attendBF16(q, qo, cache.keysBF16(layer), cache.valuesBF16(layer), kvOff, headDim, n, headDim, scale, att, qo, sc);
            else dk.attend(q, qo, cache.keys(layer), cache.values(layer), kvOff, headDim, n, headDim, scale, att, qo, sc);
        }
    }
}
