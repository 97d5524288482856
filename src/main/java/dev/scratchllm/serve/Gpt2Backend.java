/*
 * Gpt2Backend: serves a GPTModel (GPT-2's weights, a pretraining checkpoint, or an instruction
 * model from chapter 7) with the GPT-2 tokenizer, using the KV-cache decode loop of
 * TextGeneration and a per-request Sampler. The chat format is the caller's choice (Alpaca for an
 * instruction model, a transcript for a base model).
 *
 * It does not batch requests together: each generate() call runs its own loop and cache.
 */
package dev.scratchllm.serve;

import dev.scratchllm.gpt.GPTModel;
import dev.scratchllm.random.Generator;
import dev.scratchllm.tensor.Tensor;
import dev.scratchllm.tokenizer.GPT2Tokenizer;
import dev.scratchllm.tokenizer.StreamingDecoder;
import dev.scratchllm.train.TextGeneration;

import java.security.SecureRandom;
import java.util.function.IntPredicate;

/** A {@link ModelBackend} for {@link GPTModel}. */
public final class Gpt2Backend implements ModelBackend {
    private static final SecureRandom SEEDS = new SecureRandom();
    private final String id;
    private final GPTModel model;
    private final GPT2Tokenizer tokenizer;
    private final ChatFormat format;

    /**
     * A backend; the model is put in eval mode.
     *
     * @param id the model's name in the APIs
     * @param model the model
     * @param tokenizer GPT-2's tokenizer
     * @param format the chat format
     */
    public Gpt2Backend(String id, GPTModel model, GPT2Tokenizer tokenizer, ChatFormat format) {
        this.id = id;
        this.model = model;
        this.tokenizer = tokenizer;
        this.format = format;
        model.eval();
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String family() {
        return "gpt2";
    }

    @Override
    public long parameterCount() {
        return model.numParameters();
    }

    @Override
    public int contextLength() {
        return model.config().contextLength();
    }

    @Override
    public ChatFormat chatFormat() {
        return format;
    }

    @Override
    public int[] encode(String text) {
        return tokenizer.encodeOrdinary(text);
    }

    @Override
    public int[] emptyPrompt() {
        return new int[] {tokenizer.eotToken()};
    }

    @Override
    public StreamingDecoder newDecoder() {
        return StreamingDecoder.of(tokenizer);
    }

    @Override
    public Finish generate(int[] prompt, SamplingParams p, IntPredicate onToken) {
        long[] ids = new long[prompt.length];
        for (int i = 0; i < ids.length; i++) ids[i] = prompt[i];
        Generator gen = new Generator(p.seed() != null ? p.seed() : SEEDS.nextLong());
        Sampler sampler = new Sampler(p.temperature(), p.topK(), p.topP(), gen);
        boolean[] stoppedByCaller = {false};
        int[] count = {0};
        TextGeneration.generate(model, Tensor.ofLongs(ids, 1, ids.length), p.maxTokens(), model.config().contextLength(),
                (long) tokenizer.eotToken(), sampler, next -> {
                    count[0]++;
                    if (onToken.test((int) next)) return true;
                    stoppedByCaller[0] = true;
                    return false;
                });
        if (stoppedByCaller[0]) return Finish.CALLER;
        return count[0] >= p.maxTokens() ? Finish.LENGTH : Finish.EOS;
    }
}
