// Listing 3.1 as an exercise: scaled dot-product self-attention with three weight matrices.
// You write: forward. Given (from the library's class): the parameters W_query, W_key, W_value of
// shape (d_in, d_out), drawn with torch.rand in the book's order, and their state-dict keys.
// Check it: mvn test -Pexercises -Dtest='Ch03ExerciseTest#listing3_1*'   Guide: docs/ch03.md#listing-3-1
// Reference solution: dev.scratchllm.attention.SelfAttentionV1#forward.
package dev.scratchllm.exercises.ch03;

import dev.scratchllm.exercises.Exercise;
import dev.scratchllm.exercises.ExerciseNotDoneException;
import dev.scratchllm.tensor.Tensor;

/** The book's {@code SelfAttention_v1(d_in, d_out)}; {@code wQuery()}, {@code wKey()}, {@code wValue()} are the weights. */
public class SelfAttentionV1 extends dev.scratchllm.attention.SelfAttentionV1 {
    /** The input size {@code d_in}. */
    private final int dIn;

    public SelfAttentionV1(int dIn, int dOut) {
        super(dIn, dOut);
        this.dIn = dIn;
    }

    /**
     * TODO: for one sequence {@code x (num_tokens, d_in)}: keys, queries and values are
     * {@code x @ W_key}, {@code x @ W_query}, {@code x @ W_value} ({@code matmul}); the scores are
     * {@code queries @ keys.T} ({@code keys.t()}); the weights are the softmax over the last
     * dimension of the scores divided by {@code √d_k} ({@code keys.size(-1)}); return
     * {@code weights @ values}, shape {@code (num_tokens, d_out)}.
     */
    @Override
    public Tensor forward(Tensor x) {
        throw new ExerciseNotDoneException(Exercise.LISTING_3_1);
    }
}
