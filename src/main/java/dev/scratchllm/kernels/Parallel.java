package dev.scratchllm.kernels;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The library's worker threads: a fixed pool of daemon threads sized by
 * {@link #setNumThreads(int)} (default: all available processors), used by kernels to split
 * rows or tiles. The calling thread always takes a share of the work, so one thread means no
 * hand-off at all. It does not nest: a task that calls {@link #forRange} again runs that inner
 * range on its own thread.
 */
public final class Parallel {
    /** A body over the half-open range {@code [start, end)}. */
    @FunctionalInterface
    public interface RangeBody {
        /**
         * Processes the items {@code start} … {@code end - 1}. Under {@link #forRange} it may run
         * on a worker thread, at the same time as the other chunks.
         *
         * @param start the first item, inclusive
         * @param end the end of the range, exclusive
         */
        void run(int start, int end);
    }

    private static volatile int numThreads = Math.max(1, Runtime.getRuntime().availableProcessors());
    private static volatile ExecutorService pool;
    private static final ThreadLocal<Boolean> INSIDE = ThreadLocal.withInitial(() -> false);

    private Parallel() {
    }

    /**
     * The number of threads kernels may use, the calling thread included.
     *
     * @return the current setting, at least 1 (by default the number of available processors)
     */
    public static int numThreads() {
        return numThreads;
    }

    /**
     * Whether the current thread runs a chunk of a {@link #forRange} call; a nested
     * {@code forRange} then runs inline, so kernels use this to plan for one thread.
     *
     * @return true while the current thread (worker or caller) runs a chunk of a
     *         {@code forRange} call, false otherwise
     */
    public static boolean inWorker() {
        return INSIDE.get();
    }

    /**
     * Sets the number of threads kernels may use, like {@code torch.set_num_threads}. A change
     * shuts the current pool down (running tasks finish) and the next parallel call starts a
     * new one sized for {@code n} (the calling thread being one of them); setting the current value does nothing.
     *
     * @param n the number of threads, the calling thread included; at least 1
     * @throws IllegalArgumentException if {@code n} is less than 1
     */
    public static synchronized void setNumThreads(int n) {
        if (n < 1) throw new IllegalArgumentException("setNumThreads: need at least 1 thread, got " + n);
        if (n == numThreads) return;
        numThreads = n;
        ExecutorService old = pool;
        pool = null;
        if (old != null) old.shutdown();
    }

    private static ExecutorService pool() {
        ExecutorService p = pool;
        if (p == null) {
            synchronized (Parallel.class) {
                p = pool;
                if (p == null) {
                    int workers = Math.max(1, numThreads - 1);
                    p = Executors.newFixedThreadPool(workers, r -> {
                        Thread t = new Thread(r, "scratchllm-worker");
                        t.setDaemon(true);
                        return t;
                    });
                    pool = p;
                }
            }
        }
        return p;
    }

    /**
     * Runs {@code body} over {@code [0, n)} split into at most {@link #numThreads()} contiguous
     * chunks of at least {@code minChunk} items; returns when all chunks are done. The chunks
     * are of near-equal size and the calling thread runs the first one itself. With one chunk,
     * or when called from inside a chunk, {@code body} runs once over {@code [0, n)} on the
     * calling thread. The first failure of any chunk is rethrown after all chunks have ended:
     * a {@link RuntimeException} or {@link Error} as it is, anything else wrapped in an
     * {@link IllegalStateException}.
     *
     * @param n the number of items; nothing runs when it is 0 or negative
     * @param minChunk the smallest number of items worth a thread of its own (values below 1
     *        count as 1): {@code min(numThreads(), n / minChunk)} chunks, at least one
     * @param body the work, called once per chunk with the chunk's range
     * @throws IllegalStateException if the calling thread is interrupted while it waits for the
     *         other chunks (its interrupt flag is set again), or a chunk threw a checked exception
     */
    public static void forRange(int n, int minChunk, RangeBody body) {
        if (n <= 0) return;
        int threads = Math.min(numThreads, Math.max(1, n / Math.max(1, minChunk)));
        if (threads <= 1 || INSIDE.get()) {
            body.run(0, n);
            return;
        }
        ExecutorService p = pool();
        CountDownLatch done = new CountDownLatch(threads - 1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        for (int t = 1; t < threads; t++) {
            final int start = (int) ((long) n * t / threads);
            final int end = (int) ((long) n * (t + 1) / threads);
            p.execute(() -> {
                INSIDE.set(true);
                try {
                    body.run(start, end);
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                } finally {
                    INSIDE.set(false);
                    done.countDown();
                }
            });
        }
        INSIDE.set(true);
        try {
            body.run(0, (int) ((long) n / threads));
        } catch (Throwable e) {
            failure.compareAndSet(null, e);
        } finally {
            INSIDE.set(false);
        }
        try {
            done.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Parallel.forRange interrupted", e);
        }
        Throwable f = failure.get();
        if (f instanceof RuntimeException re) throw re;
        if (f instanceof Error er) throw er;
        if (f != null) throw new IllegalStateException(f);
    }
}
