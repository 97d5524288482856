// Exercise 3.1 in Java: give a SelfAttentionV1 the weights of a SelfAttentionV2, so that both
// compute the same context vectors. You write: loadV2Weights. The test checks the copied weights
// with the library's forward, so it does not depend on your listings 3.1 and 3.2.
// Check it: mvn test -Pexercises -Dtest='Ch03ExerciseTest#exercise3_1*'   Guide: docs/ch03.md#exercise-3-1
package dev.scratchllm.exercises.ch03;

import dev.scratchllm.exercises.Exercise;
import dev.scratchllm.exercises.ExerciseNotDoneException;

import java.util.Map;

/** Exercise 3.1: comparing {@code SelfAttention_v1} and {@code SelfAttention_v2}. */
public final class Exercise3_1 {
    private Exercise3_1() {
    }

    /**
     * TODO: make {@code saV1} compute what {@code saV2} computes. A {@code Linear} stores its
     * weight as {@code (d_out, d_in)} while {@code SelfAttentionV1}'s matrices are
     * {@code (d_in, d_out)}: load the transposed weights ({@code saV2.wQuery().weight().t()}, …)
     * under the keys {@code W_query}, {@code W_key}, {@code W_value} ({@code saV1.loadStateDict}).
     */
    public static void loadV2Weights(SelfAttentionV1 saV1, SelfAttentionV2 saV2) {
        throw new ExerciseNotDoneException(Exercise.EXERCISE_3_1);
    }
}
