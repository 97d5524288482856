/*
 * GenerationQueue: admission control for generations. At most `parallel` generations run at once
 * and at most `maxWaiting` more wait for a turn; a request beyond that is refused at once (the
 * APIs answer 429 or 503) instead of piling up. A waiting request gives up when its deadline
 * passes. Turns are handed out first come, first served (a fair semaphore).
 *
 * It does not schedule by priority or batch requests together.
 */
package dev.scratchllm.serve;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** A bounded queue in front of the generation slots. */
public final class GenerationQueue {
    private final int parallel, maxWaiting;
    private final Semaphore slots;
    private final AtomicInteger admitted = new AtomicInteger();

    /**
     * A queue.
     *
     * @param parallel how many generations may run at once (at least 1)
     * @param maxWaiting how many more may wait (at least 0)
     */
    public GenerationQueue(int parallel, int maxWaiting) {
        if (parallel < 1 || maxWaiting < 0) throw new IllegalArgumentException("GenerationQueue: parallel " + parallel + " must be ≥ 1 and maxWaiting " + maxWaiting + " ≥ 0");
        this.parallel = parallel;
        this.maxWaiting = maxWaiting;
        this.slots = new Semaphore(parallel, true);
    }

    /**
     * Admits a request if there is room, or returns null when {@code parallel + maxWaiting}
     * requests are already admitted.
     *
     * @return the request's ticket, to close when done, or null when the queue is full
     */
    public Ticket tryEnter() {
        while (true) {
            int n = admitted.get();
            if (n >= parallel + maxWaiting) return null;
            if (admitted.compareAndSet(n, n + 1)) return new Ticket();
        }
    }

    /**
     * Admitted requests: running plus waiting.
     *
     * @return the count
     */
    public int admitted() {
        return admitted.get();
    }

    /** An admitted request's place: wait for a turn, then close to free it. */
    public final class Ticket implements AutoCloseable {
        private boolean running, closed;

        private Ticket() {
        }

        /**
         * Waits for a generation slot.
         *
         * @param nanos the longest wait
         * @return true once running, false if the wait timed out
         * @throws InterruptedException if interrupted while waiting
         */
        public boolean awaitTurn(long nanos) throws InterruptedException {
            running = slots.tryAcquire(Math.max(0, nanos), TimeUnit.NANOSECONDS);
            return running;
        }

        /** Frees the slot (if running) and the place in the queue. */
        @Override
        public void close() {
            if (closed) return;
            closed = true;
            if (running) slots.release();
            admitted.decrementAndGet();
        }
    }
}
