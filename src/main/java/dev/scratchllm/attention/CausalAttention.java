package dev.scratchllm.attention;

import dev.scratchllm.nn.Dropout;
import dev.scratchllm.nn.Linear;
import dev.scratchllm.nn.Module;
import dev.scratchllm.tensor.Tensor;

import java.util.Arrays;

/**
 * The book's {@code CausalAttention} (listing 3.3): single-head self-attention over a batch
 * {@code (b, num_tokens, d_in)} that hides future tokens and applies dropout to the attention
 * weights. Submodules and buffer in the book's order: {@code W_query}, {@code W_key},
 * {@code W_value} ({@link Linear}, bias only if {@code qkvBias}), {@code dropout}, and the
 * buffer {@code mask} = {@code torch.triu(torch.ones(context_length, context_length), 1)} as
 * float32 (part of the state dict, as in PyTorch).
 *
 * <p>Forward: scores {@code Q·Kᵀ}, {@code masked_fill_} with {@code -inf} where
 * {@code mask[:T, :T]} is 1, softmax of the scores divided by {@code √d_out}, dropout, then
 * times {@code V}: output {@code (b, num_tokens, d_out)}. Inputs longer than
 * {@code contextLength} are rejected (the mask has no rows for them).
 */
public class CausalAttention extends Module {
    private final int dIn, dOut, contextLength;

    /**
     * Without bias, like the book's default {@code qkv_bias=False}.
     *
     * @param dIn the input embedding size
     * @param dOut the output size
     * @param contextLength the longest input (the size of the causal mask)
     * @param dropout the dropout rate on the attention weights
     */
    public CausalAttention(int dIn, int dOut, int contextLength, double dropout) {
        this(dIn, dOut, contextLength, dropout, false);
    }

    /**
     * Builds the layer, drawing the initial weights from the default generator.
     *
     * @param dIn the input embedding size
     * @param dOut the output size
     * @param contextLength the longest input (the size of the causal mask)
     * @param dropout the dropout rate on the attention weights
     * @param qkvBias whether the query, key and value projections have a bias
     * @throws IllegalArgumentException if {@code contextLength} is not positive
     */
    public CausalAttention(int dIn, int dOut, int contextLength, double dropout, boolean qkvBias) {
        if (contextLength < 1) throw new IllegalArgumentException("CausalAttention: context_length must be positive, got " + contextLength);
        this.dIn = dIn;
        this.dOut = dOut;
        this.contextLength = contextLength;
        registerModule("W_query", new Linear(dIn, dOut, qkvBias));
        registerModule("W_key", new Linear(dIn, dOut, qkvBias));
        registerModule("W_value", new Linear(dIn, dOut, qkvBias));
        registerModule("dropout", new Dropout(dropout));
        registerBuffer("mask", Tensor.ones(contextLength, contextLength).triu(1));
    }

    /**
     * The query projection, {@code W_query}.
     *
     * @return the query layer
     */
    public Linear wQuery() {
        return child("W_query", Linear.class);
    }

    /**
     * The key projection, {@code W_key}.
     *
     * @return the key layer
     */
    public Linear wKey() {
        return child("W_key", Linear.class);
    }

    /**
     * The value projection, {@code W_value}.
     *
     * @return the value layer
     */
    public Linear wValue() {
        return child("W_value", Linear.class);
    }

    /**
     * The float mask buffer, ones above the diagonal, shape (context_length, context_length).
     *
     * @return the mask buffer
     */
    public Tensor mask() {
        return buffer("mask");
    }

    /**
     * The longest input accepted.
     *
     * @return the context length
     */
    public int contextLength() {
        return contextLength;
    }

    @Override
    public Tensor forward(Tensor x) {
        checkInput("CausalAttention", x, dIn, contextLength);
        int numTokens = x.size(1);
        Tensor keys = wKey().forward(x);       // (b, T, d_out)
        Tensor queries = wQuery().forward(x);  // (b, T, d_out)
        Tensor values = wValue().forward(x);   // (b, T, d_out)

        Tensor attnScores = queries.matmul(keys.transpose(1, 2)); // (b, T, T)
        attnScores.maskedFill_(causalMaskBool(mask(), numTokens), Float.NEGATIVE_INFINITY);
        Tensor attnWeights = attnScores.div((float) Math.sqrt(keys.size(-1))).softmax(-1);
        attnWeights = child("dropout", Dropout.class).forward(attnWeights);
        return attnWeights.matmul(values);   // (b, T, d_out)
    }

    /** {@code mask.bool()[:T, :T]}. */
    static Tensor causalMaskBool(Tensor mask, int numTokens) {
        return mask.slice(0, 0, numTokens).slice(1, 0, numTokens).toBool(); // (T, T)
    }

    /**
     * Whether {@code maskRows}, rows {@code past …} of a mask buffer, are the causal pattern: nonzero
     * (masked) exactly where the key comes after the query, {@code j > past + i}.
     */
    static boolean isCausal(Tensor maskRows, int past) {
        int rows = maskRows.size(0), cols = maskRows.size(1);
        float[] m = maskRows.toFloatArray(); // (rows, cols)
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++)
                if ((m[i * cols + j] != 0f) != (j > past + i)) return false;
        return true;
    }

    /** Shared input checks: a float (b, T, dIn) batch with T <= contextLength. */
    static void checkInput(String who, Tensor x, int dIn, int contextLength) {
        if (!x.isFloatingPoint() || x.dim() != 3 || x.size(2) != dIn)
            throw new IllegalArgumentException(who + ": expected a float input of shape (batch, num_tokens, " + dIn + "), got "
                    + x.dtype().torchName() + " " + Arrays.toString(x.shape()));
        if (x.size(1) > contextLength)
            throw new IllegalArgumentException(who + ": the input has " + x.size(1) + " tokens but context_length is " + contextLength
                    + " (crop the input to the last " + contextLength + " tokens)");
    }
}
