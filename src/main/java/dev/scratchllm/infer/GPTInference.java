package dev.scratchllm.infer;

import dev.scratchllm.gpt.GPTConfig;
import dev.scratchllm.gpt.GPTModel;
import dev.scratchllm.kernels.DecodeKernels;
import dev.scratchllm.kernels.KernelProvider;
import dev.scratchllm.kernels.Kernels;
import dev.scratchllm.kernels.Parallel;
import dev.scratchllm.nn.LayerNorm;
import dev.scratchllm.tensor.Tensor;

/**
 * The book's {@link GPTModel} on the inference path: the same forward pass (eval mode, no
 * dropout) over plain arrays, with no autograd graph and no allocation per token.
 *
 * <p>Everything is allocated by the constructor: the {@link DecodeCache} for {@code maxBatch}
 * sequences of {@code capacity} positions, and activation buffers for a whole prompt. The prompt
 * ({@link #prefill}) runs on the packed GEMM path ({@link Kernels#gemm}), its keys and values
 * written straight into the cache, and computes logits for its last position only. Each new
 * token ({@link #decode}) runs the matrix-vector kernels of {@link DecodeKernels}, split by
 * output rows over the worker threads ({@link ParallelGemv}; the query, key and value
 * projections as one step), and fused single-query attention over the cache, split by
 * (sequence, head). Several sequences decode together in one pass over the weights.
 *
 * <p>Weights stay the model's float32 arrays (shared, not copied) or are converted once to
 * bfloat16 or Q8_0 ({@link WeightFormat}), and with Q8_0 the key/value cache is bfloat16;
 * biases, layer norms and embeddings stay float32. The
 * output head is whatever {@code out_head} is (the vocabulary, or chapter 6's classes).
 * One instance serves one thread of control at a time. It reads the arrays the model held when
 * it was built: after {@code loadStateDict} replaces them, build a new instance.
 */
public final class GPTInference implements CausalLM {
    private final Kernels k = KernelProvider.get();
    private final DecodeKernels dk = DecodeKernels.get();
    private final int e, heads, headDim, ffDim, vocab, embRows, layersN, maxBatch, capacity, rows;
    private final float[] tokEmb, posEmb, finalScale, finalShift;
    private final Layer[] layers;
    private final WeightMatrix head;
    private final WeightFormat format;
    private final GPTConfig config;
    private final DecodeCache cache;
    private final float[] x, h, q, kNew, vNew, att, f, y, mean, rstd, dequant;
    private final ParallelGemv gemv;
    private final DecodeAttention attention;
    /** Head rows per step of the fused greedy pick (a 256-byte buffer per vector, in L1). */
    static final int HEAD_CHUNK = 64;
    private final GreedyHead greedyHead;

    /** One transformer block's parameters. */
    private static final class Layer {
        float[] ln1Scale, ln1Shift, ln2Scale, ln2Shift, bq, bk, bv, bo, b1, b2;
        WeightMatrix wq, wk, wv, wo, w1, w2;
    }

    /**
     * Float32 inference for one sequence over the model's whole context.
     *
     * @param model the model (its current weights; eval-mode semantics)
     */
    public GPTInference(GPTModel model) {
        this(model, WeightFormat.F32, 1, model.config().contextLength());
    }

    /**
     * Inference in a weight format for up to {@code maxBatch} sequences at once.
     *
     * @param model the model
     * @param format how the matrices are stored (float32 shares the model's arrays)
     * @param maxBatch the number of sequence slots
     * @param capacity the positions per slot, at most the model's context length (the book's
     *        {@code context_size})
     * @throws IllegalArgumentException if {@code maxBatch} or {@code capacity} is out of range,
     *         or Q8_0 is asked for with a row length that is not a multiple of 32
     */
    public GPTInference(GPTModel model, WeightFormat format, int maxBatch, int capacity) {
        this(model.config(), format, maxBatch, capacity, modelParts(model.stateDict(), format));
    }

