package dev.scratchllm.attention;

import dev.scratchllm.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;

/**
 * Sections 3.3–3.5 of the book, step by step: the simplified self-attention without trainable
 * weights (dot-product scores for one query, the naive softmax next to {@code torch.softmax},
 * the context vector as a weighted sum), its matrix form for all tokens at once, and the two
 * ways of hiding future tokens (zeroing after the softmax and renormalising, versus
 * {@code -inf} before it).
 *
 * <p>These are teaching helpers that spell the book's loops out with tensor ops, so a test or a
 * notebook cell can print the same intermediate tensors the book prints. They are not used by
 * the attention modules and not meant to be fast. Nothing here draws random numbers.
 */
public final class SimplifiedAttention {
    private SimplifiedAttention() {
    }

    /**
     * The six 3-dimensional embeddings of "Your journey starts with one step" (section 3.3.1),
     * shape {@code (6, 3)}.
     *
     * @return a new {@code (6, 3)} tensor
     */
    public static Tensor exampleInputs() {
        return Tensor.fromArray(new float[][] {
                {0.43f, 0.15f, 0.89f}, // Your     (x^1)
                {0.55f, 0.87f, 0.66f}, // journey  (x^2)
                {0.57f, 0.85f, 0.64f}, // starts   (x^3)
                {0.22f, 0.58f, 0.33f}, // with     (x^4)
                {0.77f, 0.25f, 0.10f}, // one      (x^5)
                {0.05f, 0.80f, 0.55f}  // step     (x^6)
        });
    }

    /**
     * Step 1 for one query: the unnormalised attention scores ω of {@code query} against every
     * row of {@code inputs}, one dot product each, as the book's {@code for} loop does.
     *
     * @param inputs (T, d) token embeddings
     * @param query  (d) the query vector (in section 3.3.1 simply {@code inputs[1]})
     * @return (T) the scores
     */
    public static Tensor attentionScores(Tensor inputs, Tensor query) {
        requireMatrix("attentionScores", inputs);
        List<Tensor> scores = new ArrayList<>();
        for (int i = 0; i < inputs.size(0); i++) scores.add(inputs.get(i).dot(query));
        return Tensor.stack(scores, 0); // (T)
    }

    /**
     * The book's {@code softmax_naive(x) = exp(x) / exp(x).sum(dim=0)}; unstable for large inputs.
     *
     * @param x the scores
     * @return the softmax over dimension 0
     */
    public static Tensor softmaxNaive(Tensor x) {
        Tensor e = x.exp();
        return e.div(e.sum(0, false));
    }

    /**
     * The simple normalisation shown before the softmax: {@code scores / scores.sum()}.
     *
     * @param scores the scores
     * @return the scores divided by their total
     */
    public static Tensor normalizeBySum(Tensor scores) {
        return scores.div(scores.sum());
    }

    /**
     * Step 3 for one query: the context vector {@code z = Σ_i weights[i] · inputs[i]}, accumulated
     * row by row as in the book's loop.
     *
     * @param inputs  (T, d)
     * @param weights (T) attention weights for one query
     * @return (d)
     */
    public static Tensor contextVector(Tensor inputs, Tensor weights) {
        requireMatrix("contextVector", inputs);
        Tensor z = Tensor.zeros(inputs.size(1));
        for (int i = 0; i < inputs.size(0); i++) z = z.add(inputs.get(i).mul(weights.get(i)));
        return z;
    }

    /**
     * Section 3.3.2 with loops: {@code attn_scores[i, j] = dot(x_i, x_j)}, shape (T, T).
     *
     * @param inputs the token embeddings, shape {@code (T, d)}
     * @return the scores, shape {@code (T, T)}
     */
    public static Tensor attentionScoresLoop(Tensor inputs) {
        requireMatrix("attentionScoresLoop", inputs);
        int n = inputs.size(0);
        float[] s = new float[n * n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) s[i * n + j] = inputs.get(i).dot(inputs.get(j)).item();
        return Tensor.of(s, n, n);
    }

