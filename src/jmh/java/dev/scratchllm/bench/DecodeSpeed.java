package dev.scratchllm.bench;

import dev.scratchllm.ScratchLLM;
import dev.scratchllm.attention.KVCache;
import dev.scratchllm.attention.RoPEDecoderModel;
import dev.scratchllm.infer.RoPEInference;
import dev.scratchllm.infer.WeightFormat;
import dev.scratchllm.llama.Llama3Config;
import dev.scratchllm.llama.Llama3Model;
import dev.scratchllm.qwen.Qwen3Config;
import dev.scratchllm.qwen.Qwen3Model;
import dev.scratchllm.tensor.Tensor;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Decode speed of Llama 3.2 1B and Qwen3 0.6B shapes (random weights, tied heads, float32) with
 * the KV cache: the time of each single-token step after a prompt, in a process that
 * {@code scripts/bench_decode_llama_qwen.py} drives. It reads commands on stdin
 * ({@code run PROMPT_TOKENS NEW_TOKENS [PATH]}) and answers one line with the median step time in
 * milliseconds, so the script can alternate it with PyTorch's timings. PATH is {@code autograd}
 * (the model's own KV-cached forward) or the inference path {@link RoPEInference} in
 * {@code f32} (sharing the model's arrays), {@code bf16} or {@code q8_0} (converted when first
 * asked for); {@code bytes PATH PROMPT_TOKENS} answers the weight and cache bytes one step reads,
 * and {@code bw} the read bandwidth in GB/s ({@link DecodeBench#bandwidth}, a 256 MiB array).
 * Arguments: the model ({@code qwen3-0.6b} or {@code llama3.2-1b}), the thread count, optionally
 * a smaller number of layers (0: all; the blocks keep their real shapes, for machines with too
 * little memory for the whole model) and the default PATH ({@code f32}). Not a unit test: speed
 * is never asserted.
 */
public final class DecodeSpeed {
    private DecodeSpeed() {
    }

    /**
     * Runs the command loop.
     *
     * @param args the model name, the thread count, optionally the number of layers and the default path
     * @throws Exception if reading stdin fails
     */
    public static void main(String[] args) throws Exception {
        String name = args[0];
        ScratchLLM.setNumThreads(Integer.parseInt(args[1]));
        int layers = args.length > 2 ? Integer.parseInt(args[2]) : 0;
        ScratchLLM.manualSeed(123);
        String defaultPath = args.length > 3 ? args[3] : "f32";
        RoPEDecoderModel<?> model;
        long t0 = System.nanoTime();
        if (name.equals("qwen3-0.6b")) {
            Qwen3Config c = Qwen3Config.QWEN_CONFIG_06_B.withContextLength(1024);
            if (layers > 0) c = new Qwen3Config(c.vocabSize(), c.contextLength(), c.embDim(), c.nHeads(), layers, c.hiddenDim(), c.headDim(),
                    c.qkNorm(), c.nKvGroups(), c.ropeBase(), c.numExperts(), c.numExpertsPerTok(), c.moeIntermediateSize());
            Qwen3Model m = new Qwen3Model(c);
            m.tieWeights();
            m.eval();
            model = m;
        } else if (name.equals("llama3.2-1b")) {
            Llama3Config c = Llama3Config.LLAMA32_CONFIG_1B.withContextLength(1024);
            if (layers > 0) c = new Llama3Config(c.vocabSize(), c.contextLength(), c.embDim(), c.nHeads(), layers, c.hiddenDim(), c.nKvGroups(),
                    c.ropeBase(), c.ropeFreq());
            Llama3Model m = new Llama3Model(c);
            m.tieWeights();
            m.eval();
            model = m;
        } else throw new IllegalArgumentException("DecodeSpeed: unknown model " + name);
        System.out.println("ready " + name + " built in " + (System.nanoTime() - t0) / 1e9 + " s");
        System.out.flush();
        Map<String, RoPEInference> infs = new HashMap<>();
        float[] big = null;
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
        for (String line; (line = in.readLine()) != null; ) {
            String[] f = line.trim().split("\\s+");
            if (f[0].equals("bw")) {
                if (big == null) big = new float[64 << 20];
                System.out.println(DecodeBench.bandwidth(big));
                System.out.flush();
                continue;
            }
            if (f[0].equals("bytes")) {
                RoPEInference inf = inference(infs, model, f[1]);
                long kv = 2L * inf.cache().layers() * inf.cache().kvDim() * inf.cache().elementBytes() * Integer.parseInt(f[2]);   // keys and values read
                System.out.println(inf.weightBytesPerToken() + kv);
                System.out.flush();
                continue;
            }
            if (!f[0].equals("run")) break;
            int prompt = Integer.parseInt(f[1]), steps = Integer.parseInt(f[2]);
            String path = f.length > 3 ? f[3] : defaultPath;
            long[] ids = new long[prompt];
            for (int i = 0; i < prompt; i++) ids[i] = (i * 7919L) % 100_000;
            double[] ms = new double[steps];
            if (!path.equals("autograd")) {
                RoPEInference inf = inference(infs, model, path);
                int[] p = new int[prompt];
                for (int i = 0; i < prompt; i++) p[i] = (int) ids[i];
                int v = inf.vocabSize();
                float[] logits = new float[v];
                int[] slot = {0}, tok = new int[1];
                inf.reset(0);
                inf.prefill(0, p, 0, prompt, logits, 0);
                for (int s = 0; s < steps; s++) {
                    long a = System.nanoTime();
                    int best = 0;
                    for (int i = 1; i < v; i++) if (logits[i] > logits[best]) best = i;
                    tok[0] = best;
                    inf.decode(1, slot, tok, logits, 0);
                    ms[s] = (System.nanoTime() - a) / 1e6;
                }
            } else try (var g = Tensor.noGrad()) {
                KVCache cache = model.newCache();
                Tensor logits = model.forward(Tensor.ofLongs(ids, 1, prompt), cache);
                for (int s = 0; s < steps; s++) {
                    long a = System.nanoTime();
                    Tensor next = logits.select(1, logits.size(1) - 1).argmax(-1, true); // (1, 1)
                    logits = model.forward(next, cache);
                    ms[s] = (System.nanoTime() - a) / 1e6;
                }
            }
            Arrays.sort(ms);
            System.out.println(ms[steps / 2]);
            System.out.flush();
        }
    }

    private static RoPEInference inference(Map<String, RoPEInference> infs, RoPEDecoderModel<?> model, String path) {
        WeightFormat fmt = WeightFormat.valueOf(path.toUpperCase(Locale.ROOT));
        return infs.computeIfAbsent(path, p -> new RoPEInference(model, fmt, 1, model.contextLength()));
    }
}