    /**
     * Where the constructor finds the parameters, by the book's state-dict names
     * ({@code trf_blocks.0.att.W_query.weight}, …): vectors as float32 arrays, matrices in the
     * chosen format.
     */
    interface Parts {
        /**
         * A float32 parameter.
         *
         * @param name its state-dict name
         * @return its elements, or null when the model has none (an absent bias)
         */
        float[] vector(String name);

        /**
         * A weight matrix.
         *
         * @param name its state-dict name
         * @return the matrix
         */
        WeightMatrix matrix(String name);
    }

    private static Parts modelParts(java.util.Map<String, Tensor> sd, WeightFormat format) {
        return new Parts() {
            @Override
            public float[] vector(String name) {
                return data(sd.get(name));
            }

            @Override
            public WeightMatrix matrix(String name) {
                Tensor t = sd.get(name);
                if (t == null) throw new IllegalArgumentException("GPTInference: the model has no parameter " + name);
                return WeightMatrix.of(t, format);
            }
        };
    }

    /**
     * Builds the inference path from parameters by name (a model's, or a file's: {@link GPTInferenceFile}).
     *
     * @throws IllegalArgumentException if a size is out of range or a parameter is missing
     */
    GPTInference(GPTConfig cfg, WeightFormat format, int maxBatch, int capacity, Parts parts) {
        if (maxBatch < 1 || capacity < 1 || capacity > cfg.contextLength())
            throw new IllegalArgumentException("GPTInference: need 1 <= maxBatch and 1 <= capacity <= " + cfg.contextLength()
                    + ", got maxBatch=" + maxBatch + " capacity=" + capacity);
        this.config = cfg;
        this.format = format;
        e = cfg.embDim();
        heads = cfg.nHeads();
        headDim = e / heads;
        ffDim = 4 * e;
        layersN = cfg.nLayers();
        this.maxBatch = maxBatch;
        this.capacity = capacity;
        tokEmb = named(parts.vector("tok_emb.weight"), "tok_emb.weight");
        embRows = tokEmb.length / e;
        posEmb = named(parts.vector("pos_emb.weight"), "pos_emb.weight");
        finalScale = named(parts.vector("final_norm.scale"), "final_norm.scale");
        finalShift = named(parts.vector("final_norm.shift"), "final_norm.shift");
        if (parts.vector("out_head.bias") != null)
            throw new IllegalArgumentException("GPTInference: an output head with a bias is not supported");
        head = put("out_head.weight", parts.matrix("out_head.weight"));
        vocab = head.rows();
        layers = new Layer[layersN];
        for (int i = 0; i < layersN; i++) {
            String b = "trf_blocks." + i + ".";
            Layer l = new Layer();
            l.ln1Scale = named(parts.vector(b + "norm1.scale"), b + "norm1.scale");
            l.ln1Shift = named(parts.vector(b + "norm1.shift"), b + "norm1.shift");
            l.ln2Scale = named(parts.vector(b + "norm2.scale"), b + "norm2.scale");
            l.ln2Shift = named(parts.vector(b + "norm2.shift"), b + "norm2.shift");
            l.wq = put(b + "att.W_query.weight", parts.matrix(b + "att.W_query.weight"));
            l.wk = put(b + "att.W_key.weight", parts.matrix(b + "att.W_key.weight"));
            l.wv = put(b + "att.W_value.weight", parts.matrix(b + "att.W_value.weight"));
            l.wo = put(b + "att.out_proj.weight", parts.matrix(b + "att.out_proj.weight"));
            l.bq = optional(parts.vector(b + "att.W_query.bias"), b + "att.W_query.bias");
            l.bk = optional(parts.vector(b + "att.W_key.bias"), b + "att.W_key.bias");
            l.bv = optional(parts.vector(b + "att.W_value.bias"), b + "att.W_value.bias");
            l.bo = optional(parts.vector(b + "att.out_proj.bias"), b + "att.out_proj.bias");
            l.w1 = put(b + "ff.layers.0.weight", parts.matrix(b + "ff.layers.0.weight"));
            l.w2 = put(b + "ff.layers.2.weight", parts.matrix(b + "ff.layers.2.weight"));
            l.b1 = optional(parts.vector(b + "ff.layers.0.bias"), b + "ff.layers.0.bias");
            l.b2 = optional(parts.vector(b + "ff.layers.2.bias"), b + "ff.layers.2.bias");
            layers[i] = l;
        }
        cache = DecodeCache.forWeights(layersN, maxBatch, capacity, heads, headDim, format);                  // bfloat16 for Q8_0
        rows = Math.max(capacity, maxBatch);
        x = new float[rows * e];
        h = new float[rows * e];
        q = new float[rows * e];
        att = new float[rows * e];
        attention = new DecodeAttention(dk, cache, heads, headDim, 1, q, att);
        y = new float[rows * e];
        f = new float[rows * ffDim];
        kNew = new float[maxBatch * e];
        vNew = new float[maxBatch * e];
        mean = new float[rows];
        rstd = new float[rows];
        dequant = format == WeightFormat.F32 ? null
                : new float[WeightMatrix.DEQUANT_ROWS * Math.max(ffDim, e)];
        gemv = new ParallelGemv(dk);
        greedyHead = new GreedyHead();
    }

