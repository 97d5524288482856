// RoPEInference: Llama 3 and Qwen3 (dense and mixture-of-experts) on the inference path — the
// forward pass of attention.RoPEDecoderModel in eval mode over plain arrays, with no autograd graph
// and nothing allocated per token; and a loader that fills it from a Hugging Face directory tensor
// by tensor, without building the float32 model first.
// It does: RMSNorm as nn.RMSNorm computes it, RoPE with the model's own tables (Llama 3's frequency
// scaling included), grouped-query attention over a DecodeCache that holds each kv head once,
// Qwen3's QK-norm, SwiGLU (silu(fc1)·fc2 → fc3), top-k expert routing (softmax over the chosen
// scores) and a tied or untied head; prompts on the GEMM path, tokens on ParallelGemv.
// It does not: sample (Decoding and Sampler do), train, or read anything but Hugging Face's
// safetensors layout (config.json via Llama3Weights / Qwen3Weights, names via HFWeights).
package dev.scratchllm.infer;

import dev.scratchllm.attention.GroupedQueryAttention;
import dev.scratchllm.attention.RoPE;
import dev.scratchllm.attention.RoPEDecoderModel;
import dev.scratchllm.attention.RoPETransformerBlock;
import dev.scratchllm.io.HFCheckpoint;
import dev.scratchllm.io.HFWeights;
import dev.scratchllm.kernels.DecodeKernels;
import dev.scratchllm.kernels.KernelProvider;
import dev.scratchllm.kernels.Kernels;
import dev.scratchllm.kernels.Parallel;
import dev.scratchllm.llama.Llama3Config;
import dev.scratchllm.llama.Llama3Model;
import dev.scratchllm.llama.Llama3Weights;
import dev.scratchllm.nn.Module;
import dev.scratchllm.nn.RMSNorm;
import dev.scratchllm.nn.SwiGLUFeedForward;
import dev.scratchllm.qwen.MoEFeedForward;
import dev.scratchllm.qwen.Qwen3Config;
import dev.scratchllm.qwen.Qwen3Model;
import dev.scratchllm.qwen.Qwen3Weights;
import dev.scratchllm.tensor.Tensor;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Llama 3 and Qwen3 ({@link RoPEDecoderModel}: dense or mixture-of-experts) on the inference
 * path: the same forward pass as the model in eval mode, over plain arrays, with no autograd graph
 * and no allocation per token. It is {@link GPTInference}'s counterpart and serves the same
 * generation loop ({@link Decoding}) through {@link CausalLM}.
 *
 * <p>Per block: {@code x += out_proj(attn(rope(qnorm(W_query·n)), rope(knorm(W_key·n)), W_value·n))}
 * with {@code n = norm1(x)}, then {@code x += fc3(silu(fc1·m) ⊙ fc2·m)} with {@code m = norm2(x)}
 * (for a mixture of experts: the router {@code gate} scores the experts, the top
 * {@code num_experts_per_tok} scores are softmaxed, and the chosen experts' outputs are added in
 * ascending expert order with those weights, as {@code MoEFeedForward} does). Keys and values are
 * cached once per kv head ({@code kvDim = kv_heads · head_dim} floats per position and layer, in a
 * {@link DecodeCache}); query head {@code h} reads kv head {@code h / group_size}. Prompts
 * ({@link #prefill}) run on the packed GEMM path in chunks of at most 256 tokens (exact: each chunk
 * attends to the cache), each new token ({@link #decode}) on {@link ParallelGemv} and
 * {@link DecodeKernels#attend}; several sequences decode together in one pass over the weights.
 *
 * <p>Weights: float32 shares the model's arrays; BF16 and Q8_0 convert once. The token embedding
 * is stored in the same format (a looked-up row is widened to float32) and, when the head is tied,
 * is the head: one copy. Norm weights stay float32.
 *
 * <p>Heap ({@link #load}; weights, excluding the cache): Llama 3.2 1B (1.236 G unique parameters,
 * tied) needs ≈ 4.9 GB in float32, ≈ 2.5 GB in BF16, ≈ 1.4 GB in Q8_0; Qwen3 0.6B (0.596 G) ≈ 2.4 GB,
 * ≈ 1.2 GB and ≈ 0.67 GB. Loading BF16 files in BF16 or F32 needs nothing more; Q8_0 (and BF16 from
 * F32/F16 files) widens one tensor at a time to float32 first, so add the largest tensor in float32
 * (the embedding: 1.05 GB for Llama 3.2 1B, 0.62 GB for Qwen3 0.6B). The cache takes
 * {@code layers · 2 · kvDim · 4} bytes per position and slot: 64 KiB for Llama 3.2 1B,
 * 112 KiB for Qwen3 0.6B (so 128 MiB and 224 MiB for 2,048 positions); half that with Q8_0
 * weights, whose cache is bfloat16. The constructor from a
 * model adds the same to the model's own float32 arrays (nothing for {@link WeightFormat#F32}).
 *
 * <pre>{@code
 * RoPEInference lm = RoPEInference.load(Path.of("Llama-3.2-1B-Instruct"), WeightFormat.BF16, 1, 4096);
 * int[] out = new Decoding(lm).generate(promptIds, 64, SamplingParams.GREEDY, null, eotId);
 * }</pre>
 *
 * One instance serves one thread of control at a time. The constructor reads the arrays the
 * model holds when it is called: after {@code loadStateDict} replaces them, build a new instance.
 */
public final class RoPEInference implements CausalLM {
    /** The most prompt tokens run through the GEMM path at once (a longer prompt runs in chunks). */
    static final int PREFILL_CHUNK = 256;

    private final Kernels k = KernelProvider.get();
    private final DecodeKernels dk = DecodeKernels.get();
    private final int e, heads, kvHeads, headDim, qDim, kvDim, group, ffDim, experts, topK, vocab, layersN, maxBatch, capacity, rows;
    private final float normEps, qkEps;
    private final float[] cos, sin, finalW;
    private final Layer[] layers;
    private final WeightMatrix emb, head;
    private final WeightFormat format;
    private final DecodeCache cache;
    private final float[] x, h, q, kNew, vNew, att, y, f1, f2, f3, dequant;
    // mixture of experts: router scores, chosen experts and weights, the rows routed to one expert
    private final float[] router, topW, moeOut, xg, yg;
    private final int[] topIdx, routedRow, routedSlot;
    private final ParallelGemv gemv;
    private final DecodeAttention attention;
    private final Dims dims;                 // kept so that a sibling shares the weights
    private final Weights weights;
    private final int contextLength;

    /** One transformer block's parameters. */
    private static final class Layer {
        float[] n1, n2, qNorm, kNorm;
        WeightMatrix wq, wk, wv, wo, w1, w2, w3, gate;
        WeightMatrix[] e1, e2, e3;
    }

    /** The sizes a model has, from its modules or from config.json. */
    private record Dims(int vocab, int emb, int layers, int heads, int kvHeads, int headDim, int ffDim, int experts, int topK,
                        boolean qkNorm, boolean qwenNames, float normEps, float qkEps, boolean tied, float[] cos, float[] sin,
                        int positions) {
    }

    /** The weights, read once. */
    private record Weights(WeightMatrix emb, WeightMatrix head, Layer[] layers, float[] finalNorm) {
    }

    /** Where the weights come from, by our parameter names ({@code trf_blocks.0.att.W_query.weight}, …). */
    private interface Source {
        WeightMatrix matrix(String name, int rows, int cols) throws IOException;

        float[] vector(String name, int n) throws IOException;
    }

    /**
     * Float32 inference for one sequence over the model's whole context.
     *
     * @param model a Llama 3 or Qwen3 model (its current weights; eval-mode semantics)
     */
    public RoPEInference(RoPEDecoderModel<?> model) {
        this(model, WeightFormat.F32, 1, model.contextLength());
    }

    /**
     * Inference in a weight format for up to {@code maxBatch} sequences at once.
     *
     * @param model a Llama 3 or Qwen3 model (blocks of {@link GroupedQueryAttention} with a
     *        {@link SwiGLUFeedForward} or {@link MoEFeedForward})
     * @param format how the matrices are stored (float32 shares the model's arrays)
     * @param maxBatch the number of sequence slots
     * @param capacity the positions per slot, at most the model's context length
     * @throws IllegalArgumentException if {@code maxBatch} or {@code capacity} is out of range, a
     *         block has another feed-forward, or Q8_0 is asked for with a row length that is not a
     *         multiple of 32
     */
    public RoPEInference(RoPEDecoderModel<?> model, WeightFormat format, int maxBatch, int capacity) {
        this(dimsOf(model), modelWeights(model, format), format, maxBatch, capacity, model.contextLength());
    }

    private static Weights modelWeights(RoPEDecoderModel<?> model, WeightFormat format) {
        try {
            return build(dimsOf(model), modelSource(model, format));
        } catch (IOException ex) {
            throw new java.io.UncheckedIOException(ex);   // a model source does no I/O
        }
    }

    private static Dims dimsOf(RoPEDecoderModel<?> model) {
        RoPETransformerBlock b = model.trfBlocks().get(0);
        GroupedQueryAttention a = b.att();
        Module ff = b.ff();
        int ffDim, experts = 0, topK = 0;
        if (ff instanceof SwiGLUFeedForward s) ffDim = s.fc1().weight().size(0);
        else if (ff instanceof MoEFeedForward m) {
            experts = m.numExperts();
            topK = m.numExpertsPerTok();
            ffDim = m.expertLayer("fc1", 0).weight().size(0);
        } else throw new IllegalArgumentException("RoPEInference: feed-forward " + ff.getClass().getSimpleName() + " is not supported");
        RMSNorm fin = model.finalNorm();
        for (RoPETransformerBlock blk : model.trfBlocks())
            if (blk.norm1().shift() != null || blk.norm2().shift() != null || blk.norm1().eps() != fin.eps() || blk.norm2().eps() != fin.eps())
                throw new IllegalArgumentException("RoPEInference: norms with a shift or with different eps are not supported");
        if (fin.shift() != null) throw new IllegalArgumentException("RoPEInference: a final norm with a shift is not supported");
        Tensor emb = model.tokEmb().weight();
        return new Dims(emb.size(0), emb.size(1), model.trfBlocks().size(), a.numHeads(), a.numKvGroups(), a.headDim(), ffDim, experts, topK,
                a.qNorm() != null, fin.isQwenStyle(), fin.eps(), a.qNorm() == null ? 0f : a.qNorm().eps(), model.isTied(),
                model.cos().contiguousData(), model.sin().contiguousData(), model.cos().size(0));
    }

    private static Source modelSource(RoPEDecoderModel<?> model, WeightFormat format) {
        Map<String, Tensor> p = model.namedParameters();
        return new Source() {
            private Tensor get(String name, int... shape) {
                Tensor t = p.get(name);
                if (t == null) throw new IllegalArgumentException("RoPEInference: the model has no parameter " + name);
                if (!Arrays.equals(t.shape(), shape))
                    throw new IllegalArgumentException("RoPEInference: " + name + " has shape " + Arrays.toString(t.shape())
                            + ", expected " + Arrays.toString(shape));
                return t;
            }

            @Override
            public WeightMatrix matrix(String name, int rows, int cols) {
                try {
                    return WeightMatrix.of(get(name, rows, cols), format);
                } catch (IllegalArgumentException ex) {
                    throw new IllegalArgumentException("RoPEInference: " + name + ": " + ex.getMessage(), ex);
                }
            }

            @Override
            public float[] vector(String name, int n) {
                return get(name, n).contiguousData();
            }
        };
    }

    // ------------------------------------------------------------------ loading from Hugging Face files

    /** {@return the number of parameters: each matrix and norm weight once (a tied head is the embedding)} */
    public long parameterCount() {
        long n = count(weights.emb()) + (weights.head() == weights.emb() ? 0 : count(weights.head())) + weights.finalNorm().length;
        for (Layer l : weights.layers()) {
            for (WeightMatrix m : new WeightMatrix[] {l.wq, l.wk, l.wv, l.wo, l.w1, l.w2, l.w3, l.gate}) n += count(m);
            for (WeightMatrix[] ms : new WeightMatrix[][] {l.e1, l.e2, l.e3})
                if (ms != null) for (WeightMatrix m : ms) n += count(m);
            for (float[] v : new float[][] {l.n1, l.n2, l.qNorm, l.kNorm}) n += v == null ? 0 : v.length;
        }
        return n;
    }

    private static long count(WeightMatrix m) {
        return m == null ? 0 : (long) m.rows() * m.cols();
    }

    /**
     * Another instance over the same weights (not copied, whatever the format) with its own cache
     * and buffers: one per thread of control, e.g. one per concurrent request of a server.
     *
     * @param maxBatch the sibling's sequence slots
     * @param capacity its positions per slot, at most what this instance's RoPE tables cover
     * @return the sibling
     * @throws IllegalArgumentException if {@code maxBatch} or {@code capacity} is out of range
     */
    public RoPEInference sibling(int maxBatch, int capacity) {
        return new RoPEInference(dims, weights, format, maxBatch, capacity, contextLength);
    }

    /**
     * Loads a Llama 3 or Qwen3 (dense or MoE) Hugging Face directory straight into the inference
     * weights, one tensor at a time, never holding a float32 model: BF16 tensors become
     * {@link WeightFormat#BF16} matrices as they are on disk; otherwise each tensor is read as
     * float32 and kept (F32) or converted (BF16, Q8_0). The architecture comes from config.json's
     * {@code model_type} ({@code llama}, {@code qwen3}, {@code qwen3_moe}), the sizes from
     * {@link Llama3Weights#config} / {@link Qwen3Weights#config}, the names from
     * {@link HFWeights#llamaQwenName}; every tensor's presence, shape and dtype is checked before
     * any is read, and the head is tied as {@link HFWeights#tiedEmbeddings} says. RoPE tables are
     * computed for {@code capacity} positions only. See the class comment for the heap it needs.
     *
     * @param hfDir the model directory (config.json and model.safetensors or its index and shards)
     * @param format how the matrices are stored
     * @param maxBatch the number of sequence slots
     * @param capacity the positions per slot, at most the config's {@code max_position_embeddings}
     * @return the inference model
     * @throws IOException if a file is missing or does not fit: a missing, unexpected or mis-shaped
     *         tensor (the message names the file and the tensor), a bad config field, or (Q8_0) a
     *         row length that is not a multiple of 32
     */
    public static RoPEInference load(Path hfDir, WeightFormat format, int maxBatch, int capacity) throws IOException {
        try (HFCheckpoint ckpt = HFCheckpoint.open(hfDir)) {
            Map<String, Object> json = ckpt.config();
            String cfgName = hfDir.resolve("config.json").toString();
            if (json == null) throw new IOException(hfDir + ": no config.json");
            Object type = json.get("model_type");
            Map<String, int[]> shapes;
            Dims d;
            boolean tied = HFWeights.tiedEmbeddings(ckpt);
            if ("llama".equals(type)) {
                Llama3Config c = Llama3Weights.config(json, cfgName);
                checkCapacity(capacity, c.contextLength(), cfgName);
                RoPE.Params rp = RoPE.computeRopeParams(c.headDim(), c.ropeBase(), capacity, c.ropeFreq());
                shapes = Llama3Model.parameterShapes(c);
                d = new Dims(c.vocabSize(), c.embDim(), c.nLayers(), c.nHeads(), c.nKvGroups(), c.headDim(), c.hiddenDim(), 0, 0, false,
                        false, Llama3Model.NORM_EPS, 0f, tied, rp.cos().contiguousData(), rp.sin().contiguousData(), capacity);
            } else if ("qwen3".equals(type) || "qwen3_moe".equals(type)) {
                Qwen3Config c = Qwen3Weights.config(json, cfgName);
                checkCapacity(capacity, c.contextLength(), cfgName);
                int hd = c.resolvedHeadDim();
                RoPE.Params rp = RoPE.computeRopeParams(hd, c.ropeBase(), capacity, null);
                shapes = Qwen3Model.parameterShapes(c);
                boolean moe = c.numExperts() > 0;
                d = new Dims(c.vocabSize(), c.embDim(), c.nLayers(), c.nHeads(), c.nKvGroups(), hd, moe ? c.moeIntermediateSize() : c.hiddenDim(),
                        c.numExperts(), c.numExpertsPerTok(), c.qkNorm(), true, Qwen3Model.NORM_EPS, Qwen3Model.NORM_EPS, tied, rp.cos().contiguousData(),
                        rp.sin().contiguousData(), capacity);
            } else {
                throw new IOException(cfgName + ": field \"model_type\" is " + type + "; RoPEInference reads llama, qwen3 and qwen3_moe");
            }
            if (tied) shapes.remove("out_head.weight");
            checkTensors(ckpt, shapes, tied);
            return new RoPEInference(d, build(d, checkpointSource(ckpt, format)), format, maxBatch, capacity, capacity);
        }
    }

    private static void checkCapacity(int capacity, int contextLength, String cfgName) throws IOException {
        if (capacity < 1 || capacity > contextLength)
            throw new IOException(cfgName + ": capacity " + capacity + " is outside [1, max_position_embeddings = " + contextLength + "]");
    }

    /** HFWeights.load's checks, without a model: every tensor present, shaped and float; none unexpected. */
    private static void checkTensors(HFCheckpoint ckpt, Map<String, int[]> shapes, boolean tied) throws IOException {
        Set<String> used = new HashSet<>();
        for (var en : shapes.entrySet()) {
            String hf = HFWeights.llamaQwenName(en.getKey());
            if (!ckpt.contains(hf))
                throw new IOException(ckpt.directory() + ": missing tensor \"" + hf + "\" (for " + en.getKey() + " " + Arrays.toString(en.getValue()) + ")");
            int[] have = ckpt.shape(hf);
            if (!Arrays.equals(have, en.getValue()))
                throw new IOException(ckpt.fileOf(hf) + ": tensor \"" + hf + "\" has shape " + Arrays.toString(have) + ", expected "
                        + Arrays.toString(en.getValue()) + " for " + en.getKey());
            String dt = ckpt.dtype(hf);
            if (!dt.equals("BF16") && !dt.equals("F16") && !dt.equals("F32"))
                throw new IOException(ckpt.fileOf(hf) + ": tensor \"" + hf + "\" has dtype " + dt + ", expected BF16, F16 or F32");
            used.add(hf);
        }
        for (String n : ckpt.names())
            if (!used.contains(n) && !(tied && n.equals("lm_head.weight")) && !n.endsWith(".rotary_emb.inv_freq"))
                throw new IOException(ckpt.fileOf(n) + ": unexpected tensor \"" + n + "\" (no parameter of the model takes it)");
    }

    private static Source checkpointSource(HFCheckpoint ckpt, WeightFormat format) {
        return new Source() {
            @Override
            public WeightMatrix matrix(String name, int rows, int cols) throws IOException {
                String hf = HFWeights.llamaQwenName(name);
                if (format == WeightFormat.BF16 && ckpt.dtype(hf).equals("BF16")) return new BF16Weights(rows, cols, ckpt.readBF16(hf));
                float[] f = ckpt.read(hf).contiguousData();
                try {
                    return switch (format) {
                        case F32 -> new F32Weights(rows, cols, f);
                        case BF16 -> BF16Weights.quantize(rows, cols, f);
                        case Q8_0 -> Q8Weights.quantize(rows, cols, f);
                    };
                } catch (IllegalArgumentException ex) {
                    throw new IOException(ckpt.fileOf(hf) + ": tensor \"" + hf + "\": " + ex.getMessage(), ex);
                }
            }

            @Override
            public float[] vector(String name, int n) throws IOException {
                return ckpt.read(HFWeights.llamaQwenName(name)).contiguousData();
            }
        };
    }

    // ------------------------------------------------------------------ construction

    private static Weights build(Dims d, Source src) throws IOException {
        int e = d.emb(), hd = d.headDim(), qd = d.heads() * hd, kvd = d.kvHeads() * hd, ff = d.ffDim();
        WeightMatrix emb = src.matrix("tok_emb.weight", d.vocab(), e);
        WeightMatrix head = d.tied() ? emb : src.matrix("out_head.weight", d.vocab(), e);
        String nw = d.qwenNames() ? "scale" : "weight";
        Layer[] layers = new Layer[d.layers()];
        for (int i = 0; i < d.layers(); i++) {
            String p = "trf_blocks." + i + ".";
            Layer l = new Layer();
            l.wq = src.matrix(p + "att.W_query.weight", qd, e);
            l.wk = src.matrix(p + "att.W_key.weight", kvd, e);
            l.wv = src.matrix(p + "att.W_value.weight", kvd, e);
            l.wo = src.matrix(p + "att.out_proj.weight", e, qd);
            if (d.qkNorm()) {
                l.qNorm = src.vector(p + "att.q_norm.scale", hd);
                l.kNorm = src.vector(p + "att.k_norm.scale", hd);
            }
            if (d.experts() > 0) {
                l.gate = src.matrix(p + "ff.gate.weight", d.experts(), e);
                l.e1 = new WeightMatrix[d.experts()];
                l.e2 = new WeightMatrix[d.experts()];
                l.e3 = new WeightMatrix[d.experts()];
                for (int x = 0; x < d.experts(); x++) {
                    l.e1[x] = src.matrix(p + "ff.fc1." + x + ".weight", ff, e);
                    l.e2[x] = src.matrix(p + "ff.fc2." + x + ".weight", ff, e);
                    l.e3[x] = src.matrix(p + "ff.fc3." + x + ".weight", e, ff);
                }
            } else {
                l.w1 = src.matrix(p + "ff.fc1.weight", ff, e);
                l.w2 = src.matrix(p + "ff.fc2.weight", ff, e);
                l.w3 = src.matrix(p + "ff.fc3.weight", e, ff);
            }
            l.n1 = src.vector(p + "norm1." + nw, e);
            l.n2 = src.vector(p + "norm2." + nw, e);
            layers[i] = l;
        }
        float[] fin = src.vector("final_norm." + nw, e);
        return new Weights(emb, head, layers, fin);
    }

    private RoPEInference(Dims d, Weights w, WeightFormat format, int maxBatch, int capacity, int contextLength) {
        if (maxBatch < 1 || capacity < 1 || capacity > contextLength || capacity > d.positions())
            throw new IllegalArgumentException("RoPEInference: need 1 <= maxBatch and 1 <= capacity <= " + Math.min(contextLength, d.positions())
                    + ", got maxBatch=" + maxBatch + " capacity=" + capacity);
        this.format = format;
        dims = d;
        weights = w;
        this.contextLength = contextLength;
        e = d.emb();
        heads = d.heads();
        kvHeads = d.kvHeads();
        headDim = d.headDim();
        qDim = heads * headDim;
        kvDim = kvHeads * headDim;
        group = heads / kvHeads;
        ffDim = d.ffDim();
        experts = d.experts();
        topK = d.topK();
        vocab = d.vocab();
        layersN = d.layers();
        this.maxBatch = maxBatch;
        this.capacity = capacity;
        cos = d.cos();
        sin = d.sin();
        emb = w.emb();
        head = w.head();
        layers = w.layers();
        finalW = w.finalNorm();
        normEps = d.normEps();
        qkEps = d.qkEps();
        cache = DecodeCache.forWeights(layersN, maxBatch, capacity, kvHeads, headDim, format);                  // bfloat16 for Q8_0
        rows = Math.max(Math.min(capacity, PREFILL_CHUNK), maxBatch);
        x = new float[rows * e];
        h = new float[rows * e];
        y = new float[rows * e];
        q = new float[rows * qDim];
        att = new float[rows * qDim];
        attention = new DecodeAttention(dk, cache, heads, headDim, group, q, att);
        f1 = new float[rows * ffDim];
        f2 = new float[rows * ffDim];
        f3 = new float[rows * ffDim];
        kNew = new float[rows * kvDim];                                                // a prompt chunk's, or a batch's
        vNew = new float[rows * kvDim];
        if (experts > 0) {
            router = new float[rows * experts];
            topW = new float[rows * topK];
            topIdx = new int[rows * topK];
            moeOut = new float[rows * e];
            xg = new float[rows * e];
            yg = new float[rows * e];
            routedRow = new int[rows];
            routedSlot = new int[rows];
        } else {
            router = topW = moeOut = xg = yg = null;
            topIdx = routedRow = routedSlot = null;
        }
        dequant = format == WeightFormat.F32 ? null
                : new float[WeightMatrix.DEQUANT_ROWS * Math.max(Math.max(ffDim, e), qDim)];
        gemv = new ParallelGemv(dk);
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

    /**
     * The weight format of the matrices.
     *
     * @return the format
     */
    public WeightFormat format() {
        return format;
    }

    /**
     * The bytes of matrix weights one decoding step reads for one sequence: every attention and
     * dense feed-forward matrix and the head once; for a mixture of experts the router and
     * {@code num_experts_per_tok} experts' matrices (the embedding row looked up is not counted).
     *
     * @return the size in bytes
     */
    public long weightBytesPerToken() {
        long s = head.bytes();
        for (Layer l : layers) {
            s += l.wq.bytes() + l.wk.bytes() + l.wv.bytes() + l.wo.bytes();
            if (experts > 0) s += l.gate.bytes() + topK * (l.e1[0].bytes() + l.e2[0].bytes() + l.e3[0].bytes());
            else s += l.w1.bytes() + l.w2.bytes() + l.w3.bytes();
        }
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
            throw new IllegalArgumentException("RoPEInference.prefill: " + p0 + " cached + " + len + " new tokens exceed the capacity " + capacity);
        for (int t = 0; t < len; t++) checkToken(tokens[off + t]);
        int chunk = Math.min(capacity, PREFILL_CHUNK), n = 0;
        for (int done = 0; done < len; done += n) {
            n = Math.min(chunk, len - done);
            prefillChunk(slot, tokens, off + done, n);
        }
        dk.rmsNorm(x, (n - 1) * e, finalW, 0, normEps, h, 0, e);                      // only the last position's logits
        gemv.clear().add(head, null, logits, lOff, vocab, false).run(h, 0, e, 1);
    }

    /** {@code n} tokens of a slot at its next positions, on the GEMM path; leaves x with their states. */
    private void prefillChunk(int slot, int[] tokens, int off, int n) {
        int p0 = cache.length(slot);
        for (int t = 0; t < n; t++) emb.toFloat(tokens[off + t], tokens[off + t] + 1, x, t * e);   // x: (T, E)
        for (int li = 0; li < layersN; li++) {
            Layer l = layers[li];
            norm(l.n1, n);                                          // h: (T, E)
            l.wq.matmul(k, n, h, 0, e, q, 0, qDim, dequant);                            // (T, heads·hd)
            l.wk.matmul(k, n, h, 0, e, kNew, 0, kvDim, dequant);                       // (T, kv·hd)
            l.wv.matmul(k, n, h, 0, e, vNew, 0, kvDim, dequant);
            for (int t = 0; t < n; t++) qkNormRope(l, q, t * qDim, kNew, t * kvDim, p0 + t);
            cache.write(li, slot, p0, n, kNew, vNew, 0, kvDim);                         // rows p0.. of the slot, per head
            attention.prefill(li, slot, p0, n);                                         // att: (T, heads·hd)
            l.wo.matmul(k, n, att, 0, qDim, y, 0, e, dequant);
            k.add(x, 0, y, 0, x, 0, n * e);                                             // shortcut
            norm(l.n2, n);
            if (experts > 0) {
                moe(l, n, true);
            } else {
                l.w1.matmul(k, n, h, 0, e, f1, 0, ffDim, dequant);                      // (T, ff)
                l.w2.matmul(k, n, h, 0, e, f2, 0, ffDim, dequant);
                dk.siluMul(f1, 0, f2, 0, f3, 0, n * ffDim);
                l.w3.matmul(k, n, f3, 0, ffDim, y, 0, e, dequant);                      // (T, E)
                k.add(x, 0, y, 0, x, 0, n * e);
            }
        }
        cache.setLength(slot, p0 + n);
    }

    /** Qwen3's per-head RMSNorm (when present) and RoPE at {@code pos}, on one row of queries and one of keys. */
    private void qkNormRope(Layer l, float[] qa, int qo, float[] ka, int ko, int pos) {
        int t = pos * headDim;
        for (int hh = 0; hh < heads; hh++) {
            int o = qo + hh * headDim;
            if (l.qNorm != null) dk.rmsNorm(qa, o, l.qNorm, 0, qkEps, qa, o, headDim);
            dk.rope(qa, o, cos, sin, t, headDim);
        }
        for (int hh = 0; hh < kvHeads; hh++) {
            int o = ko + hh * headDim;
            if (l.kNorm != null) dk.rmsNorm(ka, o, l.kNorm, 0, qkEps, ka, o, headDim);
            dk.rope(ka, o, cos, sin, t, headDim);
        }
    }

    /** h[r] = RMSNorm(x[r]) for the first {@code n} rows. */
    private void norm(float[] w, int n) {
        for (int r = 0; r < n; r++) dk.rmsNorm(x, r * e, w, 0, normEps, h, r * e, e);
    }

    /**
     * The mixture of experts on rows {@code 0..n-1} of h, added to x: route each row, then for
     * each expert in ascending id order gather the rows routed to it, run the expert (GEMM for a
     * prompt, matrix-vector for decoding) and add its output times the row's weight.
     */
    private void moe(Layer l, int n, boolean prefill) {
        if (prefill) l.gate.matmul(k, n, h, 0, e, router, 0, experts, dequant);
        else gemv.clear().add(l.gate, null, router, 0, experts, false).run(h, 0, e, n);    // (n, experts)
        for (int r = 0; r < n; r++) route(r);
        Arrays.fill(moeOut, 0, n * e, 0f);
        for (int ex = 0; ex < experts; ex++) {
            int c = 0;
            for (int r = 0; r < n; r++)
                for (int s = 0; s < topK; s++)
                    if (topIdx[r * topK + s] == ex) {          // the first slot holding this expert
                        routedRow[c] = r;
                        routedSlot[c++] = s;
                        break;
                    }
            if (c == 0) continue;
            for (int j = 0; j < c; j++) System.arraycopy(h, routedRow[j] * e, xg, j * e, e);   // (c, E)
            if (prefill) {
                l.e1[ex].matmul(k, c, xg, 0, e, f1, 0, ffDim, dequant);
                l.e2[ex].matmul(k, c, xg, 0, e, f2, 0, ffDim, dequant);
            } else {
                gemv.clear().add(l.e1[ex], null, f1, 0, ffDim, false).add(l.e2[ex], null, f2, 0, ffDim, false).run(xg, 0, e, c);
            }
            dk.siluMul(f1, 0, f2, 0, f3, 0, c * ffDim);
            if (prefill) l.e3[ex].matmul(k, c, f3, 0, ffDim, yg, 0, e, dequant);
            else gemv.clear().add(l.e3[ex], null, yg, 0, e, false).run(f3, 0, ffDim, c);   // (c, E)
            for (int j = 0; j < c; j++) {
                int r = routedRow[j];
                float p = topW[r * topK + routedSlot[j]];
                for (int i = 0; i < e; i++) moeOut[r * e + i] += yg[j * e + i] * p;
            }
        }
        k.add(x, 0, moeOut, 0, x, 0, n * e);
    }

    /** topk of a row's router scores (largest first, ties to the lower id) and the softmax of the chosen scores. */
    private void route(int r) {
        int o = r * topK, ro = r * experts;
        for (int s = 0; s < topK; s++) {
            int best = -1;
            for (int ex = 0; ex < experts; ex++) {
                boolean taken = false;
                for (int j = 0; j < s; j++) taken |= topIdx[o + j] == ex;
                if (!taken && (best < 0 || router[ro + ex] > router[ro + best])) best = ex;
            }
            topIdx[o + s] = best;
        }
        float max = router[ro + topIdx[o]];
        double sum = 0;
        for (int s = 0; s < topK; s++) {
            float v = (float) Math.exp(router[ro + topIdx[o + s]] - max);
            topW[o + s] = v;
            sum += v;
        }
        for (int s = 0; s < topK; s++) topW[o + s] = (float) (topW[o + s] / sum);
    }

    private void checkToken(int token) {
        if (token < 0 || token >= vocab)
            throw new IllegalArgumentException("RoPEInference: token id " + token + " outside the vocabulary [0, " + vocab + ")");
    }

    private void checkSlot(int slot) {
        if (slot < 0 || slot >= maxBatch)
            throw new IllegalArgumentException("RoPEInference: slot " + slot + " outside [0, " + maxBatch + ")");
    }

    // ------------------------------------------------------------------ one token per sequence

    @Override
    public void decode(int m, int[] slots, int[] tokens, float[] logits, int lOff) {
        if (m < 1 || m > maxBatch)
            throw new IllegalArgumentException("RoPEInference.decode: " + m + " sequences, expected 1.." + maxBatch);
        for (int i = 0; i < m; i++) {
            checkSlot(slots[i]);
            if (cache.length(slots[i]) >= capacity)
                throw new IllegalArgumentException("RoPEInference.decode: slot " + slots[i] + " is full (" + capacity + " positions)");
            checkToken(tokens[i]);
        }
        for (int i = 0; i < m; i++) emb.toFloat(tokens[i], tokens[i] + 1, x, i * e);   // x: (m, E)
        for (int li = 0; li < layersN; li++) {
            Layer l = layers[li];
            norm(l.n1, m);
            gemv.clear().add(l.wq, null, q, 0, qDim, false).add(l.wk, null, kNew, 0, kvDim, false)
                    .add(l.wv, null, vNew, 0, kvDim, false).run(h, 0, e, m);            // q: (m, heads·hd), k, v: (m, kv·hd)
            for (int i = 0; i < m; i++) {                                               // rotate, append to each slot's cache
                int pos = cache.length(slots[i]);
                qkNormRope(l, q, i * qDim, kNew, i * kvDim, pos);
                cache.write(li, slots[i], pos, 1, kNew, vNew, i * kvDim, kvDim);
            }
            attention.decode(li, m, slots);                                             // att: (m, heads·hd)
            gemv.clear().add(l.wo, null, x, 0, e, true).run(att, 0, qDim, m);          // x += att·Woᵀ
            norm(l.n2, m);
            if (experts > 0) {
                moe(l, m, false);
            } else {
                gemv.clear().add(l.w1, null, f1, 0, ffDim, false).add(l.w2, null, f2, 0, ffDim, false).run(h, 0, e, m);
                dk.siluMul(f1, 0, f2, 0, f3, 0, m * ffDim);
                gemv.clear().add(l.w3, null, x, 0, e, true).run(f3, 0, ffDim, m);     // x += (silu(fc1)·fc2)·W3ᵀ
            }
        }
        for (int i = 0; i < m; i++) cache.setLength(slots[i], cache.length(slots[i]) + 1);
        for (int i = 0; i < m; i++) dk.rmsNorm(x, i * e, finalW, 0, normEps, h, i * e, e);
        gemv.clear().add(head, null, logits, lOff, vocab, false).run(h, 0, e, m);     // (m, vocab)
    }
}
