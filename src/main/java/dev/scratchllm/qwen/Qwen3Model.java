package dev.scratchllm.qwen;

import dev.scratchllm.attention.RoPE;
import dev.scratchllm.attention.RoPEDecoderModel;
import dev.scratchllm.nn.RMSNorm;

import java.util.LinkedHashMap;
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
public class Qwen3Model extends RoPEDecoderModel<TransformerBlock> {
    /** The RMSNorm epsilon of every norm, the reference's (and Qwen3's {@code rms_norm_eps}). */
    public static final float NORM_EPS = 1e-6f;

    private final Qwen3Config cfg;

    /**
     * A model with freshly initialised weights (drawn from the default generator).
     *
     * @param cfg the configuration
     */
    public Qwen3Model(Qwen3Config cfg) {
        super("Qwen3Model", cfg.vocabSize(), cfg.embDim(), cfg.nLayers(), () -> new TransformerBlock(cfg), () -> new RMSNorm(cfg.embDim(), NORM_EPS, false, true),
                RoPE.computeRopeParams(cfg.resolvedHeadDim(), cfg.ropeBase(), cfg.contextLength(), null), cfg.contextLength());
        this.cfg = cfg;
    }

    /** {@return the configuration} */
    public Qwen3Config config() {
        return cfg;
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
