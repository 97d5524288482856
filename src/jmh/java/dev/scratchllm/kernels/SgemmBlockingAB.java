package dev.scratchllm.kernels;

import java.util.Arrays;
import java.util.Random;

/**
 * A/B of SGEMM loop orders on the GPT-2 124M training shapes (m = 512 tokens): the blocking used
 * until 2026-11-29 (B panel in L1, A slivers streaming, jr outer / ir inner, KC 256, MC 256,
 * NC 3072) against today's {@code Gemm.blocked}, alternating in one process on one thread and
 * timed by thread CPU time, which on a shared virtual machine is much steadier than wall time.
 * It prints GFLOP/s per shape and the ratio; shapes are multiples of the tile, so the old loop
 * needs no edge handling. Measures only; correctness is GemmTest's job.
 *
 * <p>Run: {@code mvn -q test-compile exec:exec@bench -Djmh.main=dev.scratchllm.kernels.SgemmBlockingAB -Djmh.args=9}
 */
public final class SgemmBlockingAB {
    private SgemmBlockingAB() {
    }

    /** The previous blocking, kept here as the "before" of the comparison. */
    static void old(boolean ta, boolean tb, int m, int n, int k, float[] a, int lda, float[] b, int ldb, float[] c, float[] bufA, float[] bufB) {
        int KC = 256, MC = 256, NC = 3072, MR = 8, NR = VectorKernels.Gemm.NR;
        for (int jc = 0; jc < n; jc += NC) {
            int nc = Math.min(NC, n - jc);
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                VectorKernels.Gemm.packB(tb, b, 0, ldb, pc, kc, jc, nc, bufB, 0);
                for (int ic = 0; ic < m; ic += MC) {
                    int mc = Math.min(MC, m - ic);
                    VectorKernels.Gemm.packA(ta, a, 0, lda, ic, mc, pc, kc, bufA);
                    for (int jr = 0; jr < nc; jr += NR)
                        for (int ir = 0; ir < mc; ir += MR)
                            VectorKernels.Gemm.kernel(kc, bufA, ir * kc, bufB, jr * kc, c, (ic + ir) * n + jc + jr, n, pc > 0);
                }
            }
        }
    }

    /**
     * Runs the comparison.
     *
     * @param args optional: the number of timed rounds per shape (default 9)
     */
    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 9;
        int[][] shapes = {
                {512, 768, 2304, 0, 1}, {512, 768, 768, 0, 1}, {512, 768, 3072, 0, 1}, {512, 3072, 768, 0, 1},
                {512, 2304, 768, 0, 0}, {512, 3072, 768, 0, 0}, {512, 768, 3072, 0, 0},
                {2304, 512, 768, 1, 0}, {768, 512, 3072, 1, 0}, {3072, 512, 768, 1, 0},
        };
        Random r = new Random(1);
        var mx = java.lang.management.ManagementFactory.getThreadMXBean();
        double tot1 = 0, tot2 = 0;
        float[] bufA = new float[256 * 256], bufB = new float[256 * 3072];
        for (int[] s : shapes) {
            int m = s[0], k = s[1], n = s[2];
            boolean ta = s[3] == 1, tb = s[4] == 1;
            float[] a = new float[m * k], b = new float[k * n], c1 = new float[m * n], c2 = new float[m * n];
            for (int i = 0; i < a.length; i++) a[i] = r.nextFloat() - 0.5f;
            for (int i = 0; i < b.length; i++) b[i] = r.nextFloat() - 0.5f;
            int lda = ta ? m : k, ldb = tb ? k : n;
            double[] t1 = new double[rounds], t2 = new double[rounds];
            for (int q = -2; q < rounds; q++) {
                long x0 = mx.getCurrentThreadCpuTime();
                old(ta, tb, m, n, k, a, lda, b, ldb, c1, bufA, bufB);
                long x1 = mx.getCurrentThreadCpuTime();
                VectorKernels.Gemm.blocked(ta, tb, 0, m, 0, n, k, a, 0, lda, b, 0, ldb, c2, 0, n, false);
                long x2 = mx.getCurrentThreadCpuTime();
                if (q >= 0) {
                    t1[q] = (x1 - x0) / 1e9;
                    t2[q] = (x2 - x1) / 1e9;
                }
            }
            double maxDiff = 0;
            for (int i = 0; i < c1.length; i += 7) maxDiff = Math.max(maxDiff, Math.abs(c1[i] - c2[i]));
            double f = 2.0 * m * n * k / 1e9;
            double m1 = med(t1), m2 = med(t2);
            tot1 += m1;
            tot2 += m2;
            System.out.printf("%5d x %5d x %5d %s%s  old %6.1f  new %6.1f GFLOP/s  ratio %.2f  (diff %.1e)%n",
                    m, k, n, ta ? "T" : "N", tb ? "T" : "N", f / m1, f / m2, m1 / m2, maxDiff);
        }
        System.out.printf("total: old %.3f s, new %.3f s, ratio %.3f%n", tot1, tot2, tot1 / tot2);
    }

    static double med(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
