// Listing E.6 as an exercise (used by exercise 7.4): a linear layer plus its LoRA update.
// You write: forward. Given (from the library's class): linear(), the wrapped layer, and lora(),
// the library's LoRALayer (so this exercise does not depend on your listing E.5).
// Check it: mvn test -Pexercises -Dtest='AppendixEExerciseTest#listingE_6*'   Guide: docs/appendix-e.md#listing-e-6
// Reference solution: dev.scratchllm.finetune.LinearWithLoRA#forward.
package dev.scratchllm.exercises.appendixe;

import dev.scratchllm.exercises.Exercise;
import dev.scratchllm.exercises.ExerciseNotDoneException;
import dev.scratchllm.nn.Linear;
import dev.scratchllm.tensor.Tensor;

/** The book's {@code LinearWithLoRA(linear, rank, alpha)}. */
public class LinearWithLoRA extends dev.scratchllm.finetune.LinearWithLoRA {
    public LinearWithLoRA(Linear linear, int rank, double alpha) {
        super(linear, rank, alpha);
    }

    /** TODO: the wrapped layer's output plus the LoRA layer's output. */
    @Override
    public Tensor forward(Tensor x) {
        throw new ExerciseNotDoneException(Exercise.LISTING_E_6);
    }
}
