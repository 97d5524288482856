package dev.scratchllm.qwen;

import dev.scratchllm.attention.CachedDecoder;
import dev.scratchllm.attention.KVCache;
import dev.scratchllm.attention.RoPE;
import dev.scratchllm.nn.Embedding;
import dev.scratchllm.nn.Linear;
import dev.scratchllm.nn.Module;
import dev.scratchllm.nn.ModuleList;
import dev.scratchllm.nn.RMSNorm;
import dev.scratchllm.tensor.Tensor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Qwen3 from scratch, the reference's {@code Qwen3Model} ({@code ch05/11_qwen3},
 * {@code llms_from_scratch/qwen3.py}): token embedding {@code tok_emb}, {@code n_layers}
 * {@link TransformerBlock}s in {@code trf_blocks} (grouped-query attention with QK-norm; dense
 * SwiGLU or mixture-of-experts feed-forward), {@code final_norm} (the Qwen3 RMSNorm, eps 1e-6) and
 * a bias-free {@code out_head}. RoPE without frequency scaling, theta from the config. Modules are
 * created in the reference's order, so {@code manualSeed(123)} gives PyTorch's initial weights, and
 * the state-dict keys are the reference's.
 *
 * <p>The RoPE tables are not in the state dict ({@code persistent=False} in the reference). The
 * output head is separate as constructed; {@link #tieWeights()} shares the token embedding, as the
 * published 0.6B, 1.7B and 4B checkpoints do (they have no {@code lm_head.weight}). Float32
 * throughout.
 */
public class Qwen3Model extends Module implements CachedDecoder {
    private final Qwen3Config cfg;
    private final Tensor cos, sin;

    /**
     * A model with freshly initialised weights (drawn from the default generator).
     *
     * @param cfg the configuration
     */
    public Qwen3Model(Qwen3Config cfg) {
        this.cfg = cfg;
        registerModule("tok_emb", new Embedding(cfg.vocabSize(), cfg.embDim()));
        List<TransformerBlock> blocks = new ArrayList<>();
        for (int i = 0; i < cfg.nLayers(); i++) blocks.add(new TransformerBlock(cfg));
        registerModule("trf_blocks", new ModuleList<>(blocks));
        registerModule("final_norm", new RMSNorm(cfg.embDim(), 1e-6f, false, true));
        registerModule("out_head", new Linear(cfg.embDim(), cfg.vocabSize(), false));
        RoPE.Params rope = RoPE.computeRopeParams(cfg.resolvedHeadDim(), cfg.ropeBase(), cfg.contextLength(), null);
        this.cos = rope.cos();
        this.sin = rope.sin();
    }

    /** {@return the configuration} */
    public Qwen3Config config() {
        return cfg;
    }

    /** {@return the token embedding {@code tok_emb}} */
    public Embedding tokEmb() {
        return child("tok_emb", Embedding.class);
    }

    /** {@return the blocks {@code trf_blocks}} */
    @SuppressWarnings("unchecked")
    public ModuleList<TransformerBlock> trfBlocks() {
        return (ModuleList<TransformerBlock>) child("trf_blocks", ModuleList.class);
    }

    /** {@return the final norm {@code final_norm}} */
    public RMSNorm finalNorm() {
        return child("final_norm", RMSNorm.class);
    }

    /** {@return the output head {@code out_head}} */
    public Linear outHead() {
        return child("out_head", Linear.class);
    }

    /** {@return the RoPE cosine table, {@code (context_length, head_dim)}} */
    public Tensor cos() {
        return cos;
    }

    /** {@return the RoPE sine table, {@code (context_length, head_dim)}} */
    public Tensor sin() {
        return sin;
    }

    /**
     * Ties the output head to the token embedding ({@code model.out_head.weight = model.tok_emb.weight}):
     * one tensor, counted once by {@link #numParameters()}, trained by both uses.
     */
    public void tieWeights() {
        outHead().setParameter("weight", tokEmb().weight());
    }

    /**
     * Whether the output head shares the token embedding's tensor.
     *
     * @return true after {@link #tieWeights()}
     */
    public boolean isTied() {
        return outHead().weight() == tokEmb().weight();
    }

    @Override
    public int contextLength() {
        return cfg.contextLength();
    }

    @Override
    public KVCache newCache() {
        return new KVCache(cfg.nLayers());
    }

    @Override
    public Tensor forward(Tensor inIdx) {
        return forward(inIdx, null);
    }

    @Override
    public Tensor forward(Tensor inIdx, KVCache cache) {
        if (inIdx.dim() != 2) throw new IllegalArgumentException("Qwen3Model: expected token ids (b, num_tokens), got " + java.util.Arrays.toString(inIdx.shape()));
        Tensor x = tokEmb().forward(inIdx); // (b, num_tokens, emb_dim)
        int i = 0;
        for (TransformerBlock block : trfBlocks()) x = block.forward(x, cos, sin, cache, i++);
        if (cache != null) cache.advance(inIdx.size(1));
        x = finalNorm().forward(x);
        return outHead().forward(x);        // (b, num_tokens, vocab_size)
    }

    /**
     * The names and shapes of the parameters a model of {@code cfg} has, in state-dict order,
     * computed without allocating anything (the output head listed separately, untied).
     *
     * @param cfg the configuration
     * @return dotted name → shape
     */
    public static Map<String, int[]> parameterShapes(Qwen3Config cfg) {
        Map<String, int[]> m = new LinkedHashMap<>();
        int e = cfg.embDim(), hd = cfg.resolvedHeadDim(), q = cfg.nHeads() * hd, kv = cfg.nKvGroups() * hd;
        m.put("tok_emb.weight", new int[] {cfg.vocabSize(), e});
        for (int l = 0; l < cfg.nLayers(); l++) {
            String p = "trf_blocks." + l + ".";
            m.put(p + "att.W_query.weight", new int[] {q, e});
            m.put(p + "att.W_key.weight", new int[] {kv, e});
            m.put(p + "att.W_value.weight", new int[] {kv, e});
            m.put(p + "att.out_proj.weight", new int[] {e, q});
            if (cfg.qkNorm()) {
                m.put(p + "att.q_norm.scale", new int[] {hd});
                m.put(p + "att.k_norm.scale", new int[] {hd});
            }
            if (cfg.numExperts() > 0) {
                int h = cfg.moeIntermediateSize();
                m.put(p + "ff.gate.weight", new int[] {cfg.numExperts(), e});
                for (int x = 0; x < cfg.numExperts(); x++) m.put(p + "ff.fc1." + x + ".weight", new int[] {h, e});
                for (int x = 0; x < cfg.numExperts(); x++) m.put(p + "ff.fc2." + x + ".weight", new int[] {h, e});
                for (int x = 0; x < cfg.numExperts(); x++) m.put(p + "ff.fc3." + x + ".weight", new int[] {e, h});
            } else {
                m.put(p + "ff.fc1.weight", new int[] {cfg.hiddenDim(), e});
                m.put(p + "ff.fc2.weight", new int[] {cfg.hiddenDim(), e});
                m.put(p + "ff.fc3.weight", new int[] {e, cfg.hiddenDim()});
            }
            m.put(p + "norm1.scale", new int[] {e});
            m.put(p + "norm2.scale", new int[] {e});
        }
        m.put("final_norm.scale", new int[] {e});
        m.put("out_head.weight", new int[] {cfg.vocabSize(), e});
        return m;
    }

    /**
     * The reference notebook's two counts for {@code cfg}, without allocating the weights:
     * {@code sum(p.numel() for p in model.parameters())} of the model as constructed (separate
     * output head), and that minus the token embedding ("unique", i.e. with the head tied).
     *
     * @param cfg the configuration
     * @return {@code {total, unique}}
     */
    public static long[] parameterCounts(Qwen3Config cfg) {
        return dev.scratchllm.nn.ParameterCounts.count(parameterShapes(cfg), "tok_emb.weight");
    }

    /**
     * The notebook's printout: {@code Total number of parameters: 751,632,384}, a blank line,
     * {@code Total number of unique parameters: 596,049,920} (for Qwen3 0.6B).
     *
     * @param cfg the configuration
     * @return the two lines as the notebook prints them
     */
    public static String parameterReport(Qwen3Config cfg) {
        return dev.scratchllm.nn.ParameterCounts.report(parameterCounts(cfg));
    }
}
