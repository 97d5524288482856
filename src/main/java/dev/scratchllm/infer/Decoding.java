package dev.scratchllm.infer;

import dev.scratchllm.random.Generator;

import java.util.Arrays;

/**
 * The generation loop over a {@link CausalLM}: the book's {@code generate} semantics (crop to
 * the context, sample the last position, stop before appending {@code eos_id}) for one prompt
 * or several at once. Each prompt is run into its own cache slot ({@link CausalLM#prefill}),
 * then all unfinished sequences advance together, one token each per
 * {@link CausalLM#decode} call, so the weights are read once per step for the whole batch.
 * A sequence whose cache is full slides its window as the book does without a cache: it is
 * run again from its last {@code capacity} tokens. Logits, samplers and slot lists are
 * allocated once per instance; a step allocates nothing.
 *
 * <p>Batching changes no token: the model's kernels give each row the same bits alone or in a
 * batch, and each sequence draws from its own generator, so a batch gives what the same
 * prompts give one at a time with the same generators. One instance serves one thread.
 */
public final class Decoding {
    private final CausalLM model;
    private final int vocab;
    private final float[] logits, stepLogits;
    private final Sampler[] samplers;
    private final int[] slots, tokens, stepRow, picked;
    private final boolean[] ready;
    private final int[] stepPicked;
    private boolean fuseGreedy = true;

    /**
     * A loop over {@code model}.
     *
     * @param model the model
     */
    public Decoding(CausalLM model) {
        this.model = model;
        vocab = model.vocabSize();
        int b = model.maxBatch();
        logits = new float[b * vocab];
        stepLogits = new float[b * vocab];
        samplers = new Sampler[b];
        slots = new int[b];
        tokens = new int[b];
        stepRow = new int[b];
        picked = new int[b];
        ready = new boolean[b];
        stepPicked = new int[b];
    }

    /**
     * Whether greedy steps without a repetition penalty use {@link CausalLM#decodeGreedy} (the
     * default; the same tokens, without writing the logits). For comparisons.
     *
     * @param fuse true to fuse the pick into the model's head
     * @return this
     */
    public Decoding fuseGreedy(boolean fuse) {
        fuseGreedy = fuse;
        return this;
    }

    /**
     * Generates up to {@code maxNewTokens} tokens after {@code prompt}.
     *
     * @param prompt the prompt's ids, at least one
     * @param maxNewTokens the most tokens to append
     * @param params how to pick each token
     * @param rng the generator for sampling (null when greedy)
     * @param eosId stop when this id is picked (it is not appended), or null
     * @return the prompt followed by the new tokens
     */
    public int[] generate(int[] prompt, int maxNewTokens, SamplingParams params, Generator rng, Integer eosId) {
        return generate(new int[][] {prompt}, maxNewTokens, params, new Generator[] {rng}, eosId)[0];
    }

    /**
     * Generates for several prompts at once, each in its own slot ({@code prompts.length} at
     * most {@link CausalLM#maxBatch()}).
     *
     * @param prompts the prompts, of any lengths (at least one token each)
     * @param maxNewTokens the most tokens to append to each
     * @param params how to pick each token
     * @param rngs one generator per prompt (entries may be null when greedy), or null when greedy
     * @param eosId stop a sequence when this id is picked (not appended), or null
     * @return each prompt followed by its new tokens
     * @throws IllegalArgumentException if there are more prompts than slots, a prompt is empty,
     *         or sampling is asked for without a generator
     */
    public int[][] generate(int[][] prompts, int maxNewTokens, SamplingParams params, Generator[] rngs, Integer eosId) {
        int n = prompts.length;
        if (n < 1 || n > model.maxBatch())
            throw new IllegalArgumentException("Decoding: " + n + " prompts for " + model.maxBatch() + " slots");
        if (maxNewTokens < 0) throw new IllegalArgumentException("Decoding: max_new_tokens must be >= 0, got " + maxNewTokens);
        if (params.temperature() > 0f && (rngs == null || rngs.length < n || Arrays.asList(rngs).subList(0, n).contains(null)))
            throw new IllegalArgumentException("Decoding: sampling needs one generator per prompt");
        // greedy without a penalty is an arg-max of the raw logits: the model may fuse it into its head
        boolean fused = fuseGreedy && params.temperature() == 0f && params.repetitionPenalty() == 1f;
        Arrays.fill(ready, false);
        int[][] seq = new int[n][];
        int[] len = new int[n];
        boolean[] done = new boolean[n];
        for (int i = 0; i < n; i++) {
            if (prompts[i].length < 1) throw new IllegalArgumentException("Decoding: prompt " + i + " is empty");
            seq[i] = Arrays.copyOf(prompts[i], prompts[i].length + maxNewTokens);
            len[i] = prompts[i].length;
            if (samplers[i] == null) samplers[i] = new Sampler(vocab);
            done[i] = maxNewTokens == 0;
            if (!done[i]) window(i, seq[i], len[i]);
        }
        while (true) {
            // Pick a token for every sequence whose logits are ready (row i of the buffer).
            int m = 0;
            for (int i = 0; i < n; i++) {
                if (done[i]) continue;
                Generator rng = rngs == null ? null : rngs[i];
                int t = ready[i] ? picked[i] : samplers[i].sample(logits, i * vocab, params, rng, seq[i], len[i]);
                ready[i] = false;
                if (eosId != null && t == eosId) {
                    done[i] = true;
                    continue;
                }
                seq[i][len[i]++] = t;
                if (len[i] - prompts[i].length == maxNewTokens) {
                    done[i] = true;
                } else if (model.length(i) < model.capacity()) {
                    slots[m] = i;
                    tokens[m] = t;
                    stepRow[m++] = i;
                } else {
                    window(i, seq[i], len[i]); // the cache is full: slide the window
                }
            }
            boolean any = false;
            for (int i = 0; i < n; i++) any |= !done[i];
            if (!any) break;
            if (m > 0 && fused) {                              // the pick inside the output head
                model.decodeGreedy(m, slots, tokens, stepPicked, stepLogits);
                for (int j = 0; j < m; j++) {
                    picked[stepRow[j]] = stepPicked[j];
                    ready[stepRow[j]] = true;
                }
            } else if (m > 0) {
                model.decode(m, slots, tokens, stepLogits, 0); // row j for sequence stepRow[j]
                for (int j = 0; j < m; j++) System.arraycopy(stepLogits, j * vocab, logits, stepRow[j] * vocab, vocab);
            }
        }
        int[][] out = new int[n][];
        for (int i = 0; i < n; i++) out[i] = Arrays.copyOf(seq[i], len[i]);
        return out;
    }

    /** Runs the last {@code capacity} tokens of a sequence into its emptied slot; logits into row i. */
    private void window(int i, int[] s, int len) {
        model.reset(i);
        int from = Math.max(0, len - model.capacity());
        model.prefill(i, s, from, len - from, logits, i * vocab);
    }
}
