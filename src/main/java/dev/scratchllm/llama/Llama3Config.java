package dev.scratchllm.llama;

import dev.scratchllm.attention.RoPE;

/**
 * The Llama 3.2 configuration dictionary of the reference ({@code LLAMA32_CONFIG_1B} …), field for
 * field in Java spelling: {@code vocab_size → vocabSize}, {@code emb_dim → embDim},
 * {@code n_kv_groups → nKvGroups}, {@code rope_base → ropeBase}, {@code rope_freq → ropeFreq}.
 * The reference's {@code dtype} (bfloat16) is left out: this library computes in float32, and
 * reads bfloat16 checkpoints into float32. The head size is {@code emb_dim / n_heads}.
 *
 * @param vocabSize the vocabulary size
 * @param contextLength the longest context the RoPE tables cover
 * @param embDim the model width
 * @param nHeads the number of query heads
 * @param nLayers the number of transformer blocks
 * @param hiddenDim the feed-forward's intermediate width
 * @param nKvGroups the number of key/value heads
 * @param ropeBase RoPE's theta
 * @param ropeFreq Llama 3.1/3.2's RoPE frequency scaling, or null for none
 */
public record Llama3Config(int vocabSize, int contextLength, int embDim, int nHeads, int nLayers, int hiddenDim, int nKvGroups,
                           double ropeBase, RoPE.FreqConfig ropeFreq) {

    /** Llama 3.2 1B: 16 layers of width 2048, 32 query heads sharing 8 key/value heads. */
    public static final Llama3Config LLAMA32_CONFIG_1B = new Llama3Config(128_256, 131_072, 2048, 32, 16, 8192, 8, 500_000.0,
            new RoPE.FreqConfig(32.0, 1.0, 4.0, 8192));

    /** Llama 3.2 3B: 28 layers of width 3072, 24 query heads sharing 8 key/value heads. */
    public static final Llama3Config LLAMA32_CONFIG_3B = new Llama3Config(128_256, 131_072, 3072, 24, 28, 8192, 8, 500_000.0,
            new RoPE.FreqConfig(32.0, 1.0, 4.0, 8192));

    /** Validates the sizes. */
    public Llama3Config {
        if (vocabSize < 1 || contextLength < 1 || embDim < 1 || nHeads < 1 || nLayers < 0 || hiddenDim < 1 || nKvGroups < 1)
            throw new IllegalArgumentException("Llama3Config: sizes must be positive: " + this);
        if (embDim % nHeads != 0) throw new IllegalArgumentException("Llama3Config: emb_dim (" + embDim + ") must be divisible by n_heads (" + nHeads + ")");
        if (nHeads % nKvGroups != 0) throw new IllegalArgumentException("Llama3Config: n_heads (" + nHeads + ") must be divisible by n_kv_groups (" + nKvGroups + ")");
        if ((embDim / nHeads) % 2 != 0) throw new IllegalArgumentException("Llama3Config: the head size emb_dim / n_heads must be even for RoPE, got " + embDim / nHeads);
    }

    /**
     * The head size.
     *
     * @return {@code emb_dim / n_heads}
     */
    public int headDim() {
        return embDim / nHeads;
    }

    /**
     * A copy with another context length (the reference's notebooks shrink it to save memory:
     * the RoPE tables grow with it, the weights do not).
     *
     * @param newContextLength the new context length
     * @return the new config
     */
    public Llama3Config withContextLength(int newContextLength) {
        return new Llama3Config(vocabSize, newContextLength, embDim, nHeads, nLayers, hiddenDim, nKvGroups, ropeBase, ropeFreq);
    }
}
