package dev.scratchllm.infer;

import dev.scratchllm.kernels.KernelProvider;
import dev.scratchllm.kernels.Kernels;
import dev.scratchllm.random.Generator;

import java.util.Arrays;

/**
 * Picks the next token from one row of logits as {@link SamplingParams} says, with PyTorch's
 * draws: the book's {@code torch.multinomial(probs, 1)} is one {@code exponential_()} draw per
 * vocabulary entry and the first arg-max of {@code probs / q} ({@link Generator#multinomial}),
 * done here into a preallocated buffer so that a seeded run picks the same tokens as the book's
 * {@code generate} and as PyTorch. Top-p follows Hugging Face's {@code TopPLogitsWarper}: sort
 * ascending, softmax, cumulative sum (in double, as PyTorch's CPU {@code cumsum} of float32),
 * drop the entries whose cumulative probability is at most {@code 1 − top_p}, always keeping
 * the most likely one. All scratch is allocated once per sampler; {@link #sample} allocates
 * nothing. It modifies the logits row in place.
 */
public final class Sampler {
    private final int vocab;
    private final Kernels k = KernelProvider.get();
    private final float[] probs, q;
    private final int[] seen;
    private long[] sortKeys;
    private int stamp;

    /**
     * A sampler for rows of {@code vocab} logits.
     *
     * @param vocab the vocabulary size
     */
    public Sampler(int vocab) {
        this.vocab = vocab;
        probs = new float[vocab];
        q = new float[vocab];
        seen = new int[vocab];
    }

    /**
     * The next token.
     *
     * @param logits the logits row (modified: penalised, masked and scaled in place)
     * @param off the index of its first element
     * @param p the sampling parameters
     * @param rng the generator for the draw (unused when greedy)
     * @param history the sequence so far (for the repetition penalty), or null
     * @param historyLen the number of valid entries of {@code history}
     * @return the token id
     */
    public int sample(float[] logits, int off, SamplingParams p, Generator rng, int[] history, int historyLen) {
        if (p.repetitionPenalty() != 1f && history != null) penalize(logits, off, p.repetitionPenalty(), history, historyLen);
        if (p.temperature() == 0f) return argmax(logits, off, vocab);
        if (p.topK() > 0 && p.topK() < vocab) topK(logits, off, p.topK());
        for (int i = 0; i < vocab; i++) logits[off + i] = logits[off + i] / p.temperature();
        if (p.topP() < 1f) topP(logits, off, p.topP());
        k.softmaxRows(logits, off, probs, 0, 1, vocab);
        rng.exponential_(q, 0, vocab, 1.0);
        for (int i = 0; i < vocab; i++) q[i] = probs[i] / q[i];
        return argmax(q, 0, vocab);
    }

    /** CTRL / Hugging Face: each distinct earlier token's logit divided (if positive) or multiplied by the penalty. */
    private void penalize(float[] logits, int off, float penalty, int[] history, int n) {
        if (++stamp == 0) {
            Arrays.fill(seen, 0);
            stamp = 1;
        }
        for (int j = 0; j < n; j++) {
            int t = history[j];
            if (t < 0 || t >= vocab || seen[t] == stamp) continue;
            seen[t] = stamp;
            float v = logits[off + t];
            logits[off + t] = v < 0 ? v * penalty : v / penalty;
        }
    }

    /** {@code torch.argmax}: the first maximum; a NaN wins. */
    static int argmax(float[] x, int off, int n) {
        int best = 0;
        float bv = x[off];
        if (Float.isNaN(bv)) return 0;
        for (int i = 1; i < n; i++) {
            float v = x[off + i];
            if (Float.isNaN(v)) return i;
            if (v > bv) {
                bv = v;
                best = i;
            }
        }
        return best;
    }

    /** The book's top-k: logits below the k-th largest become −∞ (ties with it stay). */
    private void topK(float[] logits, int off, int topK) {
        System.arraycopy(logits, off, probs, 0, vocab);
        float kth = select(probs, vocab, vocab - topK); // the k-th largest = the (n−k)-th smallest
        for (int i = 0; i < vocab; i++) if (logits[off + i] < kth) logits[off + i] = Float.NEGATIVE_INFINITY;
    }

    /** Hoare's selection: the value of rank {@code r} (0-based, ascending) of {@code a[0:n]}, reordering a. */
    static float select(float[] a, int n, int r) {
        int lo = 0, hi = n - 1;
        while (lo < hi) {
            float pivot = a[(lo + hi) >>> 1];
            int i = lo, j = hi;
            while (i <= j) {
                while (a[i] < pivot) i++;
                while (a[j] > pivot) j--;
                if (i <= j) {
                    float t = a[i];
                    a[i] = a[j];
                    a[j] = t;
                    i++;
                    j--;
                }
            }
            if (r <= j) hi = j;
            else if (r >= i) lo = i;
            else return a[r];
        }
        return a[r];
    }

    /** Hugging Face's TopPLogitsWarper on the (temperature-scaled) logits. */
    private void topP(float[] logits, int off, float topP) {
        if (sortKeys == null) sortKeys = new long[vocab];
        for (int i = 0; i < vocab; i++) sortKeys[i] = ((long) sortable(logits[off + i]) << 32) | i;
        Arrays.sort(sortKeys);                                            // ascending logits
        for (int j = 0; j < vocab; j++) probs[j] = logits[off + (int) sortKeys[j]];
        k.softmaxRows(probs, 0, probs, 0, 1, vocab);                      // sorted_logits.softmax(-1)
        float threshold = (float) (1.0 - topP);
        double cum = 0;
        for (int j = 0; j < vocab - 1; j++) {                             // the last (largest) always stays
            cum += probs[j];
            if ((float) cum <= threshold) logits[off + (int) sortKeys[j]] = Float.NEGATIVE_INFINITY;
            else break;                                                   // cumulative sums only grow
        }
    }

    /** An int whose signed order is the float order (NaN aside). */
    private static int sortable(float v) {
        int b = Float.floatToIntBits(v);
        return b ^ ((b >> 31) & 0x7FFFFFFF);
    }
}
