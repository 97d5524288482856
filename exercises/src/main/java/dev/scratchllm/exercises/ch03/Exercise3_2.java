// Exercise 3.2 in Java: change the arguments of MultiHeadAttentionWrapper so that two heads
// return two-dimensional context vectors. You write: twoDimensionalOutputs. Its output comes from
// your MultiHeadAttentionWrapper.forward (listing 3.4).
// Check it: mvn test -Pexercises -Dtest='Ch03ExerciseTest#exercise3_2*'   Guide: docs/ch03.md#exercise-3-2
package dev.scratchllm.exercises.ch03;

import dev.scratchllm.exercises.Exercise;
import dev.scratchllm.exercises.ExerciseNotDoneException;

/** Exercise 3.2: returning two-dimensional embedding vectors. */
public final class Exercise3_2 {
    private Exercise3_2() {
    }

    /** TODO: a {@link MultiHeadAttentionWrapper} with 2 heads whose concatenated output has 2 dimensions per token. */
    public static MultiHeadAttentionWrapper twoDimensionalOutputs(int dIn, int contextLength, double dropout) {
        throw new ExerciseNotDoneException(Exercise.EXERCISE_3_2);
    }
}
