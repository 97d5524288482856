// Listing 4.3 as an exercise: the GELU activation in the tanh approximation GPT-2 uses.
// You write: forward.
// Check it: mvn test -Pexercises -Dtest='Ch04ExerciseTest#listing4_3*'   Guide: docs/ch04.md#listing-4-3
// Reference solution: dev.scratchllm.nn.GELU#forwardComposed (the book's formula; its forward
// calls a fused kernel).
package dev.scratchllm.exercises.ch04;

import dev.scratchllm.exercises.Exercise;
import dev.scratchllm.exercises.ExerciseNotDoneException;
import dev.scratchllm.tensor.Tensor;

/** The book's {@code GELU()}. */
public class GELU extends dev.scratchllm.nn.GELU {
    /**
     * TODO: {@code 0.5 · x · (1 + tanh(√(2/π) · (x + 0.044715 · x³)))} with tensor operations
     * ({@code pow}, {@code mul}, {@code add}, {@code tanh}), element by element, any shape.
     */
    @Override
    public Tensor forward(Tensor x) {
        throw new ExerciseNotDoneException(Exercise.LISTING_4_3);
    }
}
