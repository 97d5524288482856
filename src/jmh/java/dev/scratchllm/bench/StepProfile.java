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
 * (no graph, eval mode), as the run does 108 of them.
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
    }

    static final Tally TALLY = new Tally();

    /** Replaces the process-wide kernels with a timing proxy around them; returns the original. */
    static Kernels installProxy() throws ReflectiveOperationException {
        Kernels real = KernelProvider.get();
        Kernels proxy = (Kernels) Proxy.newProxyInstance(Kernels.class.getClassLoader(), new Class<?>[] {Kernels.class}, (p, m, a) -> {
            String name = m.getName();
            boolean timed = TALLY.active && !Parallel.inWorker();
            long t0 = timed ? System.nanoTime() : 0;
            Object r;
            try {
                r = m.invoke(real, a);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
            if (timed) {
                long dt = System.nanoTime() - t0;
                synchronized (TALLY) {
                    long[] v = TALLY.byKernel.computeIfAbsent(name, x -> new long[2]);
                    v[0] += dt;
                    v[1]++;
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
    record Phase(double wall, double gemm, double kernels, double flops, Map<String, long[]> byKernel) {
    }

    static Phase snapshot(long t0, long t1) {
        Map<String, long[]> copy = new HashMap<>();
        TALLY.byKernel.forEach((k, v) -> copy.put(k, v.clone()));
        Phase p = new Phase((t1 - t0) / 1e9, TALLY.gemmNanos() / 1e9, TALLY.kernelNanos() / 1e9, TALLY.gemmFlops, copy);
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
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        double[] cpu = new double[steps];
        for (int s = 0; s < steps + warm; s++) {
            TALLY.reset();
            long c0 = os.getProcessCpuTime();
            long t0 = System.nanoTime();
            opt.zeroGrad();
            Tensor loss = Training.calcLossBatch(x, y, model);
            long t1 = System.nanoTime();
            Phase f = snapshot(t0, t1);
            loss.backward();
            long t2 = System.nanoTime();
            Phase b = snapshot(t1, t2);
            opt.step();
            long t3 = System.nanoTime();
            Phase u = snapshot(t2, t3);
            long c1 = os.getProcessCpuTime();
            loss = null;
            double[] ev;
            long t4 = System.nanoTime();
            model.eval();
            try (var g = GradMode.noGrad()) {
                ev = new double[] {Training.calcLossBatch(x, y, model).item()};
            }
            model.train();
            long t5 = System.nanoTime();
            Phase e = snapshot(t4, t5);
            System.out.printf(Locale.ROOT, "step %d: forward %.3f s, backward %.3f s, optimizer %.3f s, eval forward %.3f s (loss %.4f), CPU %.3f s%n",
                    s, f.wall, b.wall, u.wall, e.wall, ev[0], (c1 - c0) / 1e9);
            if (s >= warm) {
                runs.add(new Phase[] {f, b, u, e});
                cpu[s - warm] = (c1 - c0) / 1e9;
            }
        }
        TALLY.active = false;
        double rate = sgemmRate(real);
        report(names, runs, rate, threads, median(cpu));
    }

    /** Medians of each phase's figures over the steps, a table of the phases and one of the largest non-GEMM kernels. */
    static void report(String[] names, List<Phase[]> runs, double rate, int threads, double cpu) {
        int n = runs.size();
        System.out.printf(Locale.ROOT, "%nmedians of %d steps, %d threads; SGEMM rate measured here on the step's shapes: %.1f GFLOP/s%n", n, threads, rate / 1e9);
        System.out.println("| phase | wall s | GEMM s | GEMM GFLOP | GEMM GFLOP/s | other kernels s | outside kernels s | roofline s (GEMM FLOPs at the SGEMM rate) | wall ÷ roofline |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        double[] stepTot = new double[7];
        for (int p = 0; p < names.length; p++) {
            final int pp = p;
            double wall = median(runs.stream().mapToDouble(r -> r[pp].wall).toArray());
            double gemm = median(runs.stream().mapToDouble(r -> r[pp].gemm).toArray());
            double ker = median(runs.stream().mapToDouble(r -> r[pp].kernels - r[pp].gemm).toArray());
            double out = median(runs.stream().mapToDouble(r -> r[pp].wall - r[pp].kernels).toArray());
            double flops = runs.get(0)[p].flops;
            double roof = flops / rate;
            row(names[p], wall, gemm, flops, ker, out, roof);
            if (p < 3) {
                stepTot[0] += wall;
                stepTot[1] += gemm;
                stepTot[2] += flops;
                stepTot[3] += ker;
                stepTot[4] += out;
                stepTot[5] += roof;
            }
            if (p == 2) row("**training step**", stepTot[0], stepTot[1], stepTot[2], stepTot[3], stepTot[4], stepTot[5]);
        }
        System.out.printf(Locale.ROOT, "process CPU per training step (median): %.3f s%n", cpu);
        for (int p = 0; p < names.length; p++) {
            Map<String, List<Double>> per = new TreeMap<>();
            Map<String, Long> calls = new HashMap<>();
            for (Phase[] r : runs)
                r[p].byKernel.forEach((k, v) -> {
                    per.computeIfAbsent(k, z -> new ArrayList<>()).add(v[0] / 1e9);
                    calls.put(k, v[1]);
                });
            List<Map.Entry<String, Double>> med = new ArrayList<>();
            per.forEach((k, v) -> med.add(Map.entry(k, median(v.stream().mapToDouble(Double::doubleValue).toArray()))));
            med.sort((a, b) -> Double.compare(b.getValue(), a.getValue()));
            StringBuilder sb = new StringBuilder(names[p] + " kernels:");
            for (var e : med) sb.append(String.format(Locale.ROOT, " %s %.3f s (%d calls);", e.getKey(), e.getValue(), calls.get(e.getKey())));
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
    static double sgemmRate(Kernels k) {
        int[][] shapes = {{512, 768, 768}, {512, 3072, 768}, {512, 768, 3072}, {512, 50257, 768}};
        double best = 0;
        for (int[] s : shapes) {
            int m = s[0], n = s[1], kk = s[2];
            float[] a = new float[m * kk], b = new float[n * kk], c = new float[m * n];
            java.util.Random g = new java.util.Random(1);
            for (int i = 0; i < a.length; i++) a[i] = g.nextFloat() - 0.5f;
            for (int i = 0; i < b.length; i++) b[i] = g.nextFloat() - 0.5f;
            int reps = 7;
            double[] t = new double[reps];
            int inner = Math.max(1, (int) (2e10 / (2.0 * m * n * kk)));
            k.gemm(false, true, m, n, kk, a, 0, kk, b, 0, kk, c, 0, n, false);
            for (int r = 0; r < reps; r++) {
                long t0 = System.nanoTime();
                for (int i = 0; i < inner; i++) k.gemm(false, true, m, n, kk, a, 0, kk, b, 0, kk, c, 0, n, false);
                t[r] = (System.nanoTime() - t0) / 1e9 / inner;
            }
            double rate = 2.0 * m * n * kk / median(t);
            System.out.printf(Locale.ROOT, "SGEMM %dx%dx%d (B transposed): %.1f GFLOP/s%n", m, n, kk, rate / 1e9);
            best = Math.max(best, rate);
        }
        return best;
    }

    static double median(double[] v) {
        if (v.length == 0) return 0;
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