    /**
     * Another instance over the same weights (not copied, whatever the format) with its own cache
     * and buffers: one per thread of control, e.g. one per concurrent request of a server.
     *
     * @param maxBatch the sibling's sequence slots
     * @param capacity its positions per slot, at most the model's context length
     * @return the sibling
     * @throws IllegalArgumentException if {@code maxBatch} or {@code capacity} is out of range
     */
    public GPTInference sibling(int maxBatch, int capacity) {
        return new GPTInference(config, format, maxBatch, capacity, new Parts() {
            @Override
            public float[] vector(String name) {
                return (float[]) named.get(name);
            }

            @Override
            public WeightMatrix matrix(String name) {
                return (WeightMatrix) named.get(name);
            }
        });
    }

    private static float[] data(Tensor t) {
        return t == null ? null : t.contiguousData();
    }

    /** Every parameter by state-dict name, in the model's order, for {@link GPTInferenceFile#save}. */
    private final java.util.LinkedHashMap<String, Object> named = new java.util.LinkedHashMap<>();

    private float[] named(float[] v, String name) {
        if (v == null) throw new IllegalArgumentException("GPTInference: no parameter " + name);
        named.put(name, v);
        return v;
    }

    private float[] optional(float[] v, String name) {
        if (v != null) named.put(name, v);
        return v;
    }

    private WeightMatrix put(String name, WeightMatrix w) {
        named.put(name, w);
        return w;
    }

    /**
     * The parameters by state-dict name: {@code float[]} vectors and {@link WeightMatrix} matrices.
     *
     * @return a read-only view, in the model's order
     */
    java.util.Map<String, Object> parameters() {
        return java.util.Collections.unmodifiableMap(named);
    }

    /**
     * The model's shape (its context length is the model's, not this instance's capacity).
     *
     * @return the configuration
     */
    public GPTConfig config() {
        return config;
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
        return maxBatch;
    }

    @Override
    public int length(int slot) {
        return cache.length(slot);
    }

    @Override
    public void reset(int slot) {
        cache.reset(slot);
    }

    /** {@return the number of weights: every matrix, embedding, norm and bias (a GPTModel's numParameters)} */
    public long parameterCount() {
        long n = 0;
        for (Object v : named.values()) n += v instanceof float[] a ? a.length : (long) ((WeightMatrix) v).rows() * ((WeightMatrix) v).cols();
        return n;
    }

    /**
     * The weight format of the matrices.
     *
     * @return the format
     */
    public WeightFormat format() {
        return format;
    }

    /**
     * The bytes of matrix weights one decoding step reads (every matrix once, head included).
     *
     * @return the size in bytes
     */
    public long weightBytesPerToken() {
        long s = head.bytes();
        for (Layer l : layers) s += l.wq.bytes() + l.wk.bytes() + l.wv.bytes() + l.wo.bytes() + l.w1.bytes() + l.w2.bytes();
        return s;
    }

    /**
     * The cache (for tests and for code that inspects it).
     *
     * @return the cache
     */
    public DecodeCache cache() {
        return cache;
    }

    // ------------------------------------------------------------------ prompt

