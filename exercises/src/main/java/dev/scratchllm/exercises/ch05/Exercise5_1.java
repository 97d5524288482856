// Exercise 5.1 in Java: how often the toy vocabulary's "pizza" is sampled at temperatures 0.1, 1
// and 5. You write: sampledCount.
// Check it: mvn test -Pexercises -Dtest='Ch05ExerciseTest#exercise5_1*'   Guide: docs/ch05.md#exercise-5-1
package dev.scratchllm.exercises.ch05;

import dev.scratchllm.ScratchLLM;
import dev.scratchllm.exercises.Exercise;
import dev.scratchllm.exercises.ExerciseNotDoneException;
import dev.scratchllm.tensor.Tensor;

/** Exercise 5.1: the book's {@code print_sampled_tokens} for one token. */
public final class Exercise5_1 {
    private Exercise5_1() {
    }

    /**
     * TODO: {@code ScratchLLM.manualSeed(123)}, then 1,000 draws of
     * {@code ScratchLLM.multinomial(probas, 1)} from {@code probas = softmax(nextTokenLogits / temperature)};
     * how many of them are {@code tokenId}?
     */
    public static int sampledCount(Tensor nextTokenLogits, float temperature, int tokenId) {
        throw new ExerciseNotDoneException(Exercise.EXERCISE_5_1);
    }
}
