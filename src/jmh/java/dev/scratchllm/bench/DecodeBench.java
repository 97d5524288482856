package dev.scratchllm.bench;

import dev.scratchllm.ScratchLLM;
import dev.scratchllm.gpt.GPTConfig;
import dev.scratchllm.gpt.GPTModel;
import dev.scratchllm.infer.GPTInference;
import dev.scratchllm.infer.WeightFormat;
import dev.scratchllm.kernels.Parallel;
import dev.scratchllm.tensor.Tensor;
import dev.scratchllm.train.TextGeneration;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Decoding speed of GPT-2 (124M by default, context 256, random weights: speed does not depend
 * on the values), a 200-token prompt and 50 new greedy tokens, on 1 and 2 threads: the book's
 * path ({@link TextGeneration#generate} with its KV cache) against the inference path
 * ({@link GPTInference}) in float32, bfloat16 and Q8_0, with the memory read bandwidth measured
 * in the same rounds (a Vector API sum over a 256 MiB {@code float[]} with four accumulators per
 * thread) and each decode speed as a fraction of the bandwidth bound
 * ({@code bandwidth / (weight bytes + KV-cache bytes read per token)}).
 *
 * <p>Prompt tokens/s: 200 / the prompt's time (for the book's path, the time of
 * {@code generate(…, max_new_tokens=1)}, which is the prompt plus one sampling step). Decode
 * tokens/s: 49 / the time of the 49 single-token steps after the prompt (book's path:
 * {@code generate(50) − generate(1)}). Rounds alternate the variants; medians are printed,
 * and each round's figures as JSON lines. Also prints the bytes the calling thread allocates per
 * decoded token on the inference path, and the decode speed with the greedy pick fused into the
 * output head ({@link GPTInference#decodeGreedy}).
 *
 * <p>Run: {@code java --add-modules jdk.incubator.vector -XX:+UseTransparentHugePages -Xmx4g -cp target/classes:target/test-classes
 * dev.scratchllm.bench.DecodeBench [rounds] [124m|355m]} (after {@code mvn -q test-compile}).
 */
public final class DecodeBench {
    static final int PROMPT = 200, NEW = 50, CTX = 256;
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private DecodeBench() {
    }

    /**
     * Runs the benchmark.
     *
     * @param args optional: the number of rounds (default 5) and the model size (124m or 355m)
     */
    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        String size = args.length > 1 ? args[1] : "124m";
        GPTConfig base = size.equals("355m") ? GPTConfig.GPT_CONFIG_355M : GPTConfig.GPT_CONFIG_124M;
        ScratchLLM.manualSeed(123);
        long t0 = System.nanoTime();
        GPTModel model = new GPTModel(base.withContextLength(CTX));
        model.eval();
        System.out.printf(Locale.ROOT, "# model %s built in %.1f s; %s, %d cores%n", size, (System.nanoTime() - t0) / 1e9,
                System.getProperty("java.vm.version"), Runtime.getRuntime().availableProcessors());
        Tensor prompt = ScratchLLM.randint(0, base.vocabSize(), 1, PROMPT);
        int[] promptIds = prompt.squeeze(0).toIntArray();
        Map<WeightFormat, GPTInference> infs = new LinkedHashMap<>();
        for (WeightFormat f : WeightFormat.values()) infs.put(f, new GPTInference(model, f, 1, CTX));
        float[] big = new float[64 << 20];
        Arrays.fill(big, 1f);
        long kvSum = 0; // keys and values read per decode step (float32; Q8_0 caches bfloat16), averaged over the 49 steps
        for (int p = PROMPT + 1; p < PROMPT + NEW; p++) kvSum += 2L * base.nLayers() * p * base.embDim() * 4;
        final long kvBytes = kvSum / (NEW - 1);

        Map<String, List<Double>> res = new LinkedHashMap<>();
        for (int threads : new int[] {1, 2}) {
            Parallel.setNumThreads(threads);
            for (int r = 0; r <= rounds; r++) { // round 0 warms up
                boolean record = r > 0;
                String th = threads + "T ";
                double bw = bandwidth(big);
                if (record) res.computeIfAbsent(th + "bandwidth GB/s", x -> new ArrayList<>()).add(bw);
                List<Runnable> order = new ArrayList<>();
                order.add(() -> {
                    long a = System.nanoTime();
                    TextGeneration.generate(model, prompt, 1, CTX, 0f, null, null, true);
                    long b = System.nanoTime();
                    TextGeneration.generate(model, prompt, NEW, CTX, 0f, null, null, true);
                    long c = System.nanoTime();
                    if (record) {
                        add(res, th + "book prompt tok/s", PROMPT / ((b - a) / 1e9));
                        add(res, th + "book decode tok/s", (NEW - 1) / (((c - b) - (b - a)) / 1e9));
                    }
                });
                for (var e : infs.entrySet()) {
                    order.add(() -> {
                        double[] pd = runInference(e.getValue(), promptIds);
                        if (record) {
                            String n = th + e.getKey() + " ";
                            add(res, n + "prompt tok/s", pd[0]);
                            add(res, n + "decode tok/s", pd[1]);
                            add(res, n + "alloc B/token", pd[2]);
                            add(res, n + "fused-head decode tok/s", pd[3]);
                            long bytes = e.getValue().weightBytesPerToken() + kvBytes / 4 * e.getValue().cache().elementBytes();
                            add(res, n + "fraction of bound", pd[1] / (bw * 1e9 / bytes));
                        }
                    });
                }
                if (r % 2 == 1) java.util.Collections.reverse(order);
                for (Runnable run : order) run.run();
                if (record) System.out.println("{\"round\": " + r + ", \"threads\": " + threads + "}");
            }
        }
        System.out.println("# medians over " + rounds + " rounds; weight bytes per token: "
                + infs.values().stream().map(i -> i.format() + "=" + i.weightBytesPerToken() / 1e6 + " MB").toList()
                + ", KV bytes per token (mean) " + kvBytes / 1e6 + " MB in float32, half in bfloat16 (Q8_0)");
        for (var e : res.entrySet()) {
            List<Double> v = new ArrayList<>(e.getValue());
            v.sort(null);
            System.out.printf(Locale.ROOT, "%-32s median %10.3f   all %s%n", e.getKey(), v.get(v.size() / 2),
                    e.getValue().stream().map(d -> String.format(Locale.ROOT, "%.2f", d)).toList());
        }
    }

    static void add(Map<String, List<Double>> res, String key, double v) {
        res.computeIfAbsent(key, x -> new ArrayList<>()).add(v);
    }

    /** Prompt tok/s, decode tok/s, bytes allocated per decoded token by the calling thread, fused-head decode tok/s. */
    static double[] runInference(GPTInference inf, int[] promptIds) {
        float[] logits = new float[inf.vocabSize()];
        int[] slot = {0}, tok = new int[1];
        inf.reset(0);
        long a = System.nanoTime();
        inf.prefill(0, promptIds, 0, promptIds.length, logits, 0);
        long b = System.nanoTime();
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long alloc0 = mx.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < NEW - 1; i++) {
            tok[0] = argmax(logits);
            inf.decode(1, slot, tok, logits, 0);
        }
        long c = System.nanoTime();
        long alloc = mx.getCurrentThreadAllocatedBytes() - alloc0;
        // the same steps with the greedy pick fused into the output head (no logits row)
        inf.reset(0);
        inf.prefill(0, promptIds, 0, promptIds.length, logits, 0);
        int[] next = {argmax(logits)};
        long d = System.nanoTime();
        for (int i = 0; i < NEW - 1; i++) {
            tok[0] = next[0];
            inf.decodeGreedy(1, slot, tok, next, logits);
        }
        long f = System.nanoTime();
        return new double[] {promptIds.length / ((b - a) / 1e9), (NEW - 1) / ((c - b) / 1e9), (double) alloc / (NEW - 1),
                (NEW - 1) / ((f - d) / 1e9)};
    }

    static int argmax(float[] x) {
        int best = 0;
        for (int i = 1; i < x.length; i++) if (x[i] > x[best]) best = i;
        return best;
    }

    /** Read bandwidth in GB/s: best of 5 sums of the array, split over the worker threads. */
    static double bandwidth(float[] big) {
        double best = 0;
        double[] sink = new double[1];
        for (int rep = 0; rep < 5; rep++) {
            long a = System.nanoTime();
            Parallel.forRange(big.length / 4096, 1, (s, e) -> {
                double t = sumRange(big, s * 4096, (e - s) * 4096);
                synchronized (sink) {
                    sink[0] += t;
                }
            });
            long b = System.nanoTime();
            best = Math.max(best, 4.0 * big.length / (b - a));
        }
        if (sink[0] == 42) System.out.println();
        return best;
    }

    static double sumRange(float[] x, int off, int n) {
        int l = S.length();
        FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
        int i = 0;
        for (; i + 4 * l <= n; i += 4 * l) {
            a0 = a0.add(FloatVector.fromArray(S, x, off + i));
            a1 = a1.add(FloatVector.fromArray(S, x, off + i + l));
            a2 = a2.add(FloatVector.fromArray(S, x, off + i + 2 * l));
            a3 = a3.add(FloatVector.fromArray(S, x, off + i + 3 * l));
        }
        double s = a0.add(a1).add(a2.add(a3)).reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) s += x[off + i];
        return s;
    }
}