    @Override
    public void prefill(int slot, int[] tokens, int off, int len, float[] logits, int lOff) {
        checkSlot(slot);
        int p0 = cache.length(slot);
        if (len < 1 || p0 + len > capacity)
            throw new IllegalArgumentException("GPTInference.prefill: " + p0 + " cached + " + len + " new tokens exceed the capacity " + capacity);
        for (int t = 0; t < len; t++) embed(tokens[off + t], p0 + t, t);             // x: (T, E)
        for (int li = 0; li < layersN; li++) {
            Layer l = layers[li];
            k.layerNormRows(x, 0, l.ln1Scale, l.ln1Shift, LayerNorm.EPS, h, 0, mean, rstd, len, e);
            linear(l.wq, l.bq, len, h, e, q, 0);                                       // (T, E)
            linear(l.wk, l.bk, len, h, e, y, 0);                                       // keys (T, E) in y, values in f
            linear(l.wv, l.bv, len, h, e, f, 0);
            cache.write(li, slot, p0, len, y, f, 0, e);                                // rows p0.. of the slot, per head
            attention.prefill(li, slot, p0, len);                                      // att: (T, E)
            linear(l.wo, l.bo, len, att, e, y, 0);
            k.add(x, 0, y, 0, x, 0, len * e);                                          // shortcut
            k.layerNormRows(x, 0, l.ln2Scale, l.ln2Shift, LayerNorm.EPS, h, 0, mean, rstd, len, e);
            linear(l.w1, l.b1, len, h, e, f, 0);                                       // (T, 4E)
            k.gelu(f, 0, f, 0, len * ffDim);
            linear(l.w2, l.b2, len, f, ffDim, y, 0);                                   // (T, E)
            k.add(x, 0, y, 0, x, 0, len * e);
        }
        cache.setLength(slot, p0 + len);
        int last = (len - 1) * e;                                                      // only the last position's logits
        k.layerNormRows(x, last, finalScale, finalShift, LayerNorm.EPS, h, 0, mean, rstd, 1, e);
        gemv.clear().add(head, null, logits, lOff, vocab, false).run(h, 0, e, 1);
    }

    /** {@code out[t] = in[t]·Wᵀ + b} for {@code t} rows, on the GEMM path; row stride {@code w.rows()}. */
    private void linear(WeightMatrix w, float[] b, int t, float[] in, int ldIn, float[] out, int outOff) {
        w.matmul(k, t, in, 0, ldIn, out, outOff, w.rows(), dequant);
        if (b != null) k.addRowVector(out, outOff, b, 0, out, outOff, t, w.rows());
    }

    private void embed(int token, int pos, int row) {
        if (token < 0 || token >= embRows)
            throw new IllegalArgumentException("GPTInference: token id " + token + " outside the vocabulary [0, " + embRows + ")");
        k.add(tokEmb, token * e, posEmb, pos * e, x, row * e, e);
    }

    private void checkSlot(int slot) {
        if (slot < 0 || slot >= maxBatch)
            throw new IllegalArgumentException("GPTInference: slot " + slot + " outside [0, " + maxBatch + ")");
    }

    // ------------------------------------------------------------------ one token per sequence

    @Override
    public void decode(int m, int[] slots, int[] tokens, float[] logits, int lOff) {
        forward(m, slots, tokens);
        gemv.clear().add(head, null, logits, lOff, vocab, false).run(h, 0, e, m);    // (m, vocab)
    }

