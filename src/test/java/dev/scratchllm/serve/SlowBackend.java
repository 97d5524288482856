package dev.scratchllm.serve;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntPredicate;

/**
 * A backend around another that sleeps after each token and counts the tokens it generated, so a
 * test can tell how many tokens ran after a client hung up and give a heartbeat time to beat.
 */
final class SlowBackend extends ForwardingBackend {
    private final long sleepMillis;
    /** Tokens generated so far, over all requests. */
    final AtomicInteger tokens = new AtomicInteger();

    SlowBackend(ModelBackend inner, long sleepMillis) {
        super(inner);
        this.sleepMillis = sleepMillis;
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
