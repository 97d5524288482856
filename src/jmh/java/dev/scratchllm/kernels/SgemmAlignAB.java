package dev.scratchllm.kernels;

import java.util.Arrays;
import java.util.Random;

/**
 * A/B of packing B at a 64-byte boundary ({@link AlignedBuffers}) against packing it at index 0
 * of the same buffer, on the SGEMM shapes of issue #2, one thread. The two sides alternate call by
 * call in one process and are timed by thread CPU time (see {@code SgemmBlockingAB} for why). It
 * prints GFLOP/s per side, the median per-round ratio with its quartiles, and the largest
 * difference between the two results (zero: alignment changes where the panel sits, not the
 * arithmetic). Measures only; correctness is GemmTest's job.
 *
 * <p>Run: {@code mvn -q test-compile exec:exec@bench -Djmh.main=dev.scratchllm.kernels.SgemmAlignAB
 * -Djmh.args="ROUNDS"} (default 11). Pin it to one CPU ({@code taskset -c 0}) for steadier ratios.
 */
public final class SgemmAlignAB {
    private SgemmAlignAB() {
    }

    /**
     * Runs the comparison.
     *
     * @param args optional: rounds per shape
     */
    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 11;
        System.out.println("AlignedBuffers: " + AlignedBuffers.DESCRIPTION);
        int[][] shapes = { // m, k, n, transA, transB
                {512, 768, 3072, 0, 0}, {512, 768, 3072, 0, 1}, {512, 768, 3072, 1, 0},
                {512, 768, 768, 0, 0}, {1024, 1024, 1024, 0, 0},
        };
        Random r = new Random(1);
        var mx = java.lang.management.ManagementFactory.getThreadMXBean();
        boolean saved = VectorKernels.Gemm.alignB;
        try {
            for (int[] s : shapes) {
                int m = s[0], k = s[1], n = s[2];
                boolean ta = s[3] == 1, tb = s[4] == 1;
                float[] a = SgemmBlockingAB.uniform(r, m * k), b = SgemmBlockingAB.uniform(r, k * n);
                float[] c0 = new float[m * n], c1 = new float[m * n];
                int lda = ta ? m : k, ldb = tb ? k : n;
                double flop = 2.0 * m * n * k;
                double[] g0 = new double[rounds], g1 = new double[rounds], ratio = new double[rounds];
                for (int q = -2; q < rounds; q++) {
                    for (int side = 0; side < 2; side++) {
                        boolean aligned = (side + Math.max(q, 0)) % 2 == 1; // alternate who goes first
                        VectorKernels.Gemm.alignB = aligned;
                        long t0 = mx.getCurrentThreadCpuTime();
                        VectorKernels.Gemm.blocked(ta, tb, 0, m, 0, n, k, a, 0, lda, b, 0, ldb, aligned ? c1 : c0, 0, n, false);
                        double g = flop / (mx.getCurrentThreadCpuTime() - t0);
                        if (q >= 0) {
                            if (aligned) g1[q] = g;
                            else g0[q] = g;
                        }
                    }
                    if (q >= 0) ratio[q] = g1[q] / g0[q];
                }
                double maxDiff = 0;
                for (int i = 0; i < c0.length; i++) maxDiff = Math.max(maxDiff, Math.abs(c0[i] - c1[i]));
                double[] rs = sorted(ratio);
                System.out.printf("%5d x %5d x %5d %s%s  at 0 %6.1f  aligned %6.1f GFLOP/s  ratio %.3f [%.3f, %.3f]  (diff %.1e)%n",
                        m, k, n, ta ? "T" : "N", tb ? "T" : "N", sorted(g0)[rounds / 2], sorted(g1)[rounds / 2],
                        rs[rounds / 2], rs[rounds / 4], rs[3 * rounds / 4], maxDiff);
            }
        } finally {
            VectorKernels.Gemm.alignB = saved;
        }
    }

    private static double[] sorted(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s;
    }
}
