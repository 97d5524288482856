/*
 * RoPEDecoderModel: the decoder-only model that Llama 3 and Qwen3 share — token embedding
 * {@code tok_emb}, blocks in {@code trf_blocks}, {@code final_norm} and a bias-free
 * {@code out_head}, no position embedding (RoPE rotates queries and keys inside the attention),
 * and a KV-cached forward. llama.Llama3Model and qwen.Qwen3Model build it from their configs under
 * the reference's names. The RoPE tables are not parameters and not in the state dict (the
 * reference registers them with persistent=False). It does not load weights or count parameters
 * of unbuilt models; the model classes do that.
 */
package dev.scratchllm.attention;

import dev.scratchllm.nn.Embedding;
import dev.scratchllm.nn.Linear;
import dev.scratchllm.nn.Module;
import dev.scratchllm.nn.ModuleList;
import dev.scratchllm.nn.RMSNorm;
import dev.scratchllm.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * A decoder-only transformer with RoPE and grouped-query attention.
 *
 * @param <B> the block type
 */
public abstract class RoPEDecoderModel<B extends RoPETransformerBlock> extends Module implements CachedDecoder {
    private final String name;
    private final int contextLength, nLayers;
    private final Tensor cos, sin;

    /**
     * Creates the modules in the reference's order — {@code tok_emb}, the {@code nLayers} blocks,
     * {@code final_norm}, {@code out_head} — so that {@code manualSeed} gives PyTorch's initial
     * weights.
     *
     * @param name the model's name, for messages
     * @param vocabSize the vocabulary size
     * @param embDim the embedding dimension
     * @param nLayers the number of blocks
     * @param block makes one block
     * @param finalNorm makes the final norm
     * @param rope the RoPE tables, {@code (context_length, head_dim)}
     * @param contextLength the longest sequence
     */
    protected RoPEDecoderModel(String name, int vocabSize, int embDim, int nLayers, Supplier<B> block, Supplier<RMSNorm> finalNorm,
                               RoPE.Params rope, int contextLength) {
        this.name = name;
        this.contextLength = contextLength;
        this.nLayers = nLayers;
        registerModule("tok_emb", new Embedding(vocabSize, embDim));
        List<B> blocks = new ArrayList<>();
        for (int i = 0; i < nLayers; i++) blocks.add(block.get());
        registerModule("trf_blocks", new ModuleList<>(blocks));
        registerModule("final_norm", finalNorm.get());
        registerModule("out_head", new Linear(embDim, vocabSize, false));
        this.cos = rope.cos();
        this.sin = rope.sin();
    }

    /** {@return the token embedding {@code tok_emb}} */
    public Embedding tokEmb() {
        return child("tok_emb", Embedding.class);
    }

    /** {@return the blocks {@code trf_blocks}} */
    @SuppressWarnings("unchecked")
    public ModuleList<B> trfBlocks() {
        return (ModuleList<B>) child("trf_blocks", ModuleList.class);
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

    /** {@return whether the output head shares the token embedding's tensor (after {@link #tieWeights()})} */
    public boolean isTied() {
        return outHead().weight() == tokEmb().weight();
    }

    @Override
    public int contextLength() {
        return contextLength;
    }

    @Override
    public KVCache newCache() {
        return new KVCache(nLayers);
    }

    @Override
    public Tensor forward(Tensor inIdx) {
        return forward(inIdx, null);
    }

    @Override
    public Tensor forward(Tensor inIdx, KVCache cache) {
        if (inIdx.dim() != 2) throw new IllegalArgumentException(name + ": expected token ids (b, num_tokens), got " + java.util.Arrays.toString(inIdx.shape()));
        Tensor x = tokEmb().forward(inIdx); // (b, num_tokens, emb_dim)
        int i = 0;
        for (B block : trfBlocks()) x = block.forward(x, cos, sin, cache, i++);
        if (cache != null) cache.advance(inIdx.size(1));
        x = finalNorm().forward(x);
        return outHead().forward(x);        // (b, num_tokens, vocab_size)
    }
}
