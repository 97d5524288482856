/*
 * Sampler: picks the next token from the last position's logits with one request's settings and
 * its own generator. Temperature and top-k follow the book's generate() operation for operation
 * (the same Tensor ops, then Generator.multinomial), so with top_p = 1 a seeded request draws
 * exactly the tokens that manualSeed(seed) + TextGeneration.generate draws. Top-p (nucleus)
 * sampling then keeps the most likely tokens whose probabilities first reach top_p of the total
 * (at least one) and zeroes the rest before the draw.
 *
 * It does not apply repetition penalties or min-p.
 */
package dev.scratchllm.serve;

import dev.scratchllm.random.Generator;
import dev.scratchllm.tensor.Tensor;

import java.util.Arrays;
import java.util.function.ToLongFunction;

/** Next-token choice for one request. */
public final class Sampler implements ToLongFunction<Tensor> {
    private final float temperature;
    private final Integer topK;
    private final double topP;
    private final Generator generator;

    /**
     * A sampler.
     *
     * @param temperature 0 for arg-max, above 0 to sample from {@code softmax(logits / temperature)}
     * @param topK the top-k cut, or null
     * @param topP the nucleus mass in [0, 1]; 1 turns it off
     * @param generator the request's generator
     */
    public Sampler(float temperature, Integer topK, double topP, Generator generator) {
        this.temperature = temperature;
        this.topK = topK;
        this.topP = topP;
        this.generator = generator;
    }

    /**
     * The next token id.
     *
     * @param logits the last position's logits, shape {@code (1, vocab)}
     * @return the chosen id
     */
    @Override
    public long applyAsLong(Tensor logits) {
        if (temperature <= 0f) return logits.argmax(-1, true).itemLong(); // top-k keeps the arg-max
        if (topK != null && topK < logits.size(-1)) {
            // the book's where(logits < topk(k).values[-1], -inf, logits), with the k-th largest
            // value found by one sort of a copy (Tensor.topk is written for clarity, not speed)
            float[] v = logits.toFloatArray();
            float[] sorted = v.clone();
            Arrays.sort(sorted);
            float minVal = sorted[sorted.length - topK];
            for (int i = 0; i < v.length; i++) if (v[i] < minVal) v[i] = Float.NEGATIVE_INFINITY;
            logits = Tensor.of(v, logits.shape()); // (1, vocab)
        }
        float[] probs = logits.div(temperature).softmax(-1).toFloatArray(); // (vocab)
        if (topP < 1.0) nucleus(probs, topP);
        return generator.multinomial(probs);
    }

    /**
     * Zeroes every probability outside the nucleus: the most likely tokens, in descending order,
     * up to and including the one at which their sum first reaches {@code topP} of the total.
     *
     * @param probs the probabilities (changed in place)
     * @param topP the mass to keep, in [0, 1]
     */
    static void nucleus(float[] probs, double topP) {
        int n = probs.length, m = 0;
        long[] keys = new long[n]; // probability bits (non-negative floats sort as their bits) above the index
        double total = 0;
        for (int i = 0; i < n; i++) {
            if (probs[i] == 0f) continue; // after top-k most are zero: sort only the others
            keys[m++] = ((long) Float.floatToRawIntBits(probs[i]) << 32) | (0xFFFFFFFFL - i); // ties: lower index first
            total += probs[i];
        }
        Arrays.sort(keys, 0, m);
        double cum = 0, target = topP * total;
        int kept = 0;
        boolean[] keep = new boolean[n];
        for (int j = m - 1; j >= 0; j--) {
            int i = (int) (0xFFFFFFFFL - (keys[j] & 0xFFFFFFFFL));
            if (kept > 0 && cum >= target) break;
            keep[i] = true;
            kept++;
            cum += probs[i];
        }
        for (int i = 0; i < n; i++) if (!keep[i]) probs[i] = 0f;
    }
}
