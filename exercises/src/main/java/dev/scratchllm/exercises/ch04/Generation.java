// Listing 4.8 as an exercise: greedy text generation, one token at a time.
// You write: generateTextSimple.
// Check it: mvn test -Pexercises -Dtest='Ch04ExerciseTest#listing4_8*'   Guide: docs/ch04.md#listing-4-8
// Reference solution: dev.scratchllm.gpt.Generation#generateTextSimple.
package dev.scratchllm.exercises.ch04;

import dev.scratchllm.autograd.GradMode;
import dev.scratchllm.exercises.Exercise;
import dev.scratchllm.exercises.ExerciseNotDoneException;
import dev.scratchllm.nn.Module;
import dev.scratchllm.tensor.DType;
import dev.scratchllm.tensor.Tensor;

import java.util.Arrays;
import java.util.List;

/** The book's {@code generate_text_simple}. */
public final class Generation {
    private Generation() {
    }

    /**
     * TODO: {@code maxNewTokens} times: keep the last {@code contextSize} tokens of {@code idx}
     * ({@code idx.slice(1, -contextSize, Integer.MAX_VALUE)}); run the model without recording a
     * graph ({@code try (var g = GradMode.noGrad()) { ... }}); take the last position's logits
     * ({@code select(1, -1)}: {@code (b, vocab)}); the next id is the arg-max
     * ({@code argmax(-1, true)}: {@code (b, 1)}); append it ({@code Tensor.cat(List.of(idx, next), 1)}).
     *
     * @param idx int64 ids {@code (b, n)}
     * @return int64 ids {@code (b, n + maxNewTokens)}
     */
    public static Tensor generateTextSimple(Module model, Tensor idx, int maxNewTokens, int contextSize) {
        throw new ExerciseNotDoneException(Exercise.LISTING_4_8);
    }
}
