// Exercise 6.1 in Java: pad every message to the model's full context instead of the longest
// message. You write: paddedToContext (with your SpamDataset from listing 6.4).
// Check it: mvn test -Pexercises -Dtest='Ch06ExerciseTest#exercise6_1*'   Guide: docs/ch06.md#exercise-6-1
package dev.scratchllm.exercises.ch06;

import dev.scratchllm.exercises.Exercise;
import dev.scratchllm.exercises.ExerciseNotDoneException;
import dev.scratchllm.finetune.LabeledText;
import dev.scratchllm.tokenizer.GPT2Tokenizer;

import java.util.List;

/** Exercise 6.1: increasing the context length. */
public final class Exercise6_1 {
    private Exercise6_1() {
    }

    /** TODO: a {@link SpamDataset} of {@code rows} whose examples all have {@code contextLength} tokens, padded with 50256. */
    public static SpamDataset paddedToContext(List<LabeledText> rows, GPT2Tokenizer tokenizer, int contextLength) {
        throw new ExerciseNotDoneException(Exercise.EXERCISE_6_1);
    }
}
