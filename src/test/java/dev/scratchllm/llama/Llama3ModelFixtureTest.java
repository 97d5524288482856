package dev.scratchllm.llama;

import dev.scratchllm.LlamaQwenFixtures;
import dev.scratchllm.ScratchLLM;
import dev.scratchllm.attention.CachedGeneration;
import dev.scratchllm.attention.KVCache;
import dev.scratchllm.io.Safetensors;
import dev.scratchllm.nn.Functional;
import dev.scratchllm.tensor.Tensor;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.scratchllm.LlamaQwenFixtures.assertBitIdentical;
import static dev.scratchllm.LlamaQwenFixtures.assertClose;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A tiny Llama 3 (2 layers, GQA with 2 groups, RoPE scaling on), untied and tied, against the
 * reference architecture run by PyTorch: seeded initialisation, logits, loss, gradients, greedy
 * ids and the KV-cached path.
 */
class Llama3ModelFixtureTest {

    static Map<String, Tensor> prefixed(Map<String, Tensor> all, String prefix) {
        Map<String, Tensor> m = new LinkedHashMap<>();
        all.forEach((k, v) -> { if (k.startsWith(prefix)) m.put(k.substring(prefix.length()), v); });
        return m;
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"llama_tiny", "llama_tiny_tied"})
    @DisplayName("Tiny Llama 3: seeded init bit-identical; logits, loss and gradients within 1e-5; greedy ids and cached logits equal PyTorch's")
    void matchesPyTorch(String name) {
        Safetensors.Contents c = LlamaQwenFixtures.read(name + ".safetensors");
        Map<String, Tensor> f = c.tensors();
        Llama3Config cfg = LlamaQwenFixtures.llamaConfig(c.metadata().get("config"));
        boolean tied = name.endsWith("_tied");

        ScratchLLM.manualSeed(123);
        Llama3Model model = new Llama3Model(cfg);
        if (tied) model.tieWeights();
        Map<String, Tensor> init = prefixed(f, "init.");
        assertThat(model.stateDict().keySet()).containsExactlyElementsOf(init.keySet());
        for (var e : model.stateDict().entrySet()) assertBitIdentical("init " + e.getKey(), e.getValue(), init.get(e.getKey()));
        assertThat(model.isTied()).isEqualTo(tied);

        Tensor logits = model.forward(f.get("input_ids"));
        double dLogits = assertClose("logits", logits, f.get("logits"), 1e-5);
        Tensor loss = Functional.crossEntropy(logits.flatten(0, 1), f.get("targets").flatten());
        assertClose("loss", loss.reshape(1), f.get("loss"), 1e-5);
        loss.backward();
        Map<String, Tensor> grads = prefixed(f, "grad.");
        assertThat(model.namedParameters().keySet()).containsExactlyElementsOf(grads.keySet());
        double dGrad = 0;
        for (var e : model.namedParameters().entrySet())
            dGrad = Math.max(dGrad, assertClose("grad " + e.getKey(), e.getValue().grad(), grads.get(e.getKey()), 1e-5));
        System.out.printf("%s: max |logits - PyTorch| = %.2e, max |grad - PyTorch| = %.2e, loss %.6f (PyTorch %.6f)%n",
                name, dLogits, dGrad, loss.item(), f.get("loss").item());

        model.eval();
        Tensor prompt = f.get("greedy_prompt");
        Tensor uncached = CachedGeneration.generateTextSimple(model, prompt, 8, false);
        Tensor cached = CachedGeneration.generateTextSimple(model, prompt, 8, true);
        assertThat(uncached.toLongArray()).containsExactly(f.get("greedy_ids").toLongArray());
        assertThat(cached.toLongArray()).containsExactly(f.get("greedy_ids").toLongArray());

        Tensor ids = f.get("greedy_ids");
        try (var g = Tensor.noGrad()) {
            KVCache cache = model.newCache();
            Tensor steps = Tensor.cat(List.of(model.forward(ids.narrow(1, 0, 4), cache), model.forward(ids.narrow(1, 4, 1), cache),
                    model.forward(ids.narrow(1, 5, 1), cache), model.forward(ids.narrow(1, 6, 1), cache)), 1);
            assertThat(cache.position()).isEqualTo(7);
            assertClose("cached logits", steps, f.get("cached_logits"), 1e-5);
            assertClose("cached == uncached", steps, model.forward(ids.narrow(1, 0, 7)), 1e-5);
        }
    }

    @Test
    @DisplayName("Parameter counts of LLAMA32_CONFIG_1B and _3B from shapes, as the reference notebook prints them")
    void realParameterCounts() {
        assertThat(Llama3Model.parameterReport(Llama3Config.LLAMA32_CONFIG_1B)).isEqualTo(
                "Total number of parameters: 1,498,482,688" + System.lineSeparator() + System.lineSeparator()
                        + "Total number of unique parameters: 1,235,814,400");
        // 3B: 28 layers of width 3072 (figures computed from the reference's shapes, not printed in its notebook)
        long[] c3 = Llama3Model.parameterCounts(Llama3Config.LLAMA32_CONFIG_3B);
        assertThat(c3[0] - c3[1]).isEqualTo(128_256L * 3072);
        assertThat(Llama3Config.LLAMA32_CONFIG_1B.headDim()).isEqualTo(64);
    }

    @Test
    @DisplayName("The shapes table names and sizes every parameter the model registers")
    void shapesTableMatchesModel() {
        Llama3Config cfg = new Llama3Config(50, 16, 16, 4, 2, 24, 2, 500_000.0, null);
        Llama3Model model = new Llama3Model(cfg);
        Map<String, int[]> shapes = Llama3Model.parameterShapes(cfg);
        assertThat(model.namedParameters().keySet()).containsExactlyElementsOf(shapes.keySet());
        model.namedParameters().forEach((k, v) -> assertThat(v.shape()).as(k).containsExactly(shapes.get(k)));
        assertThat(model.numParameters()).isEqualTo(Llama3Model.parameterCounts(cfg)[0]);
        model.tieWeights();
        assertThat(model.numParameters()).isEqualTo(Llama3Model.parameterCounts(cfg)[1]);
    }

    @Test
    @DisplayName("Appendix E's LoRA applies to the new linear layers: same output at first, and only A and B train")
    void loraApplies() {
        Llama3Config cfg = new Llama3Config(40, 16, 16, 4, 2, 24, 2, 500_000.0, null);
        ScratchLLM.manualSeed(1);
        Llama3Model model = new Llama3Model(cfg);
        Tensor ids = Tensor.ofLongs(new long[] {1, 5, 9, 3}, 1, 4);
        Tensor before;
        try (var g = Tensor.noGrad()) {
            before = model.forward(ids);
        }
        long trainable = dev.scratchllm.finetune.LoRA.freezeAndApply(model, 2, 4.0);
        // 7 linear layers per block (W_key, W_value, W_query, out_proj, fc1, fc2, fc3) + out_head
        long expected = 2 * (2 * (16 + 8) + 2 * (16 + 8) + 2 * (16 + 16) + 2 * (16 + 16) + 2 * (2 * (16 + 24) + (24 + 16))) + 2 * (16 + 40);
        assertThat(trainable).isEqualTo(expected);
        try (var g = Tensor.noGrad()) {
            assertClose("LoRA at init", model.forward(ids), before, 0);
        }
    }
}
