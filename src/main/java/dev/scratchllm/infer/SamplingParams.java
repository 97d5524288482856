package dev.scratchllm.infer;

/**
 * How {@link Sampler} picks the next token from the logits, in this order (that of Hugging
 * Face's logits processors; the book's {@code generate} is the case without penalty and top-p):
 * the repetition penalty, then greedy arg-max when {@code temperature == 0}, else top-k, division
 * by the temperature, top-p, softmax and one {@code torch.multinomial} draw.
 *
 * @param temperature 0 for greedy decoding, above 0 to sample from {@code softmax(logits / T)}
 * @param topK keep only the {@code topK} largest logits (ties with the k-th included); 0 for all
 * @param topP nucleus sampling: keep the smallest set of most likely tokens whose probability
 *        reaches {@code topP} (Hugging Face's {@code TopPLogitsWarper}); 1 for all
 * @param repetitionPenalty the CTRL penalty on every token already in the sequence (prompt
 *        included): a positive logit is divided by it, a negative one multiplied; 1 for none
 */
public record SamplingParams(float temperature, int topK, float topP, float repetitionPenalty) {
    /** Greedy decoding: arg-max, no penalty. */
    public static final SamplingParams GREEDY = new SamplingParams(0f, 0, 1f, 1f);

    /**
     * Checks the ranges.
     *
     * @param temperature 0 for greedy decoding, above 0 to sample
     * @param topK the top-k, 0 for all
     * @param topP the top-p, 1 for all
     * @param repetitionPenalty the repetition penalty, 1 for none
     * @throws IllegalArgumentException if the temperature is negative or NaN, {@code topK} is
     *         negative, {@code topP} is outside (0, 1], or the penalty is not positive
     */
    public SamplingParams {
        if (!(temperature >= 0f) || Float.isInfinite(temperature))
            throw new IllegalArgumentException("SamplingParams: temperature must be >= 0, got " + temperature);
        if (topK < 0) throw new IllegalArgumentException("SamplingParams: top_k must be >= 0 (0 = off), got " + topK);
        if (!(topP > 0f && topP <= 1f)) throw new IllegalArgumentException("SamplingParams: top_p must be in (0, 1], got " + topP);
        if (!(repetitionPenalty > 0f) || Float.isInfinite(repetitionPenalty))
            throw new IllegalArgumentException("SamplingParams: repetition_penalty must be > 0, got " + repetitionPenalty);
    }

    /**
     * The book's {@code generate(…, temperature, top_k)}.
     *
     * @param temperature the temperature, 0 for greedy
     * @param topK the top-k, or null for none
     * @return the parameters
     */
    public static SamplingParams of(float temperature, Integer topK) {
        return new SamplingParams(temperature, topK == null ? 0 : topK, 1f, 1f);
    }
}
