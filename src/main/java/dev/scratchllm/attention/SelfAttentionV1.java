package dev.scratchllm.attention;

import dev.scratchllm.ScratchLLM;
import dev.scratchllm.nn.Module;
import dev.scratchllm.tensor.Tensor;

/**
 * The book's {@code SelfAttention_v1} (listing 3.1): scaled dot-product self-attention with
 * three weight matrices held as plain parameters {@code W_query}, {@code W_key},
 * {@code W_value} of shape {@code (d_in, d_out)}, initialised with {@code torch.rand} (uniform
 * [0, 1)) in that order, exactly like {@code nn.Parameter(torch.rand(d_in, d_out))}.
 *
 * <p>{@code forward(x)} takes one sequence {@code (num_tokens, d_in)} and returns the context
 * vectors {@code softmax(Q·Kᵀ / √d_k) · V}, shape {@code (num_tokens, d_out)}. No batch
 * dimension, no causal mask, no dropout: those come with {@link CausalAttention}.
 */
public class SelfAttentionV1 extends Module {
    private final int dIn, dOut;

    /**
     * Builds the layer, drawing the three matrices from the default generator.
     *
     * @param dIn the input embedding size, at least 1
     * @param dOut the output size, at least 1
     * @throws IllegalArgumentException if a size is not positive
     */
    public SelfAttentionV1(int dIn, int dOut) {
        if (dIn < 1 || dOut < 1) throw new IllegalArgumentException("SelfAttentionV1: d_in and d_out must be positive, got " + dIn + " and " + dOut);
        this.dIn = dIn;
        this.dOut = dOut;
        registerParameter("W_query", ScratchLLM.rand(dIn, dOut));
        registerParameter("W_key", ScratchLLM.rand(dIn, dOut));
        registerParameter("W_value", ScratchLLM.rand(dIn, dOut));
    }

    /**
     * {@code W_query}, shape (d_in, d_out).
     *
     * @return the query matrix parameter
     */
    public Tensor wQuery() {
        return parameter("W_query");
    }

    /**
     * {@code W_key}, shape (d_in, d_out).
     *
     * @return the key matrix parameter
     */
    public Tensor wKey() {
        return parameter("W_key");
    }

    /**
     * {@code W_value}, shape (d_in, d_out).
     *
     * @return the value matrix parameter
     */
    public Tensor wValue() {
        return parameter("W_value");
    }

    @Override
    public Tensor forward(Tensor x) {
        if (x.dim() != 2 || x.size(1) != dIn)
            throw new IllegalArgumentException("SelfAttentionV1: expected input (num_tokens, " + dIn + "), got " + java.util.Arrays.toString(x.shape()));
        Tensor keys = x.matmul(wKey());       // (T, d_out)
        Tensor queries = x.matmul(wQuery());  // (T, d_out)
        Tensor values = x.matmul(wValue());   // (T, d_out)
        Tensor attnScores = queries.matmul(keys.t()); // omega, (T, T)
        Tensor attnWeights = attnScores.div((float) Math.sqrt(keys.size(-1))).softmax(-1);
        return attnWeights.matmul(values);    // (T, d_out)
    }
}
