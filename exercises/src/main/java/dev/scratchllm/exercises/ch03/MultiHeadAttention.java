// Listing 3.5 as an exercise: multi-head attention with one set of projections split into heads,
// the attention of the GPT model. You write: forward. Given (from the library's class): W_query,
// W_key, W_value, out_proj, dropout() and mask(), in the book's order; the sizes below; and
// CausalAttention.checkInput / causalMaskBool.
// Check it: mvn test -Pexercises -Dtest='Ch03ExerciseTest#listing3_5*'   Guide: docs/ch03.md#listing-3-5
// Reference solution: dev.scratchllm.attention.MultiHeadAttention#forward.
package dev.scratchllm.exercises.ch03;

import dev.scratchllm.exercises.Exercise;
import dev.scratchllm.exercises.ExerciseNotDoneException;
import dev.scratchllm.tensor.Tensor;

/** The book's {@code MultiHeadAttention(d_in, d_out, context_length, dropout, num_heads, qkv_bias=False)}. */
public class MultiHeadAttention extends dev.scratchllm.attention.MultiHeadAttention {
    private final int dIn, dOut, numHeads, headDim, contextLength;

    public MultiHeadAttention(int dIn, int dOut, int contextLength, double dropout, int numHeads) {
        this(dIn, dOut, contextLength, dropout, numHeads, false);
    }

    public MultiHeadAttention(int dIn, int dOut, int contextLength, double dropout, int numHeads, boolean qkvBias) {
        super(dIn, dOut, contextLength, dropout, numHeads, qkvBias);
        this.dIn = dIn;
        this.dOut = dOut;
        this.numHeads = numHeads;
        this.headDim = dOut / numHeads;
        this.contextLength = contextLength;
    }

    /**
     * TODO: for {@code x (b, num_tokens, d_in)}:
     * <ol>
     * <li>keys, queries, values from the three layers, each {@code (b, T, d_out)};</li>
     * <li>split the last dimension into heads with {@code view(b, T, numHeads, headDim)}, then put
     *     the heads first with {@code transpose(1, 2)}: {@code (b, numHeads, T, headDim)};</li>
     * <li>scores {@code queries @ keys.transpose(2, 3)}, the causal mask filled with {@code -inf},
     *     softmax of the scores divided by {@code √headDim}, {@code dropout()};</li>
     * <li>{@code (weights @ values).transpose(1, 2)}, then merge the heads with
     *     {@code contiguous().view(b, T, dOut)};</li>
     * <li>return {@code outProj().forward(...)}, shape {@code (b, T, d_out)}.</li>
     * </ol>
     */
    @Override
    public Tensor forward(Tensor x) {
        throw new ExerciseNotDoneException(Exercise.LISTING_3_5);
    }
}