    /** One token per slot through every block and the final norm: h holds the head's inputs (m, E). */
    private void forward(int m, int[] slots, int[] tokens) {
        if (m < 1 || m > maxBatch)
            throw new IllegalArgumentException("GPTInference.decode: " + m + " sequences, expected 1.." + maxBatch);
        for (int i = 0; i < m; i++) {
            checkSlot(slots[i]);
            int pos = cache.length(slots[i]);
            if (pos >= capacity)
                throw new IllegalArgumentException("GPTInference.decode: slot " + slots[i] + " is full (" + capacity + " positions)");
            embed(tokens[i], pos, i);                                                  // x: (m, E)
        }
        for (int li = 0; li < layersN; li++) {
            Layer l = layers[li];
            k.layerNormRows(x, 0, l.ln1Scale, l.ln1Shift, LayerNorm.EPS, h, 0, mean, rstd, m, e);
            gemv.clear().add(l.wq, l.bq, q, 0, e, false).add(l.wk, l.bk, kNew, 0, e, false)
                    .add(l.wv, l.bv, vNew, 0, e, false).run(h, 0, e, m);                // q, k, v: (m, E)
            for (int i = 0; i < m; i++)                                                // append to each slot's cache
                cache.write(li, slots[i], cache.length(slots[i]), 1, kNew, vNew, i * e, e);
            attention.decode(li, m, slots);                                            // att: (m, E)
            gemv.clear().add(l.wo, l.bo, x, 0, e, true).run(att, 0, e, m);            // x += att·Woᵀ + bo
            k.layerNormRows(x, 0, l.ln2Scale, l.ln2Shift, LayerNorm.EPS, h, 0, mean, rstd, m, e);
            gemv.clear().add(l.w1, l.b1, f, 0, ffDim, false).run(h, 0, e, m);         // (m, 4E)
            k.gelu(f, 0, f, 0, m * ffDim);
            gemv.clear().add(l.w2, l.b2, x, 0, e, true).run(f, 0, ffDim, m);          // x += gelu(..)·W2ᵀ + b2
        }
        for (int i = 0; i < m; i++) cache.setLength(slots[i], cache.length(slots[i]) + 1);
        k.layerNormRows(x, 0, finalScale, finalShift, LayerNorm.EPS, h, 0, mean, rstd, m, e);
    }

    @Override
    public void decodeGreedy(int m, int[] slots, int[] tokens, int[] next, float[] logits) {
        forward(m, slots, tokens);
        greedyHead.run(m, next);
    }

    /**
     * The output head fused with the greedy pick: each thread computes its share of the head's
     * rows {@value #HEAD_CHUNK} at a time into a small per-thread buffer and keeps each chunk's
     * first maximum, so no logits row is written or read back. The head's kernel gives a row the
     * same bits whatever the row range, so the pick is the unfused one's.
     */
    private final class GreedyHead implements Parallel.RangeBody {
        private final ThreadLocal<float[]> buf = ThreadLocal.withInitial(() -> new float[HEAD_CHUNK * maxBatch]);
        private final float[] chunkMax;
        private final int[] chunkArg;
        private final int chunks;
        private int m;

        GreedyHead() {
            chunks = (vocab + HEAD_CHUNK - 1) / HEAD_CHUNK;
            chunkMax = new float[chunks * maxBatch];
            chunkArg = new int[chunks * maxBatch];
        }

        void run(int count, int[] next) {
            m = count;
            Parallel.forRange(chunks, Math.max(1, ParallelGemv.MIN_ROWS / HEAD_CHUNK), this);
            for (int i = 0; i < m; i++) {                                              // chunks in order: first max wins
                int best = chunkArg[i];
                float bv = chunkMax[i];
                for (int c = 1; c < chunks && !Float.isNaN(bv); c++) {
                    float v = chunkMax[c * maxBatch + i];
                    if (Float.isNaN(v) || v > bv) {
                        bv = v;
                        best = chunkArg[c * maxBatch + i];
                    }
                }
                next[i] = best;
            }
        }

        @Override
        public void run(int c0, int c1) {
            float[] y = buf.get();
            for (int c = c0; c < c1; c++) {
                int r0 = c * HEAD_CHUNK, r1 = Math.min(vocab, r0 + HEAD_CHUNK), n = r1 - r0;
                head.gemv(dk, r0, r1, m, h, 0, e, null, y, -r0, HEAD_CHUNK, false);     // y[i·CHUNK + (r − r0)]
                for (int i = 0; i < m; i++) {
                    int a = Sampler.argmax(y, i * HEAD_CHUNK, n);
                    chunkMax[c * maxBatch + i] = y[i * HEAD_CHUNK + a];
                    chunkArg[c * maxBatch + i] = r0 + a;
                }
            }
        }
    }
}
