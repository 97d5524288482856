// Listing 3.2 as an exercise: SelfAttentionV1 with nn.Linear projections instead of raw matrices.
// You write: forward. Given (from the library's class): the Linear layers W_query, W_key, W_value
// (bias only with qkvBias), created in the book's order.
// Check it: mvn test -Pexercises -Dtest='Ch03ExerciseTest#listing3_2*'   Guide: docs/ch03.md#listing-3-2
// Reference solution: dev.scratchllm.attention.SelfAttentionV2#forward.
package dev.scratchllm.exercises.ch03;

import dev.scratchllm.exercises.Exercise;
import dev.scratchllm.exercises.ExerciseNotDoneException;
import dev.scratchllm.tensor.Tensor;

/** The book's {@code SelfAttention_v2(d_in, d_out, qkv_bias=False)}; {@code wQuery()} etc. are {@code Linear} layers. */
public class SelfAttentionV2 extends dev.scratchllm.attention.SelfAttentionV2 {
    /** The input size {@code d_in}. */
    private final int dIn;

    public SelfAttentionV2(int dIn, int dOut) {
        this(dIn, dOut, false);
    }

    public SelfAttentionV2(int dIn, int dOut, boolean qkvBias) {
        super(dIn, dOut, qkvBias);
        this.dIn = dIn;
    }

    /**
     * TODO: as {@code SelfAttentionV1.forward}, but the projections are the layers' forward passes:
     * {@code wKey().forward(x)}, {@code wQuery().forward(x)}, {@code wValue().forward(x)}.
     */
    @Override
    public Tensor forward(Tensor x) {
        throw new ExerciseNotDoneException(Exercise.LISTING_3_2);
    }
}
