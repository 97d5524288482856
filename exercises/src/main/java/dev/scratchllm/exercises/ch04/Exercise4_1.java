// Exercise 4.1 in Java: how the parameters of one transformer block split between the
// feed-forward network and the attention module. You write: the two counts.
// Check it: mvn test -Pexercises -Dtest='Ch04ExerciseTest#exercise4_1*'   Guide: docs/ch04.md#exercise-4-1
package dev.scratchllm.exercises.ch04;

import dev.scratchllm.exercises.Exercise;
import dev.scratchllm.exercises.ExerciseNotDoneException;
import dev.scratchllm.gpt.GPTConfig;

/** Exercise 4.1: number of parameters in the feed-forward and attention modules. */
public final class Exercise4_1 {
    private Exercise4_1() {
    }

    /** TODO: the parameters of the feed-forward module ({@code ff}) of one block of a model with config {@code cfg}. */
    public static long feedForwardParameters(GPTConfig cfg) {
        throw new ExerciseNotDoneException(Exercise.EXERCISE_4_1);
    }

    /** TODO: the parameters of the attention module ({@code att}) of one block. */
    public static long attentionParameters(GPTConfig cfg) {
        throw new ExerciseNotDoneException(Exercise.EXERCISE_4_1);
    }
}
