package dev.scratchllm.llama;

import dev.scratchllm.attention.RoPE;
import dev.scratchllm.attention.RoPEDecoderModel;
import dev.scratchllm.nn.RMSNorm;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Llama 3.2 from scratch, the reference's {@code Llama3Model} ({@code ch05/07_gpt_to_llama},
 * {@code llms_from_scratch/llama3.py}): token embedding {@code tok_emb}, {@code n_layers}
 * {@link TransformerBlock}s in {@code trf_blocks}, {@code final_norm} (RMSNorm, eps 1e-5) and
 * {@code out_head} (bias-free); no position embedding (RoPE rotates queries and keys inside the
 * attention). Modules are created in the reference's order, so {@code manualSeed(123)} gives
 * PyTorch's initial weights, and the state-dict keys are the reference's.
 *
 * <p>The RoPE tables ({@code cos}, {@code sin}; {@code context_length × head_dim}) are not
 * parameters and not in the state dict (the reference registers them with
 * {@code persistent=False}). The output head is a separate matrix as constructed;
 * {@link #tieWeights()} makes it share the token embedding (what the published 1B and 3B
 * checkpoints do: they have no {@code lm_head.weight}). Computation is float32 throughout.
 */
public class Llama3Model extends RoPEDecoderModel<TransformerBlock> {
    /** The RMSNorm epsilon of every norm, the reference's (and Llama 3.2's {@code rms_norm_eps}). */
    public static final float NORM_EPS = 1e-5f;

    private final Llama3Config cfg;

    /**
     * A model with freshly initialised weights (drawn from the default generator).
     *
     * @param cfg the configuration
     */
    public Llama3Model(Llama3Config cfg) {
        super("Llama3Model", cfg.vocabSize(), cfg.embDim(), cfg.nLayers(), () -> new TransformerBlock(cfg), () -> new RMSNorm(cfg.embDim(), NORM_EPS),
                RoPE.computeRopeParams(cfg.headDim(), cfg.ropeBase(), cfg.contextLength(), cfg.ropeFreq()), cfg.contextLength());
        this.cfg = cfg;
    }

    /** {@return the configuration} */
    public Llama3Config config() {
        return cfg;
    }

    /**
     * The names and shapes of the parameters a model of {@code cfg} has, in state-dict order,
     * computed without allocating anything (the output head listed separately, untied).
     *
     * @param cfg the configuration
     * @return dotted name → shape
     */
    public static Map<String, int[]> parameterShapes(Llama3Config cfg) {
        Map<String, int[]> m = new LinkedHashMap<>();
        int e = cfg.embDim(), kv = cfg.nKvGroups() * cfg.headDim();
        m.put("tok_emb.weight", new int[] {cfg.vocabSize(), e});
        for (int l = 0; l < cfg.nLayers(); l++) {
            String p = "trf_blocks." + l + ".";
            m.put(p + "att.W_key.weight", new int[] {kv, e});
            m.put(p + "att.W_value.weight", new int[] {kv, e});
            m.put(p + "att.W_query.weight", new int[] {e, e});
            m.put(p + "att.out_proj.weight", new int[] {e, e});
            m.put(p + "ff.fc1.weight", new int[] {cfg.hiddenDim(), e});
            m.put(p + "ff.fc2.weight", new int[] {cfg.hiddenDim(), e});
            m.put(p + "ff.fc3.weight", new int[] {e, cfg.hiddenDim()});
            m.put(p + "norm1.weight", new int[] {e});
            m.put(p + "norm2.weight", new int[] {e});
        }
        m.put("final_norm.weight", new int[] {e});
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
    public static long[] parameterCounts(Llama3Config cfg) {
        return dev.scratchllm.nn.ParameterCounts.count(parameterShapes(cfg), "tok_emb.weight");
    }

    /**
     * The notebook's printout: {@code Total number of parameters: 1,498,482,688}, a blank line,
     * {@code Total number of unique parameters: 1,235,814,400} (for Llama 3.2 1B).
     *
     * @param cfg the configuration
     * @return the two lines as the notebook prints them
     */
    public static String parameterReport(Llama3Config cfg) {
        return dev.scratchllm.nn.ParameterCounts.report(parameterCounts(cfg));
    }
}
