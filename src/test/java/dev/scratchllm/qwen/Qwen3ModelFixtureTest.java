package dev.scratchllm.qwen;

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
 * A tiny Qwen3 (2 layers, GQA with 2 groups, QK-norm, head_dim 12 with emb_dim 32 and 4 heads),
 * tied and untied, and a tiny mixture-of-experts Qwen3 (4 experts, top 2), against the
 * reference architecture run by PyTorch: seeded initialisation, logits, loss, gradients, greedy
 * ids and the KV-cached path.
 */
class Qwen3ModelFixtureTest {

    static Map<String, Tensor> prefixed(Map<String, Tensor> all, String prefix) {
        Map<String, Tensor> m = new LinkedHashMap<>();
        all.forEach((k, v) -> { if (k.startsWith(prefix)) m.put(k.substring(prefix.length()), v); });
        return m;
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"qwen_tiny", "qwen_tiny_untied", "qwen_moe_tiny"})
    @DisplayName("Tiny Qwen3 (dense and MoE): seeded init bit-identical; logits, loss and gradients within 1e-5; greedy ids and cached logits equal PyTorch's")
    void matchesPyTorch(String name) {
        Safetensors.Contents c = LlamaQwenFixtures.read(name + ".safetensors");
        Map<String, Tensor> f = c.tensors();
        Qwen3Config cfg = LlamaQwenFixtures.qwenConfig(c.metadata().get("config"));
        boolean tied = name.equals("qwen_tiny");

        ScratchLLM.manualSeed(123);
        Qwen3Model model = new Qwen3Model(cfg);
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
    @DisplayName("Parameter counts of the Qwen3 configs from shapes; 0.6B and 30B-A3B as the reference notebooks print them")
    void realParameterCounts() {
        assertThat(Qwen3Model.parameterReport(Qwen3Config.QWEN_CONFIG_06_B)).isEqualTo(
                "Total number of parameters: 751,632,384" + System.lineSeparator() + System.lineSeparator()
                        + "Total number of unique parameters: 596,049,920");
        assertThat(Qwen3Model.parameterCounts(Qwen3Config.QWEN3_CONFIG_30B_A3B)).containsExactly(30_532_122_624L, 30_220_957_696L);
        assertThat(Qwen3Config.QWEN3_CONFIG_8B.resolvedHeadDim()).isEqualTo(128);
    }

    @Test
    @DisplayName("The shapes table names and sizes every parameter the model registers (dense and MoE)")
    void shapesTableMatchesModel() {
        for (Qwen3Config cfg : List.of(Qwen3Config.dense(50, 16, 16, 4, 2, 24, 0, true, 2, 1e6),
                new Qwen3Config(50, 16, 16, 4, 2, 0, 6, false, 2, 1e6, 3, 2, 8))) {
            Qwen3Model model = new Qwen3Model(cfg);
            Map<String, int[]> shapes = Qwen3Model.parameterShapes(cfg);
            assertThat(model.namedParameters().keySet()).containsExactlyElementsOf(shapes.keySet());
            model.namedParameters().forEach((k, v) -> assertThat(v.shape()).as(k).containsExactly(shapes.get(k)));
            assertThat(model.numParameters()).isEqualTo(Qwen3Model.parameterCounts(cfg)[0]);
            model.tieWeights();
            assertThat(model.numParameters()).isEqualTo(Qwen3Model.parameterCounts(cfg)[1]);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"dense", "dense tied", "moe"})
    @DisplayName("Appendix E's LoRA applies to every Qwen3 linear layer (attention, SwiGLU or router and experts, head): same output at first, only A and B train")
    void loraApplies(String kind) {
        // dense: emb 16, 4 heads of 6 (head_dim set), 2 kv groups, QK-norm; moe: 3 experts of width 8, top 2
        Qwen3Config cfg = kind.startsWith("dense") ? Qwen3Config.dense(40, 16, 16, 4, 2, 24, 6, true, 2, 1e6)
                : new Qwen3Config(40, 16, 16, 4, 2, 0, 6, true, 2, 1e6, 3, 2, 8);
        ScratchLLM.manualSeed(1);
        Qwen3Model model = new Qwen3Model(cfg);
        if (kind.endsWith("tied")) model.tieWeights();
        Tensor ids = Tensor.ofLongs(new long[] {1, 5, 9, 3, 7, 7}, 2, 3);
        Tensor before;
        try (var g = Tensor.noGrad()) {
            before = model.forward(ids);
        }
        // every linear layer is a 2-d ".weight" in the shapes table, except the token embedding
        Map<String, int[]> linears = new LinkedHashMap<>();
        Qwen3Model.parameterShapes(cfg).forEach((k, v) -> { if (k.endsWith(".weight") && !k.equals("tok_emb.weight")) linears.put(k.substring(0, k.length() - 7), v); });
        assertThat(linears).hasSize(kind.equals("moe") ? 2 * (4 + 1 + 3 * 3) + 1 : 2 * 7 + 1);
        Map<String, Tensor> frozen = new LinkedHashMap<>();
        model.namedParameters().forEach((k, v) -> frozen.put(k, v.detach().clone()));

        long trainable = dev.scratchllm.finetune.LoRA.freezeAndApply(model, 2, 4.0);
        long expected = 0;
        for (int[] shape : linears.values()) expected += 2L * (shape[0] + shape[1]); // A (in, r) and B (r, out)
        assertThat(trainable).isEqualTo(expected);
        List<String> loraNames = new java.util.ArrayList<>();
        for (String l : linears.keySet()) loraNames.addAll(List.of(l + ".lora.A", l + ".lora.B"));
        Map<String, Tensor> train = new LinkedHashMap<>();
        model.namedParameters().forEach((k, v) -> { if (v.requiresGrad()) train.put(k, v); });
        assertThat(train.keySet()).containsExactlyInAnyOrderElementsOf(loraNames);
        assertThat(model.isTied()).isEqualTo(kind.endsWith("tied")); // the wrapped head still reads the embedding's tensor
        try (var g = Tensor.noGrad()) {
            assertClose("LoRA at init", model.forward(ids), before, 0);
        }

        // one AdamW step: the frozen weights (norm scales included) do not move, the B matrices do
        var opt = new dev.scratchllm.optim.AdamW(model.trainableParameters(), 0.01, 0.1);
        Functional.crossEntropy(model.forward(ids).flatten(0, 1), Tensor.ofLongs(new long[] {5, 9, 3, 7, 7, 1}, 6)).backward();
        opt.step();
        model.namedParameters().forEach((k, v) -> {
            if (train.containsKey(k)) return;
            String original = k.replace(".linear.", ".");
            assertThat(v.grad()).as("grad of frozen " + k).isNull();
            assertBitIdentical("frozen " + k, v, frozen.get(original));
        });
        int moved = 0;
        for (var e : train.entrySet()) if (e.getKey().endsWith(".B") && e.getValue().abs().max().item() > 0) moved++;
        // dense: every B gets a gradient; MoE: an expert no token was routed to gets none
        if (kind.equals("moe")) assertThat(moved).as("B matrices changed by the step").isGreaterThan(linears.size() / 2);
        else assertThat(moved).as("B matrices changed by the step").isEqualTo(linears.size());
        try (var g = Tensor.noGrad()) {
            assertThat(model.forward(ids).sub(before).abs().max().item()).isGreaterThan(0f);
        }
    }
}
