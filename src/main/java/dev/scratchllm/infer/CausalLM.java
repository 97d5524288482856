package dev.scratchllm.infer;

/**
 * What the generation loop ({@link Decoding}) needs from a model on the inference path: run a
 * prompt into a sequence slot's cache, then one token per active slot at a time, writing logits
 * into the caller's buffer. Implementations preallocate everything for {@link #maxBatch()} slots
 * of {@link #capacity()} positions; a call allocates nothing. {@link GPTInference} is the GPT-2
 * one; other architectures implement the same interface and reuse {@link DecodeCache},
 * {@link ParallelGemv}, {@link WeightMatrix} and the generation loop.
 */
public interface CausalLM {
    /**
     * The number of logits per position.
     *
     * @return the vocabulary size
     */
    int vocabSize();

    /**
     * The most positions a slot holds (at most the model's context length).
     *
     * @return the capacity
     */
    int capacity();

    /**
     * The number of sequence slots.
     *
     * @return the slots
     */
    int maxBatch();

    /**
     * The number of positions cached for a slot.
     *
     * @param slot the slot
     * @return its length
     */
    int length(int slot);

    /**
     * Empties a slot.
     *
     * @param slot the slot
     */
    void reset(int slot);

    /**
     * Runs {@code len} tokens at the slot's next positions (the prompt, on the GEMM path),
     * appends their keys and values to the cache and writes the logits of the last one.
     *
     * @param slot the slot
     * @param tokens the token ids
     * @param off the index of the first token
     * @param len the number of tokens, at least 1, with {@code length(slot) + len ≤ capacity()}
     * @param logits receives {@code vocabSize()} logits
     * @param lOff the index of the first logit
     * @throws IllegalArgumentException if the tokens do not fit or an id is outside the vocabulary
     */
    void prefill(int slot, int[] tokens, int off, int len, float[] logits, int lOff);

    /**
     * Runs one token for each of {@code m} distinct slots at once (matrix-vector kernels), each
     * at its own next position, and writes row {@code i}'s logits at {@code lOff + i·vocabSize()}.
     *
     * @param m the number of sequences, at most {@link #maxBatch()}
     * @param slots their slots
     * @param tokens their tokens
     * @param logits receives {@code m × vocabSize()} logits
     * @param lOff the index of the first logit
     * @throws IllegalArgumentException if a slot is full or an id is outside the vocabulary
     */
    void decode(int m, int[] slots, int[] tokens, float[] logits, int lOff);

    /**
     * {@link #decode} followed by the greedy pick of each row ({@code torch.argmax}: the first
     * maximum, a NaN winning): the token ids go to {@code next[i]}. This default decodes into
     * {@code logits} and scans it; an implementation may fuse the pick into its output head and
     * leave {@code logits} unwritten, giving the same ids.
     *
     * @param m the number of sequences, at most {@link #maxBatch()}
     * @param slots their slots
     * @param tokens their tokens
     * @param next receives the {@code m} picked ids
     * @param logits scratch of at least {@code m × vocabSize()} floats (may be left unwritten)
     * @throws IllegalArgumentException if a slot is full or an id is outside the vocabulary
     */
    default void decodeGreedy(int m, int[] slots, int[] tokens, int[] next, float[] logits) {
        decode(m, slots, tokens, logits, 0);
        for (int i = 0; i < m; i++) next[i] = Sampler.argmax(logits, i * vocabSize(), vocabSize());
    }
}
