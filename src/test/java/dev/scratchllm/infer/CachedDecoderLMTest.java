package dev.scratchllm.infer;

import dev.scratchllm.LlamaQwenFixtures;
import dev.scratchllm.attention.CachedGeneration;
import dev.scratchllm.attention.RoPEDecoderModel;
import dev.scratchllm.llama.Llama3Weights;
import dev.scratchllm.qwen.Qwen3Weights;
import dev.scratchllm.random.Generator;
import dev.scratchllm.tensor.Tensor;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** CachedDecoderLM (Llama 3 and Qwen3 behind the CausalLM interface) against the models' own cached and uncached generation. */
class CachedDecoderLMTest {
    static List<RoPEDecoderModel<?>> models() throws IOException {
        // the Hugging Face-layout BF16 fixtures whose logits HFCheckpointTest checks against PyTorch (context 32)
        return List.of(Llama3Weights.load(LlamaQwenFixtures.path("hf_llama_tiny"), 0), Qwen3Weights.load(LlamaQwenFixtures.path("hf_qwen_tiny"), 0));
    }

    static Tensor ids(int[] p) {
        long[] l = new long[p.length];
        for (int i = 0; i < p.length; i++) l[i] = p[i];
        return Tensor.ofLongs(l, 1, p.length);
    }

    @Test
    @DisplayName("greedy ids through Decoding = CachedGeneration.generateTextSimple with the KV cache, and without it past the context (sliding window)")
    void greedyEqualsGenerateTextSimple() throws IOException {
        for (RoPEDecoderModel<?> m : models()) {
            int vocab = m.outHead().weight().size(0);
            Decoding dec = new Decoding(new CachedDecoderLM(m, vocab, 1, m.contextLength()));
            int[] prompt = {1, 5, 9, 33, 2};
            int[] want = CachedGeneration.generateTextSimple(m, ids(prompt), 20, true).squeeze(0).toIntArray();
            assertThat(dec.generate(prompt, 20, SamplingParams.GREEDY, null, null)).as(m.getClass().getSimpleName()).containsExactly(want);
            // 40 new tokens after 5 outgrow the context of 32: the book crops to the last 32
            int[] longWant = CachedGeneration.generateTextSimple(m, ids(prompt), 40, false).squeeze(0).toIntArray();
            assertThat(dec.generate(prompt, 40, SamplingParams.GREEDY, null, null)).as(m.getClass().getSimpleName() + " past the context").containsExactly(longWant);
        }
    }

    @Test
    @DisplayName("a batch of prompts in separate slots gives what each gives alone (own caches, own generators)")
    void batchEqualsAlone() throws IOException {
        for (RoPEDecoderModel<?> m : models()) {
            int vocab = m.outHead().weight().size(0);
            Decoding batch = new Decoding(new CachedDecoderLM(m, vocab, 3, 32));
            Decoding alone = new Decoding(new CachedDecoderLM(m, vocab, 1, 32));
            int[][] prompts = {{3}, {4, 5, 6, 7, 8, 9}, {10, 11}};
            SamplingParams p = new SamplingParams(0.9f, 10, 0.95f, 1.1f);
            int[][] got = batch.generate(prompts, 12, p, new Generator[] {new Generator(1), new Generator(2), new Generator(3)}, null);
            for (int i = 0; i < 3; i++)
                assertThat(got[i]).containsExactly(alone.generate(prompts[i], 12, p, new Generator(i + 1), null));
        }
    }

    @Test
    @DisplayName("errors name the op and the sizes")
    void errors() throws IOException {
        RoPEDecoderModel<?> m = models().get(1);
        CachedDecoderLM lm = new CachedDecoderLM(m, 64, 1, 8);
        float[] logits = new float[64];
        assertThatThrownBy(() -> lm.prefill(0, new int[9], 0, 9, logits, 0)).hasMessageContaining("capacity 8");
        assertThatThrownBy(() -> lm.prefill(0, new int[] {64}, 0, 1, logits, 0)).hasMessageContaining("64");
        assertThatThrownBy(() -> new CachedDecoderLM(m, 64, 1, 33)).hasMessageContaining("capacity <= 32");
        lm.prefill(0, new int[] {1, 2}, 0, 2, logits, 0);
        assertThat(lm.length(0)).isEqualTo(2);
        lm.reset(0);
        assertThat(lm.length(0)).isZero();
    }
}
