// Listing 3.4 as an exercise: several causal attention heads side by side.
// You write: forward. Given (from the library's class): heads(), the num_heads CausalAttention
// modules (the library's, so this exercise does not depend on your listing 3.3).
// Check it: mvn test -Pexercises -Dtest='Ch03ExerciseTest#listing3_4*'   Guide: docs/ch03.md#listing-3-4
// Reference solution: dev.scratchllm.attention.MultiHeadAttentionWrapper#forward.
package dev.scratchllm.exercises.ch03;

import dev.scratchllm.attention.CausalAttention;
import dev.scratchllm.exercises.Exercise;
import dev.scratchllm.exercises.ExerciseNotDoneException;
import dev.scratchllm.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;

/** The book's {@code MultiHeadAttentionWrapper(d_in, d_out, context_length, dropout, num_heads, qkv_bias=False)}. */
public class MultiHeadAttentionWrapper extends dev.scratchllm.attention.MultiHeadAttentionWrapper {
    public MultiHeadAttentionWrapper(int dIn, int dOut, int contextLength, double dropout, int numHeads) {
        super(dIn, dOut, contextLength, dropout, numHeads);
    }

    public MultiHeadAttentionWrapper(int dIn, int dOut, int contextLength, double dropout, int numHeads, boolean qkvBias) {
        super(dIn, dOut, contextLength, dropout, numHeads, qkvBias);
    }

    /**
     * TODO: run every head of {@code heads()} on {@code x} (each gives {@code (b, num_tokens, d_out)})
     * and concatenate the results along the last dimension ({@code Tensor.cat(list, -1)}):
     * {@code (b, num_tokens, d_out * num_heads)}.
     */
    @Override
    public Tensor forward(Tensor x) {
        throw new ExerciseNotDoneException(Exercise.LISTING_3_4);
    }
}
