package dev.scratchllm.qwen;

/**
 * The Qwen3 configuration dictionary of the reference ({@code QWEN_CONFIG_06_B} …), field for
 * field in Java spelling: {@code emb_dim → embDim}, {@code head_dim → headDim} (0 where the
 * reference has {@code None}: then {@code emb_dim / n_heads}), {@code qk_norm → qkNorm},
 * {@code n_kv_groups → nKvGroups}, {@code rope_base → ropeBase}, and for the mixture-of-experts
 * models {@code num_experts}, {@code num_experts_per_tok}, {@code moe_intermediate_size}
 * (0 for the dense models, whose configs do not have them; the MoE config has no
 * {@code hidden_dim}, here 0). The reference's {@code dtype} (bfloat16) is left out: this library
 * computes in float32.
 *
 * @param vocabSize the vocabulary size
 * @param contextLength the longest context the RoPE tables cover
 * @param embDim the model width
 * @param nHeads the number of query heads
 * @param nLayers the number of transformer blocks
 * @param hiddenDim the dense feed-forward's intermediate width (0 for MoE models)
 * @param headDim the head size, or 0 for {@code emb_dim / n_heads}
 * @param qkNorm whether queries and keys are RMS-normalised per head
 * @param nKvGroups the number of key/value heads
 * @param ropeBase RoPE's theta
 * @param numExperts the number of experts (0: a dense feed-forward)
 * @param numExpertsPerTok how many experts each token is routed to
 * @param moeIntermediateSize each expert's intermediate width
 */
public record Qwen3Config(int vocabSize, int contextLength, int embDim, int nHeads, int nLayers, int hiddenDim, int headDim,
                          boolean qkNorm, int nKvGroups, double ropeBase, int numExperts, int numExpertsPerTok, int moeIntermediateSize) {

    /** Qwen3 0.6B (the reference's {@code QWEN_CONFIG_06_B}). */
    public static final Qwen3Config QWEN_CONFIG_06_B = dense(151_936, 40_960, 1024, 16, 28, 3072, 128, true, 8, 1_000_000.0);
    /** Qwen3 1.7B. */
    public static final Qwen3Config QWEN3_CONFIG_1_7B = dense(151_936, 40_960, 2048, 16, 28, 6144, 128, true, 8, 1_000_000.0);
    /** Qwen3 4B. */
    public static final Qwen3Config QWEN3_CONFIG_4B = dense(151_936, 40_960, 2560, 32, 36, 9728, 128, true, 8, 1_000_000.0);
    /** Qwen3 8B. */
    public static final Qwen3Config QWEN3_CONFIG_8B = dense(151_936, 40_960, 4096, 32, 36, 12288, 128, true, 8, 1_000_000.0);
    /** Qwen3 14B. */
    public static final Qwen3Config QWEN3_CONFIG_14B = dense(151_936, 40_960, 5120, 40, 40, 17408, 128, true, 8, 1_000_000.0);
    /** Qwen3 32B. */
    public static final Qwen3Config QWEN3_CONFIG_32B = dense(151_936, 40_960, 5120, 64, 64, 25600, 128, true, 8, 1_000_000.0);
    /** Qwen3 30B-A3B, the mixture-of-experts model: 128 experts, 8 per token. */
    public static final Qwen3Config QWEN3_CONFIG_30B_A3B = new Qwen3Config(151_936, 262_144, 2048, 32, 48, 0, 128, true, 4, 10_000_000.0,
            128, 8, 768);

    /** Validates the sizes. */
    public Qwen3Config {
        if (vocabSize < 1 || contextLength < 1 || embDim < 1 || nHeads < 1 || nLayers < 0 || nKvGroups < 1 || headDim < 0 || hiddenDim < 0)
            throw new IllegalArgumentException("Qwen3Config: sizes must be positive: " + this);
        if (nHeads % nKvGroups != 0) throw new IllegalArgumentException("Qwen3Config: n_heads (" + nHeads + ") must be divisible by n_kv_groups (" + nKvGroups + ")");
        if (headDim == 0 && embDim % nHeads != 0)
            throw new IllegalArgumentException("Qwen3Config: emb_dim (" + embDim + ") must be divisible by n_heads (" + nHeads + ") when head_dim is not set");
        if (numExperts > 0 && (numExpertsPerTok < 1 || numExpertsPerTok > numExperts || moeIntermediateSize < 1))
            throw new IllegalArgumentException("Qwen3Config: a mixture of experts needs 1 <= num_experts_per_tok <= num_experts and a positive moe_intermediate_size: " + this);
        if (numExperts == 0 && hiddenDim < 1) throw new IllegalArgumentException("Qwen3Config: a dense model needs a positive hidden_dim: " + this);
    }

    /**
     * A dense (non-MoE) configuration.
     *
     * @param vocabSize the vocabulary size
     * @param contextLength the context length
     * @param embDim the model width
     * @param nHeads the number of query heads
     * @param nLayers the number of blocks
     * @param hiddenDim the feed-forward width
     * @param headDim the head size, or 0 for {@code emb_dim / n_heads}
     * @param qkNorm whether to normalise queries and keys
     * @param nKvGroups the number of key/value heads
     * @param ropeBase RoPE's theta
     * @return the configuration
     */
    public static Qwen3Config dense(int vocabSize, int contextLength, int embDim, int nHeads, int nLayers, int hiddenDim, int headDim,
                                    boolean qkNorm, int nKvGroups, double ropeBase) {
        return new Qwen3Config(vocabSize, contextLength, embDim, nHeads, nLayers, hiddenDim, headDim, qkNorm, nKvGroups, ropeBase, 0, 0, 0);
    }

    /**
     * The head size in use.
     *
     * @return {@code head_dim}, or {@code emb_dim / n_heads} if it is not set
     */
    public int resolvedHeadDim() {
        return headDim == 0 ? embDim / nHeads : headDim;
    }

    /**
     * A copy with another context length (only the RoPE tables depend on it).
     *
     * @param newContextLength the new context length
     * @return the new config
     */
    public Qwen3Config withContextLength(int newContextLength) {
        return new Qwen3Config(vocabSize, newContextLength, embDim, nHeads, nLayers, hiddenDim, headDim, qkNorm, nKvGroups, ropeBase,
                numExperts, numExpertsPerTok, moeIntermediateSize);
    }
}