    /**
     * Section 3.3.2 as one product: {@code inputs @ inputs.T}, shape (T, T).
     *
     * @param inputs the token embeddings, shape {@code (T, d)}
     * @return the scores, shape {@code (T, T)}
     */
    public static Tensor attentionScores(Tensor inputs) {
        requireMatrix("attentionScores", inputs);
        return inputs.matmul(inputs.t());
    }

    /**
     * Row-wise {@code torch.softmax(scores, dim=-1)}.
     *
     * @param scores the scores, shape {@code (T, T)}
     * @return the weights; each row sums to 1
     */
    public static Tensor attentionWeights(Tensor scores) {
        return scores.softmax(-1);
    }

    /**
     * All context vectors at once: {@code weights @ inputs}, shape (T, d).
     *
     * @param weights the attention weights, shape {@code (T, T)}
     * @param inputs the token embeddings, shape {@code (T, d)}
     * @return the context vectors, shape {@code (T, d)}
     */
    public static Tensor contextVectors(Tensor weights, Tensor inputs) {
        return weights.matmul(inputs);
    }

    /**
     * Section 3.5.1's {@code mask_simple = torch.tril(torch.ones(n, n))}: ones on and below the diagonal.
     *
     * @param n the number of tokens
     * @return a new {@code (n, n)} float tensor
     */
    public static Tensor causalMaskSimple(int n) {
        return Tensor.ones(n, n).tril();
    }

    /**
     * The causal mask the modules keep as a buffer: {@code torch.triu(torch.ones(n, n), diagonal=1)} (ones
     * above the diagonal).
     *
     * @param n the number of tokens
     * @return a new {@code (n, n)} float tensor
     */
    public static Tensor causalMask(int n) {
        return Tensor.ones(n, n).triu(1);
    }

    /**
     * The first masking variant of section 3.5.1: zero the weights above the diagonal
     * ({@code weights * mask_simple}). The rows no longer sum to 1; see {@link #renormalize}.
     *
     * @param weights the attention weights, shape {@code (T, T)}
     * @return the masked weights
     */
    public static Tensor maskAfterSoftmax(Tensor weights) {
        requireSquare("maskAfterSoftmax", weights);
        return weights.mul(causalMaskSimple(weights.size(-1)));
    }

    /**
     * Divides every row by its sum ({@code masked / masked.sum(dim=-1, keepdim=True)}).
     *
     * @param masked the masked weights, shape {@code (T, T)}
     * @return the weights with each row summing to 1
     */
    public static Tensor renormalize(Tensor masked) {
        return masked.div(masked.sum(-1, true));
    }

    /**
     * The efficient variant: {@code scores.masked_fill(triu(ones, 1).bool(), -inf)}, so that a
     * following softmax gives exactly zero weight to future tokens and rows that sum to 1.
     *
     * @param scores the scores, shape {@code (T, T)}
     * @return a new tensor with {@code -inf} above the diagonal
     */
    public static Tensor maskBeforeSoftmax(Tensor scores) {
        requireSquare("maskBeforeSoftmax", scores);
        int n = scores.size(-1);
        return scores.maskedFill(causalMask(n).toBool(), Float.NEGATIVE_INFINITY);
    }

    private static void requireMatrix(String op, Tensor t) {
        if (t.dim() != 2)
            throw new IllegalArgumentException(op + ": expected a 2-D tensor (num_tokens, d), got shape " + java.util.Arrays.toString(t.shape()));
    }

    private static void requireSquare(String op, Tensor t) {
        if (t.dim() < 2 || t.size(-1) != t.size(-2))
            throw new IllegalArgumentException(op + ": expected (…, T, T) scores or weights, got shape " + java.util.Arrays.toString(t.shape()));
    }
}
