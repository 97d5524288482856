// Exercise 4.2 in Java: the configurations of GPT-2 medium, large and XL, their parameter counts
// and sizes. You write: config, totalParameters and sizeInMB. The XL model does not fit in the
// tests' memory: count its parameters from the configuration instead of building it.
// Check it: mvn test -Pexercises -Dtest='Ch04ExerciseTest#exercise4_2*'   Guide: docs/ch04.md#exercise-4-2
package dev.scratchllm.exercises.ch04;

import dev.scratchllm.exercises.Exercise;
import dev.scratchllm.exercises.ExerciseNotDoneException;
import dev.scratchllm.gpt.GPTConfig;

/** Exercise 4.2: initializing larger GPT models. */
public final class Exercise4_2 {
    private Exercise4_2() {
    }

    /**
     * TODO: {@code GPT_CONFIG_124M} with the sizes of {@code modelName}: "gpt2-small" (emb 768,
     * 12 layers, 12 heads), "gpt2-medium" (1,024, 24, 16), "gpt2-large" (1,280, 36, 20),
     * "gpt2-xl" (1,600, 48, 25); see {@code GPTConfig.withSize(embDim, nLayers, nHeads)}.
     */
    public static GPTConfig config(String modelName) {
        throw new ExerciseNotDoneException(Exercise.EXERCISE_4_2);
    }

    /** TODO: the number of parameters of {@code new GPTModel(cfg)}: embeddings, blocks, final norm and output head. */
    public static long totalParameters(GPTConfig cfg) {
        throw new ExerciseNotDoneException(Exercise.EXERCISE_4_2);
    }

    /** TODO: the book's size in megabytes: float32 parameters (4 bytes each) in units of 1024 · 1024 bytes. */
    public static double sizeInMB(long totalParameters) {
        throw new ExerciseNotDoneException(Exercise.EXERCISE_4_2);
    }
}
