// Listing 4.6 as an exercise: the transformer block, pre-LayerNorm with two shortcut connections.
// You write: forward. Given (from the library's class): att() (MultiHeadAttention), ff()
// (FeedForward), norm1(), norm2() (LayerNorm) and dropShortcut() (Dropout), built from the config.
// Check it: mvn test -Pexercises -Dtest='Ch04ExerciseTest#listing4_6*'   Guide: docs/ch04.md#listing-4-6
// Reference solution: dev.scratchllm.gpt.TransformerBlock#forward(Tensor).
package dev.scratchllm.exercises.ch04;

import dev.scratchllm.exercises.Exercise;
import dev.scratchllm.exercises.ExerciseNotDoneException;
import dev.scratchllm.gpt.GPTConfig;
import dev.scratchllm.nn.Dropout;
import dev.scratchllm.tensor.Tensor;

/** The book's {@code TransformerBlock(cfg)}. */
public class TransformerBlock extends dev.scratchllm.gpt.TransformerBlock {
    public TransformerBlock(GPTConfig cfg) {
        super(cfg);
    }

    /**
     * TODO: {@code x (b, T, emb_dim)}: keep {@code shortcut = x}; {@code x = norm1(x)},
     * {@code att(x)}, {@code dropShortcut(x)}, then add the shortcut back. Again for the
     * feed-forward part: {@code shortcut = x}; {@code norm2}, {@code ff}, {@code dropShortcut},
     * add the shortcut. Return {@code x}, same shape as the input.
     */
    @Override
    public Tensor forward(Tensor x) {
        throw new ExerciseNotDoneException(Exercise.LISTING_4_6);
    }
}
