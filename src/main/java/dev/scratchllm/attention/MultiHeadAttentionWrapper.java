package dev.scratchllm.attention;

import dev.scratchllm.nn.Module;
import dev.scratchllm.nn.ModuleList;
import dev.scratchllm.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;

/**
 * The book's {@code MultiHeadAttentionWrapper} (listing 3.4): {@code num_heads} independent
 * {@link CausalAttention} heads in a {@code ModuleList} named {@code heads} (keys
 * {@code heads.0.W_query.weight}, …), run one after the other on the same input and
 * concatenated along the last dimension, so the output is {@code (b, num_tokens, d_out·num_heads)}.
 *
 * <p>Simple and slow by design (one set of projections and one attention per head); the
 * efficient version with one projection split into heads is {@link MultiHeadAttention}. No
 * output projection (the {@code multihead-attention.ipynb} variant's {@code out_proj} is not
 * included).
 */
public class MultiHeadAttentionWrapper extends Module {
    /**
     * Without bias, like the book's default {@code qkv_bias=False}.
     *
     * @param dIn the input embedding size
     * @param dOut the output size of each head
     * @param contextLength the longest input (the size of the causal mask)
     * @param dropout the dropout rate on the attention weights
     * @param numHeads the number of heads
     */
    public MultiHeadAttentionWrapper(int dIn, int dOut, int contextLength, double dropout, int numHeads) {
        this(dIn, dOut, contextLength, dropout, numHeads, false);
    }

    /**
     * Builds {@code numHeads} independent heads, drawing their weights from the default generator.
     *
     * @param dIn the input embedding size
     * @param dOut the output size of each head
     * @param contextLength the longest input (the size of the causal mask)
     * @param dropout the dropout rate on the attention weights
     * @param numHeads the number of heads, at least 1
     * @param qkvBias whether the query, key and value projections have a bias
     * @throws IllegalArgumentException if {@code numHeads} is not positive
     */
    public MultiHeadAttentionWrapper(int dIn, int dOut, int contextLength, double dropout, int numHeads, boolean qkvBias) {
        if (numHeads < 1) throw new IllegalArgumentException("MultiHeadAttentionWrapper: num_heads must be positive, got " + numHeads);
        List<CausalAttention> hs = new ArrayList<>();
        for (int i = 0; i < numHeads; i++) hs.add(new CausalAttention(dIn, dOut, contextLength, dropout, qkvBias));
        registerModule("heads", new ModuleList<>(hs));
    }

    /**
     * The heads, in order.
     *
     * @return the heads
     */
    @SuppressWarnings("unchecked")
    public ModuleList<CausalAttention> heads() {
        return (ModuleList<CausalAttention>) child("heads", ModuleList.class);
    }

    @Override
    public Tensor forward(Tensor x) {
        List<Tensor> outs = new ArrayList<>();
        for (CausalAttention head : heads()) outs.add(head.forward(x)); // each (b, T, d_out)
        return Tensor.cat(outs, -1);                                   // (b, T, d_out * num_heads)
    }
}
