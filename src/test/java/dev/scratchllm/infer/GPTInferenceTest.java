package dev.scratchllm.infer;

import dev.scratchllm.ScratchLLM;
import dev.scratchllm.gpt.GPTConfig;
import dev.scratchllm.gpt.GPTModel;
import dev.scratchllm.gpt.Generation;
import dev.scratchllm.kernels.Parallel;
import dev.scratchllm.random.Generator;
import dev.scratchllm.tensor.Tensor;
import dev.scratchllm.train.TextGeneration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The inference path against the book's path on small seeded models: the same greedy tokens as
 * the cache-free {@code generate_text_simple} (also past the context window, where the window
 * slides), the same seeded samples as {@link TextGeneration#generate} (temperature and top-k
 * draws, which match PyTorch's), logits equal to {@code model(idx)}'s last rows, and batches of
 * prompts of different lengths giving what each prompt gives alone.
 */
class GPTInferenceTest {
    private final int savedThreads = Parallel.numThreads();

    @AfterEach
    void restore() {
        Parallel.setNumThreads(savedThreads);
    }

    /** 101 tokens, context 24, emb 40 (4 heads of 10: vector tails everywhere), 2 layers, qkv bias. */
    static GPTModel smallModel(boolean qkvBias) {
        ScratchLLM.manualSeed(123);
        GPTModel m = new GPTModel(new GPTConfig(101, 24, 40, 4, 2, 0.1, qkvBias));
        m.eval();
        return m;
    }

    static int[] ints(Tensor t) {
        return t.dim() == 2 ? t.squeeze(0).toIntArray() : t.toIntArray();
    }

    static Tensor ids(int[] p) {
        long[] l = new long[p.length];
        for (int i = 0; i < p.length; i++) l[i] = p[i];
        return Tensor.ofLongs(l, 1, p.length);
    }

    @Test
    void logitsEqualTheModelsLastRows() {
        GPTModel model = smallModel(true);
        GPTInference inf = new GPTInference(model);
        int[] seq = {5, 17, 99, 0, 42, 42, 7, 64, 3, 88, 12};
        float[] logits = new float[101];
        Tensor full;
        try (var g = dev.scratchllm.autograd.GradMode.noGrad()) {
            full = model.forward(ids(seq)); // (1, 11, 101)
        }
        float[] want = full.contiguousData();
        inf.prefill(0, seq, 0, 6, logits, 0);
        assertClose(logits, want, 5, "prefill of 6");
        for (int t = 6; t < seq.length; t++) {
            inf.decode(1, new int[] {0}, new int[] {seq[t]}, logits, 0);
            assertClose(logits, want, t, "decode at " + t);
        }
        assertThat(inf.length(0)).isEqualTo(seq.length);
        assertThatThrownBy(() -> inf.prefill(0, new int[30], 0, 30, logits, 0)).hasMessageContaining("capacity");
        assertThatThrownBy(() -> inf.decode(1, new int[] {0}, new int[] {101}, logits, 0)).hasMessageContaining("101");
    }

    static void assertClose(float[] got, float[] all, int row, String what) {
        int v = got.length;
        for (int i = 0; i < v; i++) {
            float want = all[row * v + i];
            if (Math.abs(got[i] - want) > 1e-4f * (1 + Math.abs(want)))
                fail(what + ": logit " + i + " got " + got[i] + ", want " + want);
        }
    }

    @Test
    void greedyTokensEqualGenerateTextSimpleAlsoPastTheContext() {
        for (int threads : new int[] {1, 2}) {
            Parallel.setNumThreads(threads);
            for (boolean bias : new boolean[] {false, true}) {
                GPTModel model = smallModel(bias);
                Decoding dec = new Decoding(new GPTInference(model));
                for (int[] prompt : new int[][] {{7}, {1, 2, 3, 4, 5, 6}, new int[30]}) {
                    int[] want = ints(Generation.generateTextSimple(model, ids(prompt), 30, 24)); // 30 new > context 24
                    int[] got = dec.generate(prompt, 30, SamplingParams.GREEDY, null, null);
                    assertThat(got).as("threads=%d bias=%b prompt=%d", threads, bias, prompt.length).containsExactly(want);
                }
            }
        }
    }

    @Test
    void aSmallerContextSizeCropsLikeTheBook() {
        GPTModel model = smallModel(false);
        Decoding dec = new Decoding(new GPTInference(model, WeightFormat.F32, 1, 10));
        int[] prompt = {3, 1, 4, 1, 5, 9, 2, 6};
        int[] want = ints(TextGeneration.generate(model, ids(prompt), 20, 10, 0f, null, null, false));
        assertThat(dec.generate(prompt, 20, SamplingParams.GREEDY, null, null)).containsExactly(want);
    }

    @Test
    void seededSamplingEqualsTheBooksGenerate() {
        GPTModel model = smallModel(false);
        Decoding dec = new Decoding(new GPTInference(model));
        int[] prompt = {11, 22, 33};
        for (Integer topK : new Integer[] {null, 5}) {
            for (float temp : new float[] {0.7f, 1.4f}) {
                ScratchLLM.manualSeed(7);
                int[] want = ints(TextGeneration.generate(model, ids(prompt), 30, 24, temp, topK, null, true));
                ScratchLLM.manualSeed(7);
                int[] got = dec.generate(prompt, 30, SamplingParams.of(temp, topK), Generator.defaultGenerator(), null);
                assertThat(got).as("T=%s top_k=%s", temp, topK).containsExactly(want);
            }
        }
    }

    @Test
    void stopsBeforeTheEosTokenLikeTheBook() {
        GPTModel model = smallModel(false);
        Decoding dec = new Decoding(new GPTInference(model));
        int[] prompt = {11, 22, 33};
        int[] free = dec.generate(prompt, 12, SamplingParams.GREEDY, null, null);
        long eos = free[prompt.length + 4];
        int[] want = ints(TextGeneration.generate(model, ids(prompt), 12, 24, 0f, null, eos, true));
        assertThat(dec.generate(prompt, 12, SamplingParams.GREEDY, null, (int) eos)).containsExactly(want);
        assertThat(want.length).isLessThanOrEqualTo(prompt.length + 4);
    }

    @Test
    void aBatchOfPromptsGivesWhatEachGivesAlone() {
        for (int threads : new int[] {1, 2}) {
            Parallel.setNumThreads(threads);
            GPTModel model = smallModel(true);
            Decoding batch = new Decoding(new GPTInference(model, WeightFormat.F32, 4, 24));
            Decoding alone = new Decoding(new GPTInference(model, WeightFormat.F32, 1, 24));
            int[][] prompts = {{5}, {1, 2, 3, 4, 5, 6, 7}, {9, 9, 9, 9}, new int[20]};
            for (SamplingParams p : new SamplingParams[] {SamplingParams.GREEDY, new SamplingParams(1.1f, 8, 0.9f, 1.2f)}) {
                Generator[] rngs = new Generator[4];
                for (int i = 0; i < 4; i++) rngs[i] = new Generator(100 + i);
                int[][] got = batch.generate(prompts, 15, p, rngs, 50);
                for (int i = 0; i < 4; i++) {
                    int[] want = alone.generate(prompts[i], 15, p, new Generator(100 + i), 50);
                    assertThat(got[i]).as("threads=%d %s prompt %d", threads, p, i).containsExactly(want);
                }
            }
        }
    }

    @Test
    void quantizedWeightsStayNearFloat32() {
        // emb 64 and 4·64: rows are whole Q8_0 blocks
        ScratchLLM.manualSeed(123);
        GPTModel model = new GPTModel(new GPTConfig(101, 24, 64, 4, 2, 0.1, true));
        model.eval();
        int[] seq = {5, 17, 99, 0, 42, 42, 7, 64, 3, 88, 12};
        float[] ref = new float[101], got = new float[101];
        new GPTInference(model).prefill(0, seq, 0, seq.length, ref, 0);
        double rms = 0;
        for (float v : ref) rms += v * v;
        rms = Math.sqrt(rms / ref.length);
        for (WeightFormat f : new WeightFormat[] {WeightFormat.BF16, WeightFormat.Q8_0}) {
            GPTInference inf = new GPTInference(model, f, 1, 24);
            inf.prefill(0, seq, 0, seq.length, got, 0);
            double err = 0;
            for (int i = 0; i < ref.length; i++) err = Math.max(err, Math.abs(got[i] - ref[i]));
            // bf16 keeps 8 significant bits (relative error ≤ 2^-9 per weight), Q8_0 about 7
            assertThat(err / rms).as("%s max error / rms", f).isLessThan(0.03).isGreaterThan(0);
            assertThat(inf.weightBytesPerToken()).isEqualTo(f == WeightFormat.BF16
                    ? new GPTInference(model).weightBytesPerToken() / 2
                    : new GPTInference(model).weightBytesPerToken() / 4 * 9 / 8);
        }
        assertThatThrownBy(() -> new GPTInference(smallModel(false), WeightFormat.Q8_0, 1, 24)).hasMessageContaining("multiple of 32");
    }

    /** emb 64 (rows are whole Q8_0 blocks), vocab 200: the fused head has 4 chunks, the last one partial. */
    static GPTModel blockModel() {
        ScratchLLM.manualSeed(321);
        GPTModel m = new GPTModel(new GPTConfig(200, 24, 64, 4, 2, 0.1, true));
        m.eval();
        return m;
    }

    @Test
    void theFusedGreedyHeadPicksTheUnfusedTokens() {
        GPTModel model = blockModel();
        int[][] prompts = {{5}, {1, 2, 3, 4, 5, 6, 7}, {9, 9, 9, 9}};
        for (int threads : new int[] {1, 2}) {
            Parallel.setNumThreads(threads);
            for (WeightFormat f : WeightFormat.values()) {
                GPTInference inf = new GPTInference(model, f, 3, 24);
                // step by step: decodeGreedy's ids against the arg-max of decode's logits, on two copies of the state
                GPTInference ref = new GPTInference(model, f, 3, 24);
                float[] logits = new float[3 * 200], scratch = new float[3 * 200];
                int[] slots = {0, 1, 2}, tok = new int[3], next = new int[3];
                for (int i = 0; i < 3; i++) {
                    inf.prefill(i, prompts[i], 0, prompts[i].length, logits, 0);
                    ref.prefill(i, prompts[i], 0, prompts[i].length, logits, 200 * i);
                    tok[i] = Sampler.argmax(logits, 200 * i, 200);
                }
                java.util.Arrays.fill(scratch, Float.NaN); // the fused path must not read it
                for (int step = 0; step < 10; step++) {
                    inf.decodeGreedy(3, slots, tok, next, scratch);
                    ref.decode(3, slots, tok, logits, 0);
                    for (int i = 0; i < 3; i++) {
                        assertThat(next[i]).as("threads=%d %s step %d row %d", threads, f, step, i)
                                .isEqualTo(Sampler.argmax(logits, 200 * i, 200));
                        tok[i] = next[i];
                    }
                }
                // through the generation loop, batched
                Decoding fused = new Decoding(new GPTInference(model, f, 3, 24));
                Decoding plain = new Decoding(new GPTInference(model, f, 3, 24)).fuseGreedy(false);
                int[][] a = fused.generate(prompts, 30, SamplingParams.GREEDY, null, null); // past the context: windows slide
                int[][] b = plain.generate(prompts, 30, SamplingParams.GREEDY, null, null);
                for (int i = 0; i < 3; i++) assertThat(a[i]).as("threads=%d %s prompt %d", threads, f, i).containsExactly(b[i]);
            }
        }
    }

    @Test
    void aDecodeStepAllocatesNothing() {
        org.junit.jupiter.api.Assumptions.assumeTrue(dev.scratchllm.kernels.DecodeKernels.get().name().equals("simd"),
                "needs --add-modules jdk.incubator.vector (the scalar reference attention allocates its scores)");
        var mx = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        org.junit.jupiter.api.Assumptions.assumeTrue(mx.isThreadAllocatedMemorySupported() && mx.isThreadAllocatedMemoryEnabled(),
                "this JVM does not count allocated bytes per thread");
        GPTModel model = blockModel();
        for (int threads : new int[] {1, 2}) for (WeightFormat f : WeightFormat.values()) {
            Parallel.setNumThreads(threads); // on 2, the calling thread's bytes: Parallel's hand-offs included
            GPTInference inf = new GPTInference(model, f, 4, 24);
            float[] logits = new float[4 * 200];
            int[] prompt = {3, 1, 4, 1, 5}, slots = {0, 1, 2, 3}, tok = {7, 8, 9, 10}, next = new int[4];
            // Until C2 has compiled the kernels, the Vector API runs as plain Java and boxes every
            // vector; a round of 18 steps (both entry points; 1, 2 and 4 sequences, the last on the
            // four-vector loops; slot 0 then holds 5 + 18 of its 24 positions) must then allocate nothing.
            long least = Long.MAX_VALUE;
            for (int round = 0; round < 3000 && least > 0; round++) {
                for (int s = 0; s < 4; s++) {
                    inf.reset(s);
                    inf.prefill(s, prompt, 0, prompt.length, logits, 0);
                }
                long before = mx.getCurrentThreadAllocatedBytes();
                for (int step = 0; step < 3; step++) {
                    inf.decode(1, slots, tok, logits, 0);
                    inf.decodeGreedy(1, slots, tok, next, logits);
                    inf.decode(2, slots, tok, logits, 0);
                    inf.decodeGreedy(2, slots, tok, next, logits);
                    inf.decode(4, slots, tok, logits, 0);
                    inf.decodeGreedy(4, slots, tok, next, logits);
                }
                least = Math.min(least, mx.getCurrentThreadAllocatedBytes() - before);
            }
            assertThat(least).as("%s on %d threads: fewest bytes allocated by a round of 18 decode steps", f, threads).isZero();
        }
    }

    @Test
    void aSiblingSharesTheConvertedWeightsAndComputesLikeAFreshInstance() {
        GPTModel model = smallModel(true);
        GPTInference first = new GPTInference(model, WeightFormat.BF16, 1, 24);
        int[] prompt = {5, 17, 99, 3, 42, 7};
        first.prefill(0, prompt, 0, 4, new float[first.vocabSize()], 0); // the first one's cache must not matter
        GPTInference sib = first.sibling(1, 24), fresh = new GPTInference(model, WeightFormat.BF16, 1, 24);
        assertThat(sib.parameters().get("out_head.weight")).isSameAs(first.parameters().get("out_head.weight"));
        assertThat(fresh.parameters().get("out_head.weight")).isNotSameAs(first.parameters().get("out_head.weight"));
        assertThat(sib.length(0)).isZero();
        float[] a = new float[sib.vocabSize()], b = new float[sib.vocabSize()];
        sib.prefill(0, prompt, 0, 5, a, 0);
        fresh.prefill(0, prompt, 0, 5, b, 0);
        assertThat(a).containsExactly(b);
        sib.decode(1, new int[] {0}, new int[] {prompt[5]}, a, 0);
        fresh.decode(1, new int[] {0}, new int[] {prompt[5]}, b, 0);
        assertThat(a).containsExactly(b);
        assertThatThrownBy(() -> first.sibling(1, 25)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("capacity");
    }
}
