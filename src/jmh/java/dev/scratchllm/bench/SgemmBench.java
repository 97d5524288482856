package dev.scratchllm.bench;

import dev.scratchllm.kernels.Kernels;
import dev.scratchllm.kernels.KernelProvider;
import dev.scratchllm.kernels.Parallel;
import dev.scratchllm.kernels.ScalarKernels;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * SGEMM throughput of the scalar and Vector API kernels on GPT-2 124M training shapes.
 *
 * <p>Shapes are {@code MxKxN[:TT]}: {@code C[M×N] = op(A)[M×K]·op(B)[K×N]}, where the optional
 * suffix gives the transposes of A and B ({@code NN} by default, {@code NT} = A·Bᵀ,
 * {@code TN} = Aᵀ·B — the forward and the two backward products of a linear layer).
 * {@code threads} is the kernels' thread count ({@link Parallel#setNumThreads}), not JMH's.
 *
 * <p>Reading the results: the primary score is products per second; the secondary result
 * {@code gemm:gflops} (an {@link AuxCounters} counter of 2·M·N·K/1e9 per product, normalised by
 * JMH to per second) is the GFLOP/s directly. Run:
 * <pre>mvn -q test-compile exec:exec@bench -Djmh.args="SgemmBench -rf json -rff target/sgemm.json"</pre>
 * and add {@code -p impl=simd -p threads=2} etc. to narrow it.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 7, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
@State(Scope.Benchmark)
public class SgemmBench {

    @Param({"512x768x3072", "512x768x3072:NT", "512x768x3072:TN", "512x768x768", "1024x1024x1024"})
    public String shape;

    @Param({"1", "2"})
    public int threads;

    @Param({"scalar", "simd"})
    public String impl;

    Kernels kernels;
    int m, n, k, lda, ldb;
    boolean transA, transB;
    float[] a, b, c;

    /** GFLOP counter: JMH reports it per second, i.e. as GFLOP/s. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Flops {
        public double gflops;
    }

    @Setup(Level.Trial)
    public void setup() {
        String[] parts = shape.split(":");
        String[] dims = parts[0].split("x");
        m = Integer.parseInt(dims[0]);
        k = Integer.parseInt(dims[1]);
        n = Integer.parseInt(dims[2]);
        String tt = parts.length > 1 ? parts[1] : "NN";
        transA = tt.charAt(0) == 'T';
        transB = tt.charAt(1) == 'T';
        lda = transA ? m : k;
        ldb = transB ? k : n;
        kernels = impl.equals("scalar") ? new ScalarKernels() : KernelProvider.simdOrNull();
        if (kernels == null) throw new IllegalStateException("SIMD kernels unavailable: run with --add-modules jdk.incubator.vector");
        Parallel.setNumThreads(threads);
        Random r = new Random(42);
        a = new float[m * k];
        b = new float[k * n];
        c = new float[m * n];
        for (int i = 0; i < a.length; i++) a[i] = r.nextFloat() - 0.5f;
        for (int i = 0; i < b.length; i++) b[i] = r.nextFloat() - 0.5f;
    }

    @Benchmark
    public float[] gemm(Flops flops) {
        kernels.gemm(transA, transB, m, n, k, a, 0, lda, b, 0, ldb, c, 0, n, false);
        flops.gflops += 2.0 * m * n * k * 1e-9;
        return c;
    }
}
