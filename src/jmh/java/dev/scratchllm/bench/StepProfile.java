package dev.scratchllm.bench;

import dev.scratchllm.ScratchLLM;
import dev.scratchllm.autograd.GradMode;
import dev.scratchllm.gpt.GPTConfig;
import dev.scratchllm.gpt.GPTModel;
import dev.scratchllm.kernels.KernelProvider;
import dev.scratchllm.kernels.Kernels;
import dev.scratchllm.kernels.Parallel;
import dev.scratchllm.optim.AdamW;
import dev.scratchllm.random.Generator;
import dev.scratchllm.tensor.Tensor;
import dev.scratchllm.train.Training;

import java.lang.management.ManagementFactory;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Profiles one training step of chapter 5's run (GPT-2 124M, context 256, batch 2 × 256, dropout
 * 0.1, AdamW 4e-4 / 0.1): forward (model + loss), backward and optimizer, and inside each phase
 * the wall time spent in SGEMM ({@code Kernels.gemm}, {@code gemmBatched}), in each other kernel,
 * and outside the kernels (tensor bookkeeping, copies, dropout masks, allocation, GC). It counts
 * the step's GEMM FLOPs from the shapes the kernels are called with and puts the step next to its
 * roofline: those FLOPs at the two-thread SGEMM rate measured in the same process on the step's
 * own shapes (the best median of the forward products). It also times an evaluation forward pass
 * (no graph, eval mode), as the run does 108 of them. Every figure comes twice: wall time, and
 * process CPU time divided by the thread count — on a machine shared with other jobs wall time
 * measures the neighbours, while CPU time still says what the step costs (and, on a quiet
 * machine, what it would take if neither thread ever waited).
 *
 * <p>How: the process-wide kernel set is swapped for a {@link Proxy} that times every call on
 * the calling thread with {@code System.nanoTime} (the kernels parallelise inside a call, so a
 * call's wall time is its cost). Kernels calling each other internally are not seen, and the
 * proxy adds well under a microsecond per call (a few thousand calls per step). It measures
 * time only; it checks no numbers.
 *
 * <p>Run: {@code mvn -q test-compile exec:exec@bench -Djmh.main=dev.scratchllm.bench.StepProfile
 * -Djmh.args="STEPS THREADS"} (defaults 6 steps after 2 warm-up steps, 2 threads). Times are
 * medians over the steps.
 */
public final class StepProfile {
    private StepProfile() {
    }

    /** Per-kernel wall time and FLOPs of the current phase, filled by the proxy. */
    static final class Tally {
        final Map<String, long[]> byKernel = new HashMap<>(); // name -> {nanos, calls}
        double gemmFlops;
        boolean active = true;

        void reset() {
            byKernel.clear();
            gemmFlops = 0;
        }

        long gemmNanos() {
            long t = 0;
            for (var e : byKernel.entrySet()) if (e.getKey().startsWith("gemm")) t += e.getValue()[0];
            return t;
        }

        long kernelNanos() {
            long t = 0;
            for (long[] v : byKernel.values()) t += v[0];
            return t;
        }

        long gemmCpu() {
            long t = 0;
            for (var e : byKernel.entrySet()) if (e.getKey().startsWith("gemm")) t += e.getValue()[2];
            return t;
        }

        long kernelCpu() {
            long t = 0;
            for (long[] v : byKernel.values()) t += v[2];
            return t;
        }
    }

    static final Tally TALLY = new Tally();
    static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    /** Replaces the process-wide kernels with a timing proxy around them; returns the original. */
    static Kernels installProxy() throws ReflectiveOperationException {
        Kernels real = KernelProvider.get();
        Kernels proxy = (Kernels) Proxy.newProxyInstance(Kernels.class.getClassLoader(), new Class<?>[] {Kernels.class}, (p, m, a) -> {
            String name = m.getName();
            boolean timed = TALLY.active && !Parallel.inWorker();
            long t0 = timed ? System.nanoTime() : 0, c0 = timed ? OS.getProcessCpuTime() : 0;
            Object r;
            try {
                r = m.invoke(real, a);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
            if (timed) {
                long dt = System.nanoTime() - t0, dc = OS.getProcessCpuTime() - c0;
                synchronized (TALLY) {
                    long[] v = TALLY.byKernel.computeIfAbsent(name, x -> new long[3]);
                    v[0] += dt;
                    v[1]++;
                    v[2] += dc;
                    if (name.equals("gemm")) TALLY.gemmFlops += 2.0 * (int) a[2] * (int) a[3] * (int) a[4];
                    else if (name.equals("gemmBatched")) TALLY.gemmFlops += 2.0 * (int) a[2] * (int) a[3] * (int) a[4] * (int) a[5];
                }
            }
            return r;
        });
        Field f = KernelProvider.class.getDeclaredField("instance");
        f.setAccessible(true);
        f.set(null, proxy);
        return real;
    }

    /** One phase's figures of one step. */
    record Phase(double wall, double gemm, double kernels, double flops, Map<String, long[]> byKernel,
                 double cpu, double gemmCpu, double kernelsCpu) {
    }

    static Phase snapshot(long t0, long t1, long c0, long c1) {
        Map<String, long[]> copy = new HashMap<>();
        TALLY.byKernel.forEach((k, v) -> copy.put(k, v.clone()));
        Phase p = new Phase((t1 - t0) / 1e9, TALLY.gemmNanos() / 1e9, TALLY.kernelNanos() / 1e9, TALLY.gemmFlops, copy,
                (c1 - c0) / 1e9, TALLY.gemmCpu() / 1e9, TALLY.kernelCpu() / 1e9);
        TALLY.reset();
        return p;
    }

    /**
     * Runs the profile.
     *
     * @param args optional: timed steps (default 6), threads (default 2)
     * @throws Exception if the kernel proxy cannot be installed
     */
    public static void main(String[] args) throws Exception {
        int steps = args.length > 0 ? Integer.parseInt(args[0]) : 6;
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        int warm = 2;
        Parallel.setNumThreads(threads);
        Kernels real = installProxy();
        Generator.defaultGenerator().manualSeed(123);
        GPTConfig cfg = GPTConfig.GPT_CONFIG_124M.withContextLength(256);
        GPTModel model = new GPTModel(cfg);
        AdamW opt = new AdamW(model.parameters(), 4e-4, 0.1);
        model.train();
        Tensor x = ScratchLLM.randint(0, cfg.vocabSize(), 2, 256);
        Tensor y = ScratchLLM.randint(0, cfg.vocabSize(), 2, 256);
        String[] names = {"forward", "backward", "optimizer", "eval forward"};
        List<Phase[]> runs = new ArrayList<>();
        for (int s = 0; s < steps + warm; s++) {
            TALLY.reset();
            long c0 = OS.getProcessCpuTime(), t0 = System.nanoTime();
            opt.zeroGrad();
            Tensor loss = Training.calcLossBatch(x, y, model);
            long c1 = OS.getProcessCpuTime(), t1 = System.nanoTime();
            Phase f = snapshot(t0, t1, c0, c1);
            loss.backward();
            long c2 = OS.getProcessCpuTime(), t2 = System.nanoTime();
            Phase b = snapshot(t1, t2, c1, c2);
            opt.step();
            long c3 = OS.getProcessCpuTime(), t3 = System.nanoTime();
            Phase u = snapshot(t2, t3, c2, c3);
            loss = null;
            double ev;
            long c4 = OS.getProcessCpuTime(), t4 = System.nanoTime();
            model.eval();
            try (var g = GradMode.noGrad()) {
                ev = Training.calcLossBatch(x, y, model).item();
            }
            model.train();
            long c5 = OS.getProcessCpuTime(), t5 = System.nanoTime();
            Phase e = snapshot(t4, t5, c4, c5);
            System.out.printf(Locale.ROOT, "step %d: forward %.3f s, backward %.3f s, optimizer %.3f s, eval forward %.3f s (loss %.4f);"
                    + " process CPU %.3f / %.3f / %.3f / %.3f s%n", s, f.wall, b.wall, u.wall, e.wall, ev, f.cpu, b.cpu, u.cpu, e.cpu);
            if (s >= warm) runs.add(new Phase[] {f, b, u, e});
        }
        TALLY.active = false;
        double[] rate = sgemmRate(real);
        report(names, runs, rate, threads);
    }

    /** Medians of each phase's figures over the steps, a table of the phases and one of the largest non-GEMM kernels. */
    static void report(String[] names, List<Phase[]> runs, double[] rate, int threads) {
        int n = runs.size();
        System.out.printf(Locale.ROOT, "%nmedians of %d steps, %d threads; SGEMM rate on the step's shapes measured here: %.1f GFLOP/s wall,"
                + " %.1f GFLOP/s per %d CPU-seconds of process CPU time%n", n, threads, rate[0] / 1e9, rate[1] / 1e9, threads);
        for (int cpu = 0; cpu < 2; cpu++) {
            final boolean c = cpu == 1;
            System.out.println(c ? "%nprocess CPU time ÷ threads, means (what an unloaded machine would take if the threads never waited):".formatted()
                    : "wall time, medians:");
            System.out.println("| phase | s | GEMM s | GEMM GFLOP | GEMM GFLOP/s | other kernels s | outside kernels s | roofline s | ÷ roofline |");
            System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
            double[] tot = new double[6];
            double r = c ? rate[1] : rate[0];
            for (int p = 0; p < names.length; p++) {
                final int pp = p;
                double wall = avg(c, runs.stream().mapToDouble(x -> c ? x[pp].cpu / threads : x[pp].wall).toArray());
                double gemm = avg(c, runs.stream().mapToDouble(x -> c ? x[pp].gemmCpu / threads : x[pp].gemm).toArray());
                double ker = avg(c, runs.stream().mapToDouble(x -> c ? (x[pp].kernelsCpu - x[pp].gemmCpu) / threads : x[pp].kernels - x[pp].gemm).toArray());
                double out = avg(c, runs.stream().mapToDouble(x -> c ? (x[pp].cpu - x[pp].kernelsCpu) / threads : x[pp].wall - x[pp].kernels).toArray());
                double flops = runs.get(0)[p].flops;
                double roof = flops / r;
                row(names[p], wall, gemm, flops, ker, out, roof);
                if (p < 3) {
                    tot[0] += wall;
                    tot[1] += gemm;
                    tot[2] += flops;
                    tot[3] += ker;
                    tot[4] += out;
                    tot[5] += roof;
                }
                if (p == 2) row("**training step**", tot[0], tot[1], tot[2], tot[3], tot[4], tot[5]);
            }
        }
        for (int p = 0; p < names.length; p++) {
            Map<String, List<double[]>> per = new TreeMap<>();
            Map<String, Long> calls = new HashMap<>();
            for (Phase[] x : runs)
                x[p].byKernel.forEach((k, v) -> {
                    per.computeIfAbsent(k, z -> new ArrayList<>()).add(new double[] {v[0] / 1e9, v[2] / 1e9 / threads});
                    calls.put(k, v[1]);
                });
            List<Map.Entry<String, double[]>> med = new ArrayList<>();
            per.forEach((k, v) -> med.add(Map.entry(k, new double[] {
                    median(v.stream().mapToDouble(d -> d[0]).toArray()), v.stream().mapToDouble(d -> d[1]).average().orElse(0)})));
            med.sort((a, b) -> Double.compare(b.getValue()[1], a.getValue()[1]));
            StringBuilder sb = new StringBuilder(names[p] + " kernels (median wall s / mean CPU s ÷ threads):");
            for (var e : med)
                sb.append(String.format(Locale.ROOT, " %s %.3f / %.3f (%d calls);", e.getKey(), e.getValue()[0], e.getValue()[1], calls.get(e.getKey())));
            System.out.println(sb);
        }
    }

    static void row(String name, double wall, double gemm, double flops, double ker, double out, double roof) {
        System.out.printf(Locale.ROOT, "| %s | %.3f | %.3f | %.1f | %.1f | %.3f | %.3f | %.3f | %.2f |%n", name, wall, gemm, flops / 1e9,
                gemm > 0 ? flops / gemm / 1e9 : 0, ker, out, roof, roof > 0 ? wall / roof : 0);
    }

    /**
     * The two-thread SGEMM rate on the step's forward shapes (512 rows: the q/k/v/out 768×768, fc1
     * 768→3072, fc2 3072→768 and the head 768→50257, all with a transposed weight as in
     * {@code Linear}): for each shape the median of 7 timed products, and the best of the shapes.
     */
    static double[] sgemmRate(Kernels k) {
        int[][] shapes = {{512, 768, 768}, {512, 3072, 768}, {512, 768, 3072}, {512, 50257, 768}};
        double best = 0, bestCpu = 0;
        for (int[] s : shapes) {
            int m = s[0], n = s[1], kk = s[2];
            float[] a = new float[m * kk], b = new float[n * kk], c = new float[m * n];
            java.util.Random g = new java.util.Random(1);
            for (int i = 0; i < a.length; i++) a[i] = g.nextFloat() - 0.5f;
            for (int i = 0; i < b.length; i++) b[i] = g.nextFloat() - 0.5f;
            int reps = 7;
            double[] t = new double[reps], tc = new double[reps];
            int inner = Math.max(1, (int) (2e10 / (2.0 * m * n * kk)));
            k.gemm(false, true, m, n, kk, a, 0, kk, b, 0, kk, c, 0, n, false);
            for (int r = 0; r < reps; r++) {
                long c0 = OS.getProcessCpuTime(), t0 = System.nanoTime();
                for (int i = 0; i < inner; i++) k.gemm(false, true, m, n, kk, a, 0, kk, b, 0, kk, c, 0, n, false);
                t[r] = (System.nanoTime() - t0) / 1e9 / inner;
                tc[r] = (OS.getProcessCpuTime() - c0) / 1e9 / inner / Parallel.numThreads();
            }
            double rate = 2.0 * m * n * kk / median(t), rateCpu = 2.0 * m * n * kk / median(tc);
            System.out.printf(Locale.ROOT, "SGEMM %dx%dx%d (B transposed): %.1f GFLOP/s wall, %.1f per CPU-second ÷ threads%n",
                    m, n, kk, rate / 1e9, rateCpu / 1e9);
            best = Math.max(best, rate);
            bestCpu = Math.max(bestCpu, rateCpu);
        }
        return new double[] {best, bestCpu};
    }

    /**
     * The mean for CPU times (the process CPU clock may tick in 10 ms steps, so a median of many
     * short calls is biased while their mean is not), the median for wall times.
     */
    static double avg(boolean mean, double[] v) {
        return mean ? Arrays.stream(v).average().orElse(0) : median(v);
    }

    static double median(double[] v) {
        if (v.length == 0) return 0;
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
