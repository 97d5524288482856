package dev.scratchllm.kernels;

import java.util.Arrays;
import java.util.Random;

/**
 * A/B of SGEMM block sizes on the GPT-2 124M training shapes (m = 512 tokens): {@code Gemm.blocked}
 * with the default KC/MC/NC against the same code with other bounds, alternating in one process
 * on one thread and timed by thread CPU time, which on a shared virtual machine is much steadier
 * than wall time (the machine's speed drifts by up to 2× from minute to minute; alternating call
 * by call puts both sides in the same drift). It prints GFLOP/s per shape, the median per-round
 * ratio and the total. Measures only; correctness is GemmTest's job.
 *
 * <p>Run: {@code mvn -q test-compile exec:exec@bench -Djmh.main=dev.scratchllm.kernels.SgemmBlockingAB
 * -Djmh.args="ROUNDS KC MC NC"} (default {@code 9 1024 512 256}, the blocking used before MR = 12).
 */
public final class SgemmBlockingAB {
    private SgemmBlockingAB() {
    }

    /**
     * Runs the comparison.
     *
     * @param args optional: rounds per shape, then the other side's KC, MC and NC
     */
    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 9;
        int kc = args.length > 1 ? Integer.parseInt(args[1]) : 1024;
        int mc = args.length > 2 ? Integer.parseInt(args[2]) : 512;
        int nc = args.length > 3 ? Integer.parseInt(args[3]) : 256;
        System.out.printf("default KC %d MC %d NC %d (MR %d, NR %d) against KC %d MC %d NC %d%n",
                VectorKernels.Gemm.KC, VectorKernels.Gemm.MC, VectorKernels.Gemm.NC, VectorKernels.Gemm.MR,
                VectorKernels.Gemm.NR, kc, mc, nc);
        int[][] shapes = { // m, k, n, transA, transB: forward x·Wᵀ, backward dY·W and dYᵀ·X
                {512, 768, 2304, 0, 1}, {512, 768, 768, 0, 1}, {512, 768, 3072, 0, 1}, {512, 3072, 768, 0, 1},
                {512, 2304, 768, 0, 0}, {512, 3072, 768, 0, 0}, {512, 768, 3072, 0, 0}, {512, 768, 768, 0, 0},
                {2304, 512, 768, 1, 0}, {768, 512, 3072, 1, 0}, {3072, 512, 768, 1, 0}, {768, 512, 768, 1, 0},
                {1024, 1024, 1024, 0, 0},
        };
        Random r = new Random(1);
        var mx = java.lang.management.ManagementFactory.getThreadMXBean();
        double totOther = 0, totDefault = 0;
        for (int[] s : shapes) {
            int m = s[0], k = s[1], n = s[2];
            boolean ta = s[3] == 1, tb = s[4] == 1;
            float[] a = uniform(r, m * k), b = uniform(r, k * n), c1 = new float[m * n], c2 = new float[m * n];
            int lda = ta ? m : k, ldb = tb ? k : n;
            double[] t1 = new double[rounds], t2 = new double[rounds], ratio = new double[rounds];
            for (int q = -2; q < rounds; q++) {
                long x0 = mx.getCurrentThreadCpuTime();
                VectorKernels.Gemm.blocked(ta, tb, 0, m, 0, n, k, a, 0, lda, b, 0, ldb, c1, 0, n, false, kc, mc, nc);
                long x1 = mx.getCurrentThreadCpuTime();
                VectorKernels.Gemm.blocked(ta, tb, 0, m, 0, n, k, a, 0, lda, b, 0, ldb, c2, 0, n, false);
                long x2 = mx.getCurrentThreadCpuTime();
                if (q >= 0) {
                    t1[q] = (x1 - x0) / 1e9;
                    t2[q] = (x2 - x1) / 1e9;
                    ratio[q] = t1[q] / t2[q];
                }
            }
            double maxDiff = 0;
            for (int i = 0; i < c1.length; i += 7) maxDiff = Math.max(maxDiff, Math.abs(c1[i] - c2[i]));
            double f = 2.0 * m * n * k / 1e9;
            double m1 = med(t1), m2 = med(t2);
            totOther += m1;
            totDefault += m2;
            System.out.printf("%5d x %5d x %5d %s%s  other %6.1f  default %6.1f GFLOP/s  ratio %.3f  (diff %.1e)%n",
                    m, k, n, ta ? "T" : "N", tb ? "T" : "N", f / m1, f / m2, med(ratio), maxDiff);
        }
        System.out.printf("total: other %.3f s, default %.3f s, default is %.3fx as fast%n", totOther, totDefault, totOther / totDefault);
    }

    /** {@code len} floats uniform in [−0.5, 0.5): the operands of the A/B mains. */
    static float[] uniform(Random r, int len) {
        float[] x = new float[len];
        for (int i = 0; i < len; i++) x[i] = r.nextFloat() - 0.5f;
        return x;
    }

    static double med(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
