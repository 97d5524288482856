// Listing 4.7 as an exercise: the GPT model's forward pass from token ids to logits.
// You write: forward. Given (from the library's class): tokEmb(), posEmb(), dropEmb(),
// trfBlocks(), finalNorm() and outHead(), built from the config in the book's order; here: the
// config and checkIds, which rejects bad inputs with a clear message.
// Check it: mvn test -Pexercises -Dtest='Ch04ExerciseTest#listing4_7*'   Guide: docs/ch04.md#listing-4-7
// Reference solution: dev.scratchllm.gpt.GPTModel#forward(Tensor).
package dev.scratchllm.exercises.ch04;

import dev.scratchllm.exercises.Exercise;
import dev.scratchllm.exercises.ExerciseNotDoneException;
import dev.scratchllm.gpt.GPTConfig;
import dev.scratchllm.tensor.DType;
import dev.scratchllm.tensor.Tensor;

import java.util.Arrays;

/** The book's {@code GPTModel(cfg)}. */
public class GPTModel extends dev.scratchllm.gpt.GPTModel {
    private final GPTConfig cfg;

    public GPTModel(GPTConfig cfg) {
        super(cfg);
        this.cfg = cfg;
    }

    /**
     * TODO: {@code inIdx (b, T)} int64 ids: token embeddings {@code tokEmb().forward(inIdx)} plus
     * position embeddings of {@code Tensor.arange(T)}; {@code dropEmb()}; the transformer blocks
     * ({@code trfBlocks().forward}); {@code finalNorm()}; return {@code outHead().forward(x)}, the
     * logits {@code (b, T, vocab_size)}. Start with {@code checkIds(inIdx, cfg.contextLength())}.
     */
    @Override
    public Tensor forward(Tensor inIdx) {
        throw new ExerciseNotDoneException(Exercise.LISTING_4_7);
    }

    /** Given: {@code inIdx} must be int64 {@code (batch, num_tokens)} with at most {@code contextLength} tokens. */
    static void checkIds(Tensor inIdx, int contextLength) {
        if (inIdx.dtype() != DType.INT64 || inIdx.dim() != 2 || inIdx.size(1) > contextLength)
            throw new IllegalArgumentException("GPTModel: expected int64 token ids (batch, num_tokens <= " + contextLength + "), got "
                    + inIdx.dtype().torchName() + " " + Arrays.toString(inIdx.shape()));
    }
}
