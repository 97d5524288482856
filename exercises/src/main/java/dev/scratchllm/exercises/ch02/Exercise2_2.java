// Exercise 2.2 in Java: data loaders with other max_length and stride settings.
// You write: firstInputs. It does not print anything; the test compares your batches with the book's.
// Check it: mvn test -Pexercises -Dtest='Ch02ExerciseTest#exercise2_2*'   Guide: docs/ch02.md#exercise-2-2
package dev.scratchllm.exercises.ch02;

import dev.scratchllm.exercises.Exercise;
import dev.scratchllm.exercises.ExerciseNotDoneException;
import dev.scratchllm.tensor.Tensor;

/** Exercise 2.2: what the loader yields for {@code max_length=2, stride=2} and {@code max_length=8, stride=2}. */
public final class Exercise2_2 {
    private Exercise2_2() {
    }

    /**
     * TODO: the inputs of the first batch of a data loader over {@code rawText} with batch size 4,
     * the given {@code maxLength} and {@code stride}, not shuffled, the last short batch dropped
     * (your {@link GPTDatasetV1#createDataloaderV1} or the library's).
     */
    public static Tensor firstInputs(String rawText, int maxLength, int stride) {
        throw new ExerciseNotDoneException(Exercise.EXERCISE_2_2);
    }
}
