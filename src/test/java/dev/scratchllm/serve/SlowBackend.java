package dev.scratchllm.serve;

import dev.scratchllm.tokenizer.StreamingDecoder;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntPredicate;

/**
 * A backend around another that sleeps after each token and counts the tokens it generated, so a
 * test can tell how many tokens ran after a client hung up and give a heartbeat time to beat.
 */
final class SlowBackend implements ModelBackend {
    private final ModelBackend inner;
    private final long sleepMillis;
    /** Tokens generated so far, over all requests. */
    final AtomicInteger tokens = new AtomicInteger();

    SlowBackend(ModelBackend inner, long sleepMillis) {
        this.inner = inner;
        this.sleepMillis = sleepMillis;
    }

    @Override
    public String id() {
        return inner.id();
    }

    @Override
    public String family() {
        return inner.family();
    }

    @Override
    public long parameterCount() {
        return inner.parameterCount();
    }

    @Override
    public int contextLength() {
        return inner.contextLength();
    }

    @Override
    public ChatFormat chatFormat() {
        return inner.chatFormat();
    }

    @Override
    public int[] encode(String text) {
        return inner.encode(text);
    }

    @Override
    public int[] emptyPrompt() {
        return inner.emptyPrompt();
    }

    @Override
    public StreamingDecoder newDecoder() {
        return inner.newDecoder();
    }

    @Override
    public Finish generate(int[] prompt, SamplingParams params, IntPredicate onToken) {
        return inner.generate(prompt, params, id -> {
            tokens.incrementAndGet();
            try {
                Thread.sleep(sleepMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            return onToken.test(id);
        });
    }
}
