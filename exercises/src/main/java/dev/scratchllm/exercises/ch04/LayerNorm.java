// Listing 4.2 as an exercise: layer normalization over the last dimension.
// You write: forward. Given (from the library's class): the parameters scale (ones) and shift
// (zeros) of size emb_dim, and EPS = 1e-5.
// Check it: mvn test -Pexercises -Dtest='Ch04ExerciseTest#listing4_2*'   Guide: docs/ch04.md#listing-4-2
// Reference solution: dev.scratchllm.nn.LayerNorm#forwardComposed (the book's formula; its
// forward calls a fused kernel that gives the same numbers).
package dev.scratchllm.exercises.ch04;

import dev.scratchllm.exercises.Exercise;
import dev.scratchllm.exercises.ExerciseNotDoneException;
import dev.scratchllm.tensor.Tensor;

/** The book's {@code LayerNorm(emb_dim)}; {@code scale()} and {@code shift()} are the trainable parameters. */
public class LayerNorm extends dev.scratchllm.nn.LayerNorm {
    public LayerNorm(int embDim) {
        super(embDim);
    }

    /**
     * TODO: the mean over the last dimension ({@code x.mean(-1, true)}) and the biased variance
     * ({@code x.var(-1, false, true)}: unbiased = false, keepdim = true);
     * {@code norm = (x - mean) / sqrt(var + EPS)}; return {@code scale() * norm + shift()}.
     */
    @Override
    public Tensor forward(Tensor x) {
        throw new ExerciseNotDoneException(Exercise.LISTING_4_2);
    }
}
