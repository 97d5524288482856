package dev.scratchllm.infer;

import dev.scratchllm.LlamaQwenFixtures;
import dev.scratchllm.ScratchLLM;
import dev.scratchllm.attention.CachedGeneration;
import dev.scratchllm.attention.RoPEDecoderModel;
import dev.scratchllm.io.Safetensors;
import dev.scratchllm.kernels.Parallel;
import dev.scratchllm.llama.Llama3Config;
import dev.scratchllm.llama.Llama3Model;
import dev.scratchllm.llama.Llama3Weights;
import dev.scratchllm.qwen.Qwen3Config;
import dev.scratchllm.qwen.Qwen3Model;
import dev.scratchllm.qwen.Qwen3Weights;
import dev.scratchllm.tensor.Tensor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Llama 3 and Qwen3 (dense, tied and untied, and mixture-of-experts) on the inference path against
 * the PyTorch reference's fixtures and our autograd model: prefill and per-step decode logits
 * within 1e-5 of PyTorch's, greedy ids equal to PyTorch's and to {@link CachedGeneration}'s
 * (cached and uncached), batched slots equal to one at a time, BF16 and Q8_0 within a stated
 * distance of float32, {@link RoPEInference#load} equal to the loaders followed by the
 * constructor, and bad checkpoints refused naming the file and the tensor.
 */
class RoPEInferenceTest {
    private final int savedThreads = Parallel.numThreads();

    @AfterEach
    void restore() {
        Parallel.setNumThreads(savedThreads);
    }

    /** The fixture's model with its seeded initial weights (bit-identical to PyTorch's, see the model tests). */
    static RoPEDecoderModel<?> fixtureModel(String name, Safetensors.Contents c) {
        ScratchLLM.manualSeed(123);
        RoPEDecoderModel<?> m;
        if (name.startsWith("llama")) {
            m = new Llama3Model(LlamaQwenFixtures.llamaConfig(c.metadata().get("config")));
            if (name.endsWith("_tied")) m.tieWeights();
        } else {
            m = new Qwen3Model(LlamaQwenFixtures.qwenConfig(c.metadata().get("config")));
            if (name.equals("qwen_tiny")) m.tieWeights();
        }
        m.eval();
        return m;
    }

    static int[] row(Tensor t, int r) {
        long[] l = t.select(0, r).toLongArray();
        int[] out = new int[l.length];
        for (int i = 0; i < l.length; i++) out[i] = (int) l[i];
        return out;
    }

    static Tensor ids(int[] p) {
        long[] l = new long[p.length];
        for (int i = 0; i < p.length; i++) l[i] = p[i];
        return Tensor.ofLongs(l, 1, p.length);
    }

    /** |got − want[row]| ≤ tol for every logit. */
    static double assertRow(float[] got, float[] all, int row, double tol, String what) {
        int v = got.length;
        double max = 0;
        for (int i = 0; i < v; i++) {
            double d = Math.abs(got[i] - all[row * v + i]);
            if (!(d <= tol)) fail(what + ": logit " + i + " is " + got[i] + ", expected " + all[row * v + i] + " (|diff| " + d + " > " + tol + ")");
            max = Math.max(max, d);
        }
        return max;
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"llama_tiny", "llama_tiny_tied", "qwen_tiny", "qwen_tiny_untied", "qwen_moe_tiny"})
    @DisplayName("Prefill and decode logits within 1e-5 of PyTorch's at every step (both rows, 1 and 2 threads); greedy ids equal PyTorch's and CachedGeneration's")
    void matchesPyTorch(String name) {
        Safetensors.Contents c = LlamaQwenFixtures.read(name + ".safetensors");
        Map<String, Tensor> f = c.tensors();
        RoPEDecoderModel<?> model = fixtureModel(name, c);
        Tensor input = f.get("input_ids");                                    // (2, 10)
        int vocab = model.tokEmb().weight().size(0), len = input.size(1);
        for (int threads : new int[] {1, 2}) {
            Parallel.setNumThreads(threads);
            RoPEInference inf = new RoPEInference(model, WeightFormat.F32, 2, 16);
            float[] logits = new float[vocab];
            double max = 0;
            for (int b = 0; b < 2; b++) {
                float[] want = f.get("logits").select(0, b).contiguousData();  // (10, vocab), PyTorch
                float[] ours;
                try (var g = Tensor.noGrad()) {
                    ours = model.forward(input.narrow(0, b, 1)).contiguousData(); // the autograd model
                }
                int[] seq = row(input, b);
                inf.prefill(b, seq, 0, 4, logits, 0);
                max = Math.max(max, assertRow(logits, want, 3, 1e-5, name + " prefill row " + b));
                assertRow(logits, ours, 3, 1e-5, name + " prefill vs model");
                for (int t = 4; t < len; t++) {
                    inf.decode(1, new int[] {b}, new int[] {seq[t]}, logits, 0);
                    max = Math.max(max, assertRow(logits, want, t, 1e-5, name + " decode row " + b + " at " + t));
                    assertRow(logits, ours, t, 1e-5, name + " decode vs model at " + t);
                }
                assertThat(inf.length(b)).isEqualTo(len);
            }
            System.out.printf("%s, %d threads: max |logits - PyTorch| = %.2e%n", name, threads, max);
        }

        Parallel.setNumThreads(1);
        RoPEInference inf = new RoPEInference(model);
        Decoding dec = new Decoding(inf);
        Tensor prompts = f.get("greedy_prompt"), greedy = f.get("greedy_ids");  // (2, 4), (2, 12)
        for (int b = 0; b < 2; b++) {
            int[] prompt = row(prompts, b);
            inf.reset(0);
            int[] out = dec.generate(prompt, 8, SamplingParams.GREEDY, null, null);
            assertThat(out).as(name + " greedy vs PyTorch").containsExactly(row(greedy, b));
            assertThat(out).as("vs cached generate").containsExactly(row(CachedGeneration.generateTextSimple(model, ids(prompt), 8, true), 0));
            assertThat(out).as("vs uncached generate").containsExactly(row(CachedGeneration.generateTextSimple(model, ids(prompt), 8, false), 0));
        }
        assertThatThrownBy(() -> inf.prefill(0, new int[] {vocab}, 0, 1, new float[vocab], 0)).hasMessageContaining("token id " + vocab);
        inf.reset(0);
        int cap = inf.capacity();
        assertThatThrownBy(() -> inf.prefill(0, new int[cap + 1], 0, cap + 1, new float[vocab], 0)).hasMessageContaining("capacity");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"llama_tiny", "qwen_tiny", "qwen_moe_tiny"})
    @DisplayName("Prompts of different lengths decoded together (Decoding, 3 slots) give each prompt's tokens and logits alone, bit for bit; a prompt longer than a prefill chunk too")
    void batchedEqualsAlone(String name) {
        Safetensors.Contents c = LlamaQwenFixtures.read(name + ".safetensors");
        RoPEDecoderModel<?> model = fixtureModel(name, c);
        int[][] prompts = {{3, 9, 27}, {50, 1, 2, 3, 4, 5, 6}, {63}};
        RoPEInference batch = new RoPEInference(model, WeightFormat.F32, 3, 32);
        int[][] together = new Decoding(batch).generate(prompts, 12, SamplingParams.GREEDY, null, null);
        for (int i = 0; i < prompts.length; i++) {
            RoPEInference one = new RoPEInference(model, WeightFormat.F32, 1, 32);
            assertThat(together[i]).as("prompt " + i).containsExactly(new Decoding(one).generate(prompts[i], 12, SamplingParams.GREEDY, null, null));
            assertThat(together[i]).as("prompt " + i + " vs cached generate")
                    .containsExactly(row(CachedGeneration.generateTextSimple(model, ids(prompts[i]), 12, true), 0));
        }
        // the decode step of a batch gives the same bits as the step alone
        RoPEInference a = new RoPEInference(model, WeightFormat.F32, 2, 32), b = new RoPEInference(model, WeightFormat.F32, 1, 32);
        int vocab = a.vocabSize();
        float[] la = new float[2 * vocab], lb = new float[vocab];
        a.prefill(0, prompts[0], 0, 3, la, 0);
        a.prefill(1, prompts[1], 0, 7, la, vocab);
        b.prefill(0, prompts[1], 0, 7, lb, 0);
        a.decode(2, new int[] {0, 1}, new int[] {11, 12}, la, 0);
        b.decode(1, new int[] {0}, new int[] {12}, lb, 0);
        for (int i = 0; i < vocab; i++) assertThat(la[vocab + i]).as("logit " + i).isEqualTo(lb[i]);
    }

    @Test
    @DisplayName("A prompt longer than the prefill chunk (300 tokens, chunks of 256) gives the logits of the autograd model within 1e-5")
    void longPromptInChunks() {
        ScratchLLM.manualSeed(5);
        Qwen3Model model = new Qwen3Model(Qwen3Config.dense(64, 320, 32, 4, 1, 48, 8, true, 2, 1_000_000.0));
        model.eval();
        int[] seq = new int[300];
        for (int i = 0; i < seq.length; i++) seq[i] = (i * 37 + 11) % 64;
        RoPEInference inf = new RoPEInference(model, WeightFormat.F32, 1, 310);
        float[] logits = new float[64];
        inf.prefill(0, seq, 0, 300, logits, 0);
        float[] want;
        try (var g = Tensor.noGrad()) {
            want = model.forward(ids(seq)).contiguousData();
        }
        assertRow(logits, want, 299, 1e-5, "300-token prompt");
    }

    /** Models whose matrices all have row lengths that are multiples of 32 (for Q8_0). */
    static RoPEDecoderModel<?> q8Model(String arch) {
        ScratchLLM.manualSeed(42);
        RoPEDecoderModel<?> m = switch (arch) {
            case "llama" -> new Llama3Model(new Llama3Config(96, 64, 64, 4, 2, 128, 2, 500_000.0, null));
            case "qwen" -> new Qwen3Model(Qwen3Config.dense(96, 64, 64, 2, 2, 96, 32, true, 1, 1_000_000.0));
            default -> new Qwen3Model(new Qwen3Config(96, 64, 64, 2, 2, 0, 32, true, 1, 1_000_000.0, 4, 2, 32));
        };
        m.tieWeights();
        m.eval();
        return m;
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"llama", "qwen", "qwen-moe"})
    @DisplayName("BF16 within 0.3% and Q8_0 within 1% of the largest |logit| of float32's (measured: 0.09–0.12% and 0.28–0.37%), prefill and 6 decode steps")
    void quantizedFormats(String arch) {
        RoPEDecoderModel<?> model = q8Model(arch);
        int[] seq = {1, 7, 19, 44, 90, 3, 3, 61, 5, 28};
        RoPEInference f32 = new RoPEInference(model, WeightFormat.F32, 1, 32);
        int vocab = f32.vocabSize();
        float[] ref = new float[seq.length * vocab], l = new float[vocab];
        f32.prefill(0, seq, 0, 4, ref, 3 * vocab);
        for (int t = 4; t < seq.length; t++) f32.decode(1, new int[] {0}, new int[] {seq[t]}, ref, t * vocab);
        double scale = 0;                                                          // the largest |logit| of float32
        for (int i = 3 * vocab; i < ref.length; i++) scale = Math.max(scale, Math.abs(ref[i]));
        for (WeightFormat fmt : new WeightFormat[] {WeightFormat.BF16, WeightFormat.Q8_0}) {
            double tol = (fmt == WeightFormat.BF16 ? 3e-3 : 1e-2) * scale, max = 0;
            RoPEInference inf = new RoPEInference(model, fmt, 1, 32);
            assertThat(inf.weightBytesPerToken()).isLessThan(f32.weightBytesPerToken() / (fmt == WeightFormat.BF16 ? 1 : 3) + 1);
            inf.prefill(0, seq, 0, 4, l, 0);
            max = Math.max(max, assertRow(l, ref, 3, tol, arch + " " + fmt + " prefill"));
            for (int t = 4; t < seq.length; t++) {
                inf.decode(1, new int[] {0}, new int[] {seq[t]}, l, 0);
                max = Math.max(max, assertRow(l, ref, t, tol, arch + " " + fmt + " decode at " + t));
            }
            System.out.printf("%s %s: max |logits - float32| = %.2e, %.2e of the largest |logit| %.2f%n", arch, fmt, max, max / scale, scale);
        }
    }

    private static final Map<String, Tensor> HF_LOGITS = LlamaQwenFixtures.read("hf_logits.safetensors").tensors();

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"hf_llama_tiny", "hf_qwen_tiny", "hf_qwen_moe_tiny"})
    @DisplayName("load(hfDir) gives the bits of Llama3Weights/Qwen3Weights.load then the constructor (F32 and BF16), and PyTorch's logits within 1e-5")
    void loadEqualsLoaderThenConstructor(String name) throws IOException {
        Path dir = LlamaQwenFixtures.path(name);
        RoPEDecoderModel<?> model = name.contains("llama") ? Llama3Weights.load(dir, 0) : Qwen3Weights.load(dir, 0);
        Tensor input = HF_LOGITS.get(name + ".input_ids");                         // (2, 9)
        float[] want = HF_LOGITS.get(name + ".logits").select(0, 1).contiguousData();
        int[] seq = row(input, 1);
        for (WeightFormat fmt : new WeightFormat[] {WeightFormat.F32, WeightFormat.BF16}) {
            RoPEInference first = RoPEInference.load(dir, fmt, 1, 16), built = new RoPEInference(model, fmt, 1, 16);
            assertThat(first.parameterCount()).as("parameter count").isEqualTo(model.numParameters());
            first.prefill(0, seq, 0, 3, new float[first.vocabSize()], 0);   // a sibling has its own cache: this must not matter
            RoPEInference loaded = first.sibling(1, 16);
            assertThat(loaded.weightBytesPerToken()).isEqualTo(built.weightBytesPerToken());
            int vocab = loaded.vocabSize();
            float[] a = new float[vocab], b = new float[vocab];
            loaded.prefill(0, seq, 0, 5, a, 0);
            built.prefill(0, seq, 0, 5, b, 0);
            assertThat(a).as(fmt + " prefill").containsExactly(b);
            assertRow(a, want, 4, 1e-5, name + " " + fmt + " prefill vs PyTorch");
            for (int t = 5; t < seq.length; t++) {
                loaded.decode(1, new int[] {0}, new int[] {seq[t]}, a, 0);
                built.decode(1, new int[] {0}, new int[] {seq[t]}, b, 0);
                assertThat(a).as(fmt + " decode at " + t).containsExactly(b);
                assertRow(a, want, t, 1e-5, name + " " + fmt + " decode vs PyTorch at " + t);
            }
        }
        // the fixtures' row lengths (48, 16) are not multiples of 32: Q8_0 says which tensor
        assertThatThrownBy(() -> RoPEInference.load(dir, WeightFormat.Q8_0, 1, 16)).isInstanceOf(IOException.class)
                .hasMessageContaining(".safetensors: tensor \"model.").hasMessageContaining("not a multiple of 32");
        assertThatThrownBy(() -> RoPEInference.load(dir, WeightFormat.F32, 1, 33)).isInstanceOf(IOException.class)
                .hasMessageContaining("config.json").hasMessageContaining("capacity 33");
    }

    @Test
    @DisplayName("Missing, mis-shaped and unexpected tensors are refused naming the file and the tensor; a sharded Llama's shard is named")
    void badFiles(@TempDir Path tmp) throws IOException {
        Path d1 = LlamaQwenFixtures.copy("hf_qwen_moe_tiny", tmp.resolve("a"));
        LlamaQwenFixtures.rewrite(d1.resolve("model.safetensors"), t -> t.remove("model.layers.1.mlp.experts.3.down_proj.weight"));
        assertThatThrownBy(() -> RoPEInference.load(d1, WeightFormat.BF16, 1, 8)).isInstanceOf(IOException.class)
                .hasMessageContaining("hf_qwen_moe_tiny").hasMessageContaining("missing tensor \"model.layers.1.mlp.experts.3.down_proj.weight\"")
                .hasMessageContaining("trf_blocks.1.ff.fc3.3.weight");

        Path d2 = LlamaQwenFixtures.copy("hf_qwen_tiny", tmp.resolve("b"));
        LlamaQwenFixtures.rewrite(d2.resolve("model.safetensors"), t -> t.put("model.layers.0.self_attn.k_proj.weight", Tensor.zeros(40, 32)));
        assertThatThrownBy(() -> RoPEInference.load(d2, WeightFormat.F32, 1, 8)).isInstanceOf(IOException.class)
                .hasMessageContaining("model.safetensors").hasMessageContaining("\"model.layers.0.self_attn.k_proj.weight\" has shape [40, 32], expected [24, 32]");

        // readBF16: the raw halves of a BF16 tensor, and a clear refusal for another dtype (the rewrite stored F32)
        try (var ck = dev.scratchllm.io.HFCheckpoint.open(LlamaQwenFixtures.path("hf_qwen_tiny"))) {
            short[] raw = ck.readBF16("model.norm.weight");
            float[] wide = ck.read("model.norm.weight").contiguousData();
            for (int i = 0; i < raw.length; i++) assertThat(dev.scratchllm.kernels.ScalarDecodeKernels.bf16ToFloat(raw[i])).isEqualTo(wide[i]);
        }
        try (var ck = dev.scratchllm.io.HFCheckpoint.open(d2)) {
            assertThatThrownBy(() -> ck.readBF16("model.layers.0.self_attn.k_proj.weight")).isInstanceOf(IOException.class)
                    .hasMessageContaining("model.safetensors").hasMessageContaining("\"model.layers.0.self_attn.k_proj.weight\" has dtype F32, expected BF16");
        }

        Path d3 = LlamaQwenFixtures.copy("hf_qwen_tiny", tmp.resolve("c"));
        LlamaQwenFixtures.rewrite(d3.resolve("model.safetensors"), t -> t.put("model.layers.0.mlp.extra.weight", Tensor.zeros(2)));
        assertThatThrownBy(() -> RoPEInference.load(d3, WeightFormat.F32, 1, 8)).isInstanceOf(IOException.class)
                .hasMessageContaining("model.safetensors").hasMessageContaining("unexpected tensor \"model.layers.0.mlp.extra.weight\"");

        Path d4 = LlamaQwenFixtures.copy("hf_llama_tiny", tmp.resolve("d"));
        Path shard = d4.resolve("model-00002-of-00002.safetensors");
        String victim = Safetensors.read(shard).keySet().iterator().next();
        LlamaQwenFixtures.rewrite(shard, t -> t.put(victim, Tensor.zeros(3, 3)));
        assertThatThrownBy(() -> RoPEInference.load(d4, WeightFormat.BF16, 1, 8)).isInstanceOf(IOException.class)
                .hasMessageContaining("model-00002-of-00002.safetensors").hasMessageContaining("\"" + victim + "\" has shape [3, 3]");
    }
}
