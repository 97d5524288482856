// Listing E.5 as an exercise (used by exercise 7.4): the low-rank update of LoRA.
// You write: forward. Given (from the library's class): A (in_dim, rank) drawn like PyTorch's
// kaiming_uniform_, B (rank, out_dim) zeros, and scaling() = alpha / rank.
// Check it: mvn test -Pexercises -Dtest='AppendixEExerciseTest#listingE_5*'   Guide: docs/appendix-e.md#listing-e-5
// Reference solution: dev.scratchllm.finetune.LoRALayer#forward.
package dev.scratchllm.exercises.appendixe;

import dev.scratchllm.exercises.Exercise;
import dev.scratchllm.exercises.ExerciseNotDoneException;
import dev.scratchllm.tensor.Tensor;

/** The book's {@code LoRALayer(in_dim, out_dim, rank, alpha)}; {@code a()} and {@code b()} are its parameters. */
public class LoRALayer extends dev.scratchllm.finetune.LoRALayer {
    private final int inDim;

    public LoRALayer(int inDim, int outDim, int rank, double alpha) {
        super(inDim, outDim, rank, alpha);
        this.inDim = inDim;
    }

    /** TODO: {@code (alpha / rank) · (x @ A @ B)} for {@code x (…, in_dim)}: {@code (…, out_dim)}. */
    @Override
    public Tensor forward(Tensor x) {
        throw new ExerciseNotDoneException(Exercise.LISTING_E_5);
    }
}
