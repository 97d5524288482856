// Listing 7.5 and exercise 7.2 as exercises: padding a batch of instruction examples into inputs
// and targets. You write: customCollate (listing 7.5) and customCollateWithMasking (exercise 7.2).
// Check them: mvn test -Pexercises -Dtest='Ch07ExerciseTest#listing7_5*' (or #exercise7_2*)
// Guides: docs/ch07.md#listing-7-5, docs/ch07.md#exercise-7-2
// Reference solutions: dev.scratchllm.finetune.Collate (both call its private helper collate).
package dev.scratchllm.exercises.ch07;

import dev.scratchllm.exercises.Exercise;
import dev.scratchllm.exercises.ExerciseNotDoneException;
import dev.scratchllm.finetune.InstructionDatasetWithMasking;
import dev.scratchllm.tensor.Tensor;

import java.util.List;

/** The book's {@code custom_collate_fn} and exercise 7.2's masking variant. */
public final class Collate {
    private Collate() {
    }

    /**
     * TODO (listing 7.5): append one {@code padTokenId} to every item and pad them all with
     * {@code padTokenId} to the longest item's length + 1; the inputs are each padded row without
     * its last position, the targets without its first; in every target row, keep the first
     * {@code padTokenId} and replace each later one with {@code ignoreIndex}; if
     * {@code allowedMaxLength} is not null, keep only that many positions. Return
     * {@code {inputs, targets}}, int64 tensors {@code (batch, length)}.
     */
    public static Tensor[] customCollate(List<int[]> batch, int padTokenId, int ignoreIndex, Integer allowedMaxLength) {
        throw new ExerciseNotDoneException(Exercise.LISTING_7_5);
    }

    /**
     * TODO (exercise 7.2): as {@link #customCollate} over the items' {@code ids()}, and also set the
     * first {@code instructionLength() - 1} targets of each row to {@code ignoreIndex}, so that only
     * the response (and its end token) is trained.
     */
    public static Tensor[] customCollateWithMasking(List<InstructionDatasetWithMasking.Item> batch, int padTokenId, int ignoreIndex,
                                                    Integer allowedMaxLength) {
        throw new ExerciseNotDoneException(Exercise.EXERCISE_7_2);
    }
}
