/*
 * Heartbeat: notices that the client of a non-streamed generation has gone. The JDK's HttpServer
 * gives a handler no way to see its connection close (it takes the socket off its selector for the
 * whole exchange, and the request body ends at its length without touching the socket), and a
 * blocking reply writes nothing until the generation ends. So once an admitted request has run for
 * `delay`, its heartbeat commits the 200 with chunked encoding and writes one space every
 * `interval`: whitespace before a JSON value is insignificant (RFC 8259, section 2), so the body
 * stays one valid JSON document. Once the client has closed, a write fails within one or two
 * beats (the first is answered with a reset), and the heartbeat cancels the job: a waiting request
 * leaves the queue, a running one stops at its next token, and the slot goes to the next request.
 *
 * The price: after the commit the status cannot change, so an error that comes later (timeout,
 * shutdown) is sent as the API's error object in a 200 body (HttpCall.send does that).
 *
 * It does not read the socket, does not notice a client that half-closes its side but still reads
 * (that one gets its answer), and does not touch streamed replies (their own writes fail).
 */
package dev.scratchllm.serve;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/** The keep-alive writes of one non-streamed request. */
final class Heartbeat {
    /** One beat: a space, insignificant before a JSON value. */
    static final String BEAT = " ";
    private final HttpCall call;
    private final Generation.Job job;
    private final long delayNanos, intervalNanos;
    private final ReentrantLock lock = new ReentrantLock(); // a lock, not a monitor: a virtual thread waiting on it does not pin its carrier (JDK 21)
    private final Condition stopping = lock.newCondition();
    private boolean stopped, committed;
    private int beats;

    private Heartbeat(HttpCall call, Generation.Job job, Duration delay, Duration interval) {
        this.call = call;
        this.job = job;
        this.delayNanos = delay.toNanos();
        this.intervalNanos = interval.toNanos();
    }

    /**
     * Starts beating on a virtual thread of its own.
     *
     * @param call the request; its response must not have been started
     * @param job cancelled with reason {@code disconnected} when a beat cannot be written
     * @param delay how long the request runs before the 200 is committed
     * @param interval time between beats (positive)
     * @return the heartbeat, to {@link #stop} before the reply is written
     */
    static Heartbeat start(HttpCall call, Generation.Job job, Duration delay, Duration interval) {
        if (interval.isNegative() || interval.isZero()) throw new IllegalArgumentException("Heartbeat: the interval must be positive, got " + interval);
        Heartbeat h = new Heartbeat(call, job, delay, interval);
        call.heartbeat = h;
        Thread.ofVirtual().name("heartbeat " + call.method + " " + call.path).start(h::run);
        return h;
    }

    private void run() {
        lock.lock();
        try {
            long next = System.nanoTime() + delayNanos;
            while (!stopped) {
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    stopping.awaitNanos(wait);
                    continue;
                }
                if (!committed) {
                    call.commit("application/json");
                    committed = true;
                }
                call.write(BEAT);
                beats++;
                next = System.nanoTime() + intervalNanos;
            }
        } catch (IOException e) {
            job.cancel("disconnected");
        } catch (InterruptedException e) {
            // the server's executor is closing: nothing more to write
        } finally {
            lock.unlock();
        }
    }

    /**
     * Stops the beats (idempotent); after it returns, no beat is written any more.
     *
     * @return true when the 200 has been committed, so the reply must follow as chunks
     */
    boolean stop() {
        lock.lock();
        try {
            stopped = true;
            stopping.signal();
            return committed;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Beats written so far.
     *
     * @return the count
     */
    int beats() {
        lock.lock();
        try {
            return beats;
        } finally {
            lock.unlock();
        }
    }
}
