// Exercise 3.3 in Java: the attention module of the smallest GPT-2. You write: gpt2SizedAttention.
// Only the module's sizes are checked (no forward pass).
// Check it: mvn test -Pexercises -Dtest='Ch03ExerciseTest#exercise3_3*'   Guide: docs/ch03.md#exercise-3-3
package dev.scratchllm.exercises.ch03;

import dev.scratchllm.exercises.Exercise;
import dev.scratchllm.exercises.ExerciseNotDoneException;

/** Exercise 3.3: initializing GPT-2-size attention modules. */
public final class Exercise3_3 {
    private Exercise3_3() {
    }

    /** TODO: a {@link MultiHeadAttention} as in GPT-2 124M: 768 inputs and outputs, 12 heads, a context of 1,024 tokens, no dropout. */
    public static MultiHeadAttention gpt2SizedAttention() {
        throw new ExerciseNotDoneException(Exercise.EXERCISE_3_3);
    }
}
