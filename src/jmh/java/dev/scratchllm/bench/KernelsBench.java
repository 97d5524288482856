package dev.scratchllm.bench;

import dev.scratchllm.kernels.Kernels;
import dev.scratchllm.kernels.KernelProvider;
import dev.scratchllm.kernels.Parallel;
import dev.scratchllm.kernels.ScalarKernels;
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
 * Element-wise and row-wise kernels, scalar against Vector API, at the sizes of one GPT-2 124M
 * training step with batch 2×256 (B·T = 512 rows): attention softmax over 2·12·256 rows of 256,
 * layer norm over 512×768, GELU over 512×3072, cross entropy over 512×50257 logits, and AdamW
 * over all 124,439,808 parameters. Scores are milliseconds per call (lower is better).
 * Run: {@code mvn -q test-compile exec:exec@bench -Djmh.args="KernelsBench"}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
@State(Scope.Benchmark)
public class KernelsBench {

    @Param({"1", "2"})
    public int threads;

    @Param({"scalar", "simd"})
    public String impl;

    static final int ROWS = 512, D = 768, FF = 3072, VOCAB = 50257, ATT_ROWS = 2 * 12 * 256, T = 256;
    static final int PARAMS = 124_439_808;

    Kernels k;
    float[] att, attOut, ln, lnOut, scale, shift, mean, rstd, ff, ffOut, logits, lse, dlogits;
    long[] targets;

    @Setup(Level.Trial)
    public void setup() {
        k = impl.equals("scalar") ? new ScalarKernels() : KernelProvider.simdOrNull();
        if (k == null) throw new IllegalStateException("SIMD kernels unavailable: run with --add-modules jdk.incubator.vector");
        Parallel.setNumThreads(threads);
        Random r = new Random(1);
        att = fill(r, ATT_ROWS * T);
        attOut = new float[ATT_ROWS * T];
        ln = fill(r, ROWS * D);
        lnOut = new float[ROWS * D];
        scale = fill(r, D);
        shift = fill(r, D);
        mean = new float[ROWS];
        rstd = new float[ROWS];
        ff = fill(r, ROWS * FF);
        ffOut = new float[ROWS * FF];
        logits = fill(r, ROWS * VOCAB);
        dlogits = new float[ROWS * VOCAB];
        lse = new float[ROWS];
        targets = new long[ROWS];
        for (int i = 0; i < ROWS; i++) targets[i] = r.nextInt(VOCAB);
    }

    /** AdamW's 4 × 124M floats (2 GB) live in their own state so that only adamW124M allocates them. */
    @State(Scope.Benchmark)
    public static class AdamState {
        float[] p, g, m, v;

        @Setup(Level.Trial)
        public void setup() {
            p = new float[PARAMS];
            g = new float[PARAMS];
            m = new float[PARAMS];
            v = new float[PARAMS];
            java.util.concurrent.ThreadLocalRandom r = java.util.concurrent.ThreadLocalRandom.current();
            for (int i = 0; i < PARAMS; i++) {
                p[i] = r.nextFloat() - 0.5f;
                g[i] = (r.nextFloat() - 0.5f) * 1e-2f;
            }
        }
    }

    static float[] fill(Random r, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) r.nextGaussian();
        return x;
    }

    @Benchmark
    public float[] softmaxAttention() {
        k.softmaxRows(att, 0, attOut, 0, ATT_ROWS, T);
        return attOut;
    }

    @Benchmark
    public float[] layerNorm() {
        k.layerNormRows(ln, 0, scale, shift, 1e-5f, lnOut, 0, mean, rstd, ROWS, D);
        return lnOut;
    }

    @Benchmark
    public float[] gelu() {
        k.gelu(ff, 0, ffOut, 0, ROWS * FF);
        return ffOut;
    }

    @Benchmark
    public float[] geluBackward() {
        k.geluBackward(ff, 0, ff, 0, ffOut, 0, ROWS * FF, false);
        return ffOut;
    }

    @Benchmark
    public float[] crossEntropyForwardBackward() {
        k.crossEntropyRows(logits, 0, targets, 0, ROWS, VOCAB, -100, lse);
        k.crossEntropyBackwardRows(logits, 0, targets, 0, lse, ROWS, VOCAB, -100, 1f / ROWS, dlogits, 0, false);
        return dlogits;
    }

    @Benchmark
    public float[] adamW124M(AdamState s) {
        k.adamW(s.p, 0, s.g, 0, s.m, 0, s.v, 0, PARAMS, 4e-4f, 0.9f, 0.999f, 1e-8f, 0.1f, 0.1f, 0.001f);
        return s.p;
    }
}
