package dev.scratchllm.kernels;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicIntegerArray;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link Parallel#forRange}: every item exactly once, on several threads; a failure in a worker's
 * chunk reaches the caller and leaves the pool usable; a call hands its chunks over without
 * allocating (the workers' task slots and counters are reused).
 */
class ParallelTest {
    private final int saved = Parallel.numThreads();

    @AfterEach
    void restore() {
        Parallel.setNumThreads(saved);
    }

    @Test
    void coversEveryItemOnceAndPropagatesAWorkersFailure() {
        for (int threads : new int[] {1, 2, 3}) {
            Parallel.setNumThreads(threads);
            for (int n : new int[] {1, 2, 7, 1000}) {
                AtomicIntegerArray hits = new AtomicIntegerArray(n);
                Parallel.forRange(n, 1, (s, e) -> {
                    for (int i = s; i < e; i++) hits.incrementAndGet(i);
                });
                for (int i = 0; i < n; i++) assertThat(hits.get(i)).as("threads=%d n=%d item %d", threads, n, i).isEqualTo(1);
            }
            // the last chunk runs on a worker when threads > 1
            assertThatThrownBy(() -> Parallel.forRange(1000, 1, (s, e) -> {
                if (e == 1000) throw new IllegalStateException("chunk [" + s + ", " + e + ")");
            })).isInstanceOf(IllegalStateException.class).hasMessageEndingWith(", 1000)");
            int[] sum = new int[1];
            Parallel.forRange(10, 1, (s, e) -> {
                synchronized (sum) {
                    sum[0] += e - s;
                }
            });
            assertThat(sum[0]).as("the pool still works after a failure").isEqualTo(10);
        }
    }

    @Test
    void aCallAllocatesNothingOnTheCallingThread() {
        var mx = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        org.junit.jupiter.api.Assumptions.assumeTrue(mx.isThreadAllocatedMemorySupported() && mx.isThreadAllocatedMemoryEnabled(),
                "this JVM does not count allocated bytes per thread");
        Parallel.setNumThreads(2);
        float[] x = new float[4096];
        Parallel.RangeBody body = (s, e) -> {
            for (int i = s; i < e; i++) x[i] += 1f;
        };
        long least = Long.MAX_VALUE;
        for (int round = 0; round < 2000 && least > 0; round++) {
            long before = mx.getCurrentThreadAllocatedBytes();
            for (int k = 0; k < 10; k++) Parallel.forRange(x.length, 64, body);
            least = Math.min(least, mx.getCurrentThreadAllocatedBytes() - before);
        }
        assertThat(least).as("fewest bytes allocated by 10 calls on 2 threads").isZero();
        assertThat(x[0]).isGreaterThan(0f);
    }
}
