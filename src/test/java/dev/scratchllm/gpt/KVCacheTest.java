package dev.scratchllm.gpt;

import dev.scratchllm.ScratchLLM;
import dev.scratchllm.tensor.Tensor;
import dev.scratchllm.train.TextGeneration;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class KVCacheTest {
    static GPTModel tiny(boolean qkvBias) {
        ScratchLLM.manualSeed(11);
        GPTModel m = new GPTModel(new GPTConfig(97, 24, 32, 4, 3, 0.1, qkvBias));
        m.eval();
        return m;
    }

    @Test
    void cachedLogitsEqualTheFullForward() {
        GPTModel m = tiny(true);
        Tensor ids = ScratchLLM.randint(0, 97, 2, 10);
        Tensor full;
        try (var g = ScratchLLM.noGrad()) {
            full = m.forward(ids); // (2, 10, 97)
            KVCache cache = m.newCache();
            Tensor first = m.forward(ids.slice(1, 0, 6), cache); // the prompt: positions 0..5
            assertThat(first.toFloatArray()).containsExactly(full.slice(1, 0, 6).toFloatArray(), within(2e-5f));
            for (int p = 6; p < 10; p++) {
                Tensor step = m.forward(ids.slice(1, p, p + 1), cache); // one token at position p
                assertThat(step.toFloatArray()).as("position " + p).containsExactly(full.slice(1, p, p + 1).toFloatArray(), within(2e-5f));
            }
            assertThat(cache.length()).isEqualTo(10);
        }
    }

    @Test
    void generationWithAndWithoutTheCacheGivesTheSameTokens() {
        GPTModel m = tiny(false);
        Tensor prompt = ScratchLLM.randint(0, 97, 1, 5);
        // 30 new tokens: the sequence outgrows the 24-token context, so the sliding window takes over mid-way
        Tensor cached = TextGeneration.generate(m, prompt, 30, 24, 0f, null, null, true);
        Tensor plain = TextGeneration.generate(m, prompt, 30, 24, 0f, null, null, false);
        assertThat(cached.toLongArray()).containsExactly(plain.toLongArray());
        ScratchLLM.manualSeed(5);
        Tensor sampledCached = TextGeneration.generate(m, prompt, 12, 24, 1.0f, 10, null, true);
        ScratchLLM.manualSeed(5);
        Tensor sampledPlain = TextGeneration.generate(m, prompt, 12, 24, 1.0f, 10, null, false);
        assertThat(sampledCached.toLongArray()).containsExactly(sampledPlain.toLongArray());
    }

    @Test
    void theCacheRefusesToOverflowTheContext() {
        GPTModel m = tiny(false);
        KVCache cache = m.newCache();
        try (var g = ScratchLLM.noGrad()) {
            m.forward(ScratchLLM.randint(0, 97, 1, 20), cache);
            assertThatThrownBy(() -> m.forward(ScratchLLM.randint(0, 97, 1, 5), cache)).hasMessageContaining("exceed the context length 24");
        }
        cache.reset();
        assertThat(cache.length()).isZero();
    }
}
