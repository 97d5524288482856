package dev.scratchllm.kernels;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The library's worker threads: a fixed pool of daemon threads sized by
 * {@link #setNumThreads(int)} (default: all available processors), used by kernels to split
 * rows or tiles. The calling thread always takes a share of the work, so one thread means no
 * hand-off at all. It does not nest: a task that calls {@link #forRange} again runs that inner
 * range on its own thread, and while one thread's {@code forRange} has the workers, a call from
 * another thread runs inline on that thread.
 *
 * <p>Between tasks a worker spins for a short while ({@code -Dscratchllm.spinMicros}, default
 * 200 µs) before it parks, and so does a caller waiting for its chunks, much as OpenMP runtimes
 * do: a training step issues thousands of parallel kernels back to back, and on a virtual
 * machine waking a parked thread (and its idle vCPU) costs tens of microseconds each time.
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
    private static volatile Team team;
    private static final long SPIN_NANOS = Long.getLong("scratchllm.spinMicros", 200) * 1000;
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
        Team old = team;
        team = null;
        if (old != null) old.close();
    }

    private static Team team() {
        Team t = team;
        if (t == null) {
            synchronized (Parallel.class) {
                t = team;
                if (t == null) {
                    t = new Team(Math.max(1, numThreads - 1));
                    team = t;
                }
            }
        }
        return t;
    }

    /** The worker threads of one {@link #setNumThreads} setting; one {@code forRange} uses them at a time. */
    private static final class Team {
        final Worker[] workers;
        final ReentrantLock busy = new ReentrantLock();
        volatile boolean closed;
        // the state of the forRange call that holds busy, reused so that a call allocates nothing
        final AtomicInteger remaining = new AtomicInteger();
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        volatile Thread caller;

        Team(int n) {
            workers = new Worker[n];
            for (int i = 0; i < n; i++) {
                workers[i] = new Worker(this);
                workers[i].start();
            }
        }

        /** Lets the workers end once the call now using them (if any) has finished. */
        void close() {
            busy.lock();
            try {
                closed = true;
                for (Worker w : workers) LockSupport.unpark(w);
            } finally {
                busy.unlock();
            }
        }
    }

    /** A daemon thread with a one-task slot: spins, then parks, until a task arrives or its team closes. */
    private static final class Worker extends Thread {
        final Team team;
        // the task: written by submit() before the volatile hasTask, read by the worker after it
        RangeBody body;
        int start, end;
        volatile boolean hasTask;
        volatile boolean parked;

        Worker(Team team) {
            super("scratchllm-worker");
            this.team = team;
            setDaemon(true);
        }

        void submit(RangeBody b, int s, int e) {
            body = b;
            start = s;
            end = e;
            hasTask = true;
            if (parked) LockSupport.unpark(this);
        }

        @Override
        public void run() {
            while (true) {
                long spin = System.nanoTime();
                while (!hasTask) {
                    if (team.closed) return;
                    if (System.nanoTime() - spin < SPIN_NANOS) {
                        Thread.onSpinWait();
                        continue;
                    }
                    parked = true; // then re-check: submit() sets the task before it reads parked
                    if (!hasTask && !team.closed) LockSupport.park(this);
                    parked = false;
                }
                RangeBody b = body;
                int s = start, e = end;
                body = null;
                hasTask = false;
                INSIDE.set(true);
                try {
                    b.run(s, e);
                } catch (Throwable t) {
                    team.failure.compareAndSet(null, t);
                } finally {
                    INSIDE.set(false);
                    if (team.remaining.decrementAndGet() == 0) LockSupport.unpark(team.caller);
                }
            }
        }
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
     * @throws IllegalStateException if the calling thread was interrupted while it waited for the
     *         other chunks (thrown once they have all ended; its interrupt flag is set again), or a
     *         chunk threw a checked exception
     */
    public static void forRange(int n, int minChunk, RangeBody body) {
        if (n <= 0) return;
        int threads = Math.min(numThreads, Math.max(1, n / Math.max(1, minChunk)));
        if (threads <= 1 || INSIDE.get()) {
            body.run(0, n);
            return;
        }
        Team tm = team();
        if (!tm.busy.tryLock()) { // another thread's call has the workers
            runInline(body, n);
            return;
        }
        AtomicReference<Throwable> failure = tm.failure;
        boolean interrupted = false;
        try {
            if (tm.closed) {
                runInline(body, n);
                return;
            }
            threads = Math.min(threads, tm.workers.length + 1); // a team made before setNumThreads grew
            failure.set(null);
            AtomicInteger remaining = tm.remaining;
            remaining.set(threads - 1);
            tm.caller = Thread.currentThread();
            final int chunks = threads;
            for (int t = 1; t < chunks; t++)
                tm.workers[t - 1].submit(body, (int) ((long) n * t / chunks), (int) ((long) n * (t + 1) / chunks));
            INSIDE.set(true);
            try {
                body.run(0, (int) ((long) n / threads));
            } catch (Throwable e) {
                failure.compareAndSet(null, e);
            } finally {
                INSIDE.set(false);
            }
            // Wait for the other chunks: spin first, then park; always until all have ended.
            long spinStart = System.nanoTime();
            while (remaining.get() > 0) {
                if (System.nanoTime() - spinStart < SPIN_NANOS) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.park(Parallel.class);
                    if (Thread.interrupted()) interrupted = true;
                }
            }
        } finally {
            tm.busy.unlock();
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Parallel.forRange interrupted");
        }
        Throwable f = failure.get();
        if (f instanceof RuntimeException re) throw re;
        if (f instanceof Error er) throw er;
        if (f != null) throw new IllegalStateException(f);
    }

    private static void runInline(RangeBody body, int n) {
        INSIDE.set(true);
        try {
            body.run(0, n);
        } finally {
            INSIDE.set(false);
        }
    }
}
