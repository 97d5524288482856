package dev.scratchllm.bench;

import dev.scratchllm.kernels.KernelProvider;
import dev.scratchllm.kernels.Kernels;
import dev.scratchllm.kernels.Parallel;
import dev.scratchllm.kernels.ScalarKernels;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;

/**
 * A line-oriented SGEMM timing server for {@code scripts/bench_compare_sgemm.py}, which alternates
 * short timings of this process and of numpy/OpenBLAS so that both see the same machine load
 * (on a shared 2-core machine, separate runs minutes apart are not comparable).
 *
 * <p>Protocol: each input line {@code IMPL M K N TT THREADS SECONDS} (TT ∈ NN/NT/TN/TT) runs
 * {@code C = op(A)·op(B)} repeatedly for about SECONDS of wall time and answers one line with the
 * GFLOP/s (2·M·N·K per product). The first request for a shape also warms it up for 2 seconds.
 * It does not pin threads or control the clock; it only measures.
 */
public final class SgemmServer {
    private SgemmServer() {
    }

    public static void main(String[] args) throws Exception {
        Kernels simd = KernelProvider.simdOrNull();
        Kernels scalar = new ScalarKernels();
        Map<String, float[][]> data = new HashMap<>();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
        System.out.println("ready " + (simd == null ? "no-simd" : simd.name()));
        System.out.flush();
        String line;
        while ((line = in.readLine()) != null) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 7) continue;
            Kernels k = f[0].equals("scalar") ? scalar : simd;
            int m = Integer.parseInt(f[1]), kk = Integer.parseInt(f[2]), n = Integer.parseInt(f[3]);
            boolean ta = f[4].charAt(0) == 'T', tb = f[4].charAt(1) == 'T';
            int threads = Integer.parseInt(f[5]);
            double seconds = Double.parseDouble(f[6]);
            Parallel.setNumThreads(threads);
            String key = m + "x" + kk + "x" + n;
            boolean fresh = !data.containsKey(key + f[0] + f[4]);
            float[][] abc = data.computeIfAbsent(key, s -> {
                Random r = new Random(1);
                float[] a = new float[m * kk], b = new float[kk * n], c = new float[m * n];
                for (int i = 0; i < a.length; i++) a[i] = r.nextFloat() - 0.5f;
                for (int i = 0; i < b.length; i++) b[i] = r.nextFloat() - 0.5f;
                return new float[][]{a, b, c};
            });
            data.putIfAbsent(key + f[0] + f[4], abc);
            int lda = ta ? m : kk, ldb = tb ? kk : n;
            if (fresh) run(k, ta, tb, m, n, kk, abc, lda, ldb, 2.0);
            double gflops = run(k, ta, tb, m, n, kk, abc, lda, ldb, seconds);
            System.out.printf("%.2f%n", gflops);
            System.out.flush();
        }
    }

    static double run(Kernels k, boolean ta, boolean tb, int m, int n, int kk, float[][] abc, int lda, int ldb, double seconds) {
        long t0 = System.nanoTime(), limit = (long) (seconds * 1e9);
        int it = 0;
        do {
            k.gemm(ta, tb, m, n, kk, abc[0], 0, lda, abc[1], 0, ldb, abc[2], 0, n, false);
            it++;
        } while (System.nanoTime() - t0 < limit);
        double dt = (System.nanoTime() - t0) / 1e9;
        return 2.0 * m * n * kk * it / dt / 1e9;
    }
}
