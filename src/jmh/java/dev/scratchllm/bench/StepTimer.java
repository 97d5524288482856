package dev.scratchllm.bench;

import dev.scratchllm.gpt.GPTConfig;
import dev.scratchllm.gpt.GPTModel;
import dev.scratchllm.kernels.Parallel;
import dev.scratchllm.optim.AdamW;
import dev.scratchllm.random.Generator;
import dev.scratchllm.tensor.Tensor;
import dev.scratchllm.train.Training;

import java.util.Arrays;

/**
 * Times one training step of chapter 5's run (GPT-2 124M, context 256, batch 2, AdamW) split
 * into forward (model + loss), backward and optimizer step, and prints the medians. The same
 * split as {@code scripts/torch_ch05_run.py --time-steps}, so the two can be put side by side.
 * Random token ids, dropout 0.1 as in the book; it measures time only and checks nothing. The
 * process CPU time per step is printed too: on a shared machine it is steadier than wall time.
 *
 * <p>Run: {@code mvn -q test-compile exec:exec@bench -Djmh.main=dev.scratchllm.bench.StepTimer
 * -Djmh.args="STEPS THREADS"} (defaults 8 steps, all cores; the first 2 steps are warm-up).
 */
public final class StepTimer {
    private StepTimer() {
    }

    public static void main(String[] args) {
        int steps = args.length > 0 ? Integer.parseInt(args[0]) : 8;
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : Runtime.getRuntime().availableProcessors();
        int warm = 2;
        Parallel.setNumThreads(threads);
        Generator.defaultGenerator().manualSeed(123);
        GPTConfig cfg = GPTConfig.GPT_CONFIG_124M.withContextLength(256);
        GPTModel model = new GPTModel(cfg);
        AdamW opt = new AdamW(model.parameters(), 4e-4, 0.1);
        model.train();
        Tensor x = dev.scratchllm.ScratchLLM.randint(0, cfg.vocabSize(), 2, 256);
        Tensor y = dev.scratchllm.ScratchLLM.randint(0, cfg.vocabSize(), 2, 256);
        double[] fwd = new double[steps], bwd = new double[steps], upd = new double[steps], cpu = new double[steps];
        var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        double[] gc = new double[steps];
        for (int s = 0; s < steps + warm; s++) {
            long g0 = gcMillis();
            long c0 = os.getProcessCpuTime();
            long t0 = System.nanoTime();
            opt.zeroGrad();
            Tensor loss = Training.calcLossBatch(x, y, model);
            long t1 = System.nanoTime();
            loss.backward();
            long t2 = System.nanoTime();
            opt.step();
            long t3 = System.nanoTime();
            long c1 = os.getProcessCpuTime();
            long g1 = gcMillis();
            if (s >= warm) {
                fwd[s - warm] = (t1 - t0) / 1e9;
                bwd[s - warm] = (t2 - t1) / 1e9;
                upd[s - warm] = (t3 - t2) / 1e9;
                cpu[s - warm] = (c1 - c0) / 1e9;
                gc[s - warm] = (g1 - g0) / 1e3;
            }
            System.out.printf("step %d: forward %.3f s, backward %.3f s, AdamW %.3f s, CPU %.3f s, GC %.3f s, loss %.4f%n",
                    s, (t1 - t0) / 1e9, (t2 - t1) / 1e9, (t3 - t2) / 1e9, (c1 - c0) / 1e9, (g1 - g0) / 1e3, loss.item());
        }
        double f = median(fwd), b = median(bwd), u = median(upd);
        System.out.printf("median of %d steps (%d threads): forward %.3f s, backward %.3f s, AdamW %.3f s, step %.3f s;"
                + " process CPU per step %.3f s, GC time per step %.3f s (mean)%n", steps, threads, f, b, u, f + b + u, median(cpu),
                Arrays.stream(gc).average().orElse(0));
    }

    /** Milliseconds spent in collections so far, summed over the JVM's collectors (pauses and, for G1, concurrent cycles). */
    static long gcMillis() {
        long t = 0;
        for (var b : java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) t += Math.max(0, b.getCollectionTime());
        return t;
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
