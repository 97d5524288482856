package dev.scratchllm.attention;

import dev.scratchllm.nn.Linear;
import dev.scratchllm.nn.Module;
import dev.scratchllm.tensor.Tensor;

/**
 * The book's {@code SelfAttention_v2} (listing 3.2): the same computation as
 * {@link SelfAttentionV1} but with {@code nn.Linear} projections {@code W_query}, {@code W_key},
 * {@code W_value} (created in that order, bias only if {@code qkvBias}), which brings PyTorch's
 * Kaiming-uniform initialisation. Note the weights are stored {@code (d_out, d_in)}: copying
 * them transposed into a {@code SelfAttentionV1} gives the same outputs (exercise 3.1).
 *
 * <p>One sequence {@code (num_tokens, d_in)} in, {@code (num_tokens, d_out)} out; no batch,
 * no mask, no dropout.
 */
public class SelfAttentionV2 extends Module {
    private final int dIn;

    /**
     * Without bias, like the book's default {@code qkv_bias=False}.
     *
     * @param dIn the input embedding size
     * @param dOut the output size
     */
    public SelfAttentionV2(int dIn, int dOut) {
        this(dIn, dOut, false);
    }

    /**
     * Builds the layer, drawing the initial weights from the default generator.
     *
     * @param dIn the input embedding size
     * @param dOut the output size
     * @param qkvBias whether the query, key and value projections have a bias
     */
    public SelfAttentionV2(int dIn, int dOut, boolean qkvBias) {
        this.dIn = dIn;
        registerModule("W_query", new Linear(dIn, dOut, qkvBias));
        registerModule("W_key", new Linear(dIn, dOut, qkvBias));
        registerModule("W_value", new Linear(dIn, dOut, qkvBias));
    }

    /**
     * The query projection, {@code W_query}.
     *
     * @return the query layer
     */
    public Linear wQuery() {
        return child("W_query", Linear.class);
    }

    /**
     * The key projection, {@code W_key}.
     *
     * @return the key layer
     */
    public Linear wKey() {
        return child("W_key", Linear.class);
    }

    /**
     * The value projection, {@code W_value}.
     *
     * @return the value layer
     */
    public Linear wValue() {
        return child("W_value", Linear.class);
    }

    @Override
    public Tensor forward(Tensor x) {
        if (x.dim() != 2 || x.size(1) != dIn)
            throw new IllegalArgumentException("SelfAttentionV2: expected input (num_tokens, " + dIn + "), got " + java.util.Arrays.toString(x.shape()));
        Tensor keys = wKey().forward(x);       // (T, d_out)
        Tensor queries = wQuery().forward(x);  // (T, d_out)
        Tensor values = wValue().forward(x);   // (T, d_out)
        Tensor attnScores = queries.matmul(keys.t()); // (T, T)
        Tensor attnWeights = attnScores.div((float) Math.sqrt(keys.size(-1))).softmax(-1);
        return attnWeights.matmul(values);   // (T, d_out)
    }
}
