// Listing 3.3 as an exercise: batched self-attention that hides future tokens and drops out
// attention weights. You write: forward. Given (from the library's class): the Linear layers, the
// dropout module (child "dropout") and the mask buffer (mask(): ones above the diagonal); here:
// two small helpers, checkInput and causalMaskBool (MultiHeadAttention uses them too).
// Check it: mvn test -Pexercises -Dtest='Ch03ExerciseTest#listing3_3*'   Guide: docs/ch03.md#listing-3-3
// Reference solution: dev.scratchllm.attention.CausalAttention#forward.
package dev.scratchllm.exercises.ch03;

import dev.scratchllm.exercises.Exercise;
import dev.scratchllm.exercises.ExerciseNotDoneException;
import dev.scratchllm.nn.Dropout;
import dev.scratchllm.tensor.Tensor;

import java.util.Arrays;

/** The book's {@code CausalAttention(d_in, d_out, context_length, dropout, qkv_bias=False)}. */
public class CausalAttention extends dev.scratchllm.attention.CausalAttention {
    private final int dIn, contextLength;

    public CausalAttention(int dIn, int dOut, int contextLength, double dropout) {
        this(dIn, dOut, contextLength, dropout, false);
    }

    public CausalAttention(int dIn, int dOut, int contextLength, double dropout, boolean qkvBias) {
        super(dIn, dOut, contextLength, dropout, qkvBias);
        this.dIn = dIn;
        this.contextLength = contextLength;
    }

    /**
     * TODO: for a batch {@code x (b, num_tokens, d_in)}: keys, queries, values from the three
     * layers; scores {@code queries @ keys.transpose(1, 2)}; fill the future positions with
     * {@code -inf} ({@code scores.maskedFill_(causalMaskBool(mask(), numTokens), Float.NEGATIVE_INFINITY)});
     * softmax of the scores divided by {@code √d_k} over the last dimension; dropout on the weights
     * ({@code child("dropout", Dropout.class).forward(weights)}); return {@code weights @ values},
     * shape {@code (b, num_tokens, d_out)}. {@link #checkInput} rejects bad inputs with a clear message.
     */
    @Override
    public Tensor forward(Tensor x) {
        throw new ExerciseNotDoneException(Exercise.LISTING_3_3);
    }

    /** Given: the book's {@code mask.bool()[:num_tokens, :num_tokens]}, true where a token must not look. */
    static Tensor causalMaskBool(Tensor mask, int numTokens) {
        return mask.slice(0, 0, numTokens).slice(1, 0, numTokens).toBool();
    }

    /** Given: {@code x} must be a float batch {@code (b, num_tokens, dIn)} with at most {@code contextLength} tokens. */
    static void checkInput(String who, Tensor x, int dIn, int contextLength) {
        if (!x.isFloatingPoint() || x.dim() != 3 || x.size(2) != dIn || x.size(1) > contextLength)
            throw new IllegalArgumentException(who + ": expected a float input (batch, num_tokens <= " + contextLength + ", " + dIn
                    + "), got " + x.dtype().torchName() + " " + Arrays.toString(x.shape()));
    }
}
