// Exercise 5.3 in Java: settings of generate that make decoding deterministic.
// You write: deterministicGenerate (with your generate from listing 5.4, or the library's).
// Check it: mvn test -Pexercises -Dtest='Ch05ExerciseTest#exercise5_3*'   Guide: docs/ch05.md#exercise-5-3
package dev.scratchllm.exercises.ch05;

import dev.scratchllm.exercises.Exercise;
import dev.scratchllm.exercises.ExerciseNotDoneException;
import dev.scratchllm.nn.Module;
import dev.scratchllm.tensor.Tensor;

/** Exercise 5.3: deterministic behavior in the decoding functions. */
public final class Exercise5_3 {
    private Exercise5_3() {
    }

    /** TODO: {@code generate} with settings under which the result no longer depends on the random seed. */
    public static Tensor deterministicGenerate(Module model, Tensor idx, int maxNewTokens, int contextSize) {
        throw new ExerciseNotDoneException(Exercise.EXERCISE_5_3);
    }
}
