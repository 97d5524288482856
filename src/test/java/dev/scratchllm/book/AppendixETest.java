package dev.scratchllm.book;

import dev.scratchllm.finetune.Classification;
import dev.scratchllm.finetune.LinearWithLoRA;
import dev.scratchllm.finetune.LoRA;
import dev.scratchllm.finetune.LoRALayer;
import dev.scratchllm.gpt.GPTConfig;
import dev.scratchllm.gpt.GPTModel;
import dev.scratchllm.io.GPT2Download;
import dev.scratchllm.io.GPT2Weights;
import dev.scratchllm.io.Json;
import dev.scratchllm.nn.Linear;
import dev.scratchllm.optim.AdamW;
import dev.scratchllm.tensor.Tensor;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static dev.scratchllm.ScratchLLM.manualSeed;
import static dev.scratchllm.ScratchLLM.noGrad;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Appendix E, "Parameter-efficient fine-tuning with LoRA". Reference values come from the book's
 * classes run in PyTorch 1.13 ({@code scripts/make_finetune_fixtures.py} wrote
 * {@code fixtures/finetune_torch.json}).
 */
@DisplayName("Appendix E: Parameter-efficient fine-tuning with LoRA")
class AppendixETest {

    @SuppressWarnings("unchecked")
    static Map<String, Object> fixture() throws IOException {
        try (InputStream in = AppendixETest.class.getResourceAsStream("/fixtures/finetune_torch.json")) {
            assertThat(in).as("fixtures/finetune_torch.json (scripts/make_finetune_fixtures.py)").isNotNull();
            return (Map<String, Object>) Json.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "finetune_torch.json");
        }
    }

    @SuppressWarnings("unchecked")
    static float[] floats(Object o) {
        List<Object> l = (List<Object>) o;
        float[] out = new float[l.size()];
        for (int i = 0; i < out.length; i++) out[i] = ((Number) l.get(i)).floatValue();
        return out;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> part(Map<String, Object> fx, String name) {
        return (Map<String, Object>) fx.get(name);
    }

    /** The fixture's small GPT: vocab 300, context 16, emb 8, 2 heads, 2 layers, no dropout, qkv bias. */
    static final GPTConfig SMALL = new GPTConfig(300, 16, 8, 2, 2, 0.0, true);

    static Tensor fixtureInputs(Map<String, Object> fx) {
        @SuppressWarnings("unchecked")
        List<Object> ids = (List<Object>) fx.get("inputs");
        long[] v = new long[ids.size()];
        for (int i = 0; i < v.length; i++) v[i] = (Long) ids.get(i);
        return Tensor.ofLongs(v, 4, 10);
    }

    static List<Double> train(GPTModel model, Tensor inputs, Tensor labels, int steps) {
        AdamW opt = new AdamW(model.parameters(), 1e-2, 0.1);
        List<Double> losses = new ArrayList<>();
        for (int s = 0; s < steps; s++) {
            opt.zeroGrad();
            Tensor loss = Classification.calcLossBatch(inputs, labels, model);
            loss.backward();
            opt.step();
            losses.add((double) loss.item());
        }
        return losses;
    }

    @Nested
    @DisplayName("E.4 Parameter-efficient fine-tuning with LoRA")
    class LoRALayers {

        @Test
        @DisplayName("Listing E.5 LoRALayer(5, 3, rank 2, alpha 4): A as kaiming_uniform_(a=sqrt(5)) draws it after manual_seed(123), B zeros, (alpha/rank) x A B")
        void loraLayer() throws IOException {
            Map<String, Object> fx = part(fixture(), "lora_layer");
            manualSeed(123);
            LoRALayer layer = new LoRALayer(5, 3, 2, 4);
            assertThat(layer.a().shape()).containsExactly(5, 2);
            assertThat(layer.a().toFloatArray()).containsExactly(floats(fx.get("A")));
            assertThat(layer.b().toFloatArray()).containsOnly(0f);
            assertThat(layer.namedParameters()).containsOnlyKeys("A", "B");
            Tensor x = Tensor.of(floats(fx.get("x")), 2, 5);
            assertThat(layer.forward(x).toFloatArray()).containsOnly(0f); // B = 0: a fresh layer adds nothing
            try (var g = noGrad()) {
                layer.b().copy_(Tensor.arange(6).toFloat().mul(0.1f).view(2, 3));
            }
            float[] out = layer.forward(x).toFloatArray(), expected = floats(fx.get("out"));
            for (int i = 0; i < out.length; i++) assertThat(out[i]).isCloseTo(expected[i], within(1e-6f));
        }

        @Test
        @DisplayName("Listing E.6 LinearWithLoRA: linear(x) + lora(x), PyTorch's keys and printout; equal to the linear layer while B = 0")
        void linearWithLoRA() {
            manualSeed(123);
            Linear linear = new Linear(4, 3);
            LinearWithLoRA wrapped = new LinearWithLoRA(linear, 2, 2);
            assertThat(wrapped.stateDict()).containsOnlyKeys("linear.weight", "linear.bias", "lora.A", "lora.B");
            assertThat(wrapped.toString()).isEqualTo("""
                    LinearWithLoRA(
                      (linear): Linear(in_features=4, out_features=3, bias=True)
                      (lora): LoRALayer()
                    )""");
            Tensor x = Tensor.arange(8).toFloat().view(2, 4);
            assertThat(wrapped.forward(x).toFloatArray()).containsExactly(linear.forward(x).toFloatArray());
            assertThat(wrapped.weight()).isSameAs(linear.weight());
            try (var g = noGrad()) {
                wrapped.lora().b().fill_(0.5f);
            }
            float[] merged = wrapped.merged().forward(x).toFloatArray(), direct = wrapped.forward(x).toFloatArray();
            for (int i = 0; i < merged.length; i++) assertThat(merged[i]).isCloseTo(direct[i], within(1e-5f));
        }

        @Test
        @DisplayName("Listing E.7 replace_linear_with_lora on the 124M classifier (2-class head, frozen), rank 16, alpha 16: 2,666,528 trainable parameters")
        void parameterCount() {
            manualSeed(123);
            GPTModel model = new GPTModel(GPTConfig.GPT_CONFIG_124M.withDropRate(0.0).withQkvBias(true));
            manualSeed(123);
            model.setOutHead(new Linear(768, 2));
            model.requiresGrad(false);
            assertThat(model.numTrainableParameters()).isZero(); // "Total trainable parameters after: 0"
            int wrapped = LoRA.replaceLinearWithLora(model, 16, 16);
            assertThat(wrapped).isEqualTo(12 * 6 + 1);
            assertThat(model.numTrainableParameters()).isEqualTo(2_666_528L); // "Total trainable LoRA parameters: 2,666,528"
            assertThat(model.trfBlock(0).att().wQuery()).isInstanceOf(LinearWithLoRA.class);
            assertThat(model.trfBlock(11).ff().layers().get(2)).isInstanceOf(LinearWithLoRA.class);
            assertThat(model.toString())
                    .contains("        (W_query): LinearWithLoRA(\n"
                            + "          (linear): Linear(in_features=768, out_features=768, bias=True)\n"
                            + "          (lora): LoRALayer()\n"
                            + "        )")
                    .contains("  (out_head): LinearWithLoRA(\n"
                            + "    (linear): Linear(in_features=768, out_features=2, bias=True)\n"
                            + "    (lora): LoRALayer()\n"
                            + "  )");
            assertThat(model.stateDict()).containsKeys("trf_blocks.0.att.W_query.linear.weight", "trf_blocks.0.att.W_query.lora.A",
                    "trf_blocks.11.ff.layers.2.lora.B", "out_head.linear.bias");
            assertThat(LoRA.replaceLinearWithLora(model, 16, 16)).isZero(); // a second call adds nothing
        }

        @Test
        @DisplayName("with the GPT-2 124M weights: 124,441,346 trainable before freezing, 0 after, 2,666,528 with LoRA (skipped without the weights)")
        void parameterCountGpt2() throws IOException {
            Optional<Path> weights = GPT2Download.locate("gpt2");
            assumeTrue(weights.isPresent(), () -> "skipped: the GPT-2 124M weights are not on this machine (" + GPT2Download.relativeName("gpt2") + ")");
            GPTModel model = GPT2Weights.load(weights.get(), GPT2Weights.config("gpt2"));
            manualSeed(123);
            model.setOutHead(new Linear(768, 2));
            assertThat(model.numTrainableParameters()).isEqualTo(124_441_346L);
            assertThat(LoRA.freezeAndApply(model, 16, 16)).isEqualTo(2_666_528L);
        }
    }

    @Nested
    @DisplayName("Chapter 6 and appendix E against PyTorch (the book's classes on a small GPT)")
    class AgainstPyTorch {

        @Test
        @DisplayName("6.5-6.7: surgery and three AdamW steps on the last token give PyTorch's losses, logits and head")
        void classifierSteps() throws IOException {
            Map<String, Object> fx = fixture();
            Map<String, Object> ref = part(fx, "classifier");
            manualSeed(123);
            GPTModel model = new GPTModel(SMALL);
            Classification.prepareForClassification(model, 2, 123, false);
            assertThat(model.numTrainableParameters()).isEqualTo((Long) ref.get("trainable"));
            Tensor inputs = fixtureInputs(fx), labels = Tensor.ofLongs(new long[] {0, 1, 1, 0}, 4);
            List<Double> losses = train(model, inputs, labels, 3);
            float[] expected = floats(ref.get("losses"));
            for (int i = 0; i < 3; i++) assertThat(losses.get(i)).isCloseTo(expected[i], within(2e-6));
            assertThat(losses.get(2)).isLessThan(losses.get(0));
            Tensor logits;
            try (var g = noGrad()) {
                logits = model.forward(inputs).select(1, -1);
            }
            float[] got = logits.toFloatArray(), want = floats(ref.get("logits_after"));
            for (int i = 0; i < got.length; i++) assertThat(got[i]).isCloseTo(want[i], within(1e-5f));
            float[] head = model.outHead().weight().toFloatArray(), headWant = floats(ref.get("head_weight_after"));
            for (int i = 0; i < head.length; i++) assertThat(head[i]).isCloseTo(headWant[i], within(1e-5f));
        }

        @Test
        @DisplayName("E.4-E.5: the frozen classifier with LoRA (rank 2, alpha 4): PyTorch's trainable count, A matrices and falling losses")
        void loraSteps() throws IOException {
            Map<String, Object> fx = fixture();
            Map<String, Object> ref = part(fx, "lora_classifier");
            manualSeed(123);
            GPTModel model = new GPTModel(SMALL);
            Classification.prepareForClassification(model, 2, 123, false);
            model.requiresGrad(false);
            manualSeed(456);
            LoRA.replaceLinearWithLora(model, 2, 4);
            assertThat(model.numTrainableParameters()).isEqualTo((Long) ref.get("trainable"));
            assertThat(model.trfBlock(0).att().wQuery() instanceof LinearWithLoRA l ? l.lora().a().toFloatArray() : null)
                    .containsExactly(floats(ref.get("first_A")));
            assertThat(((LinearWithLoRA) model.outHead()).lora().a().toFloatArray()).containsExactly(floats(ref.get("head_A")));
            float[] frozenBefore = model.trfBlock(0).att().wQuery().weight().toFloatArray();
            List<Double> losses = train(model, fixtureInputs(fx), Tensor.ofLongs(new long[] {0, 1, 1, 0}, 4), 3);
            float[] expected = floats(ref.get("losses"));
            for (int i = 0; i < 3; i++) assertThat(losses.get(i)).isCloseTo(expected[i], within(2e-6));
            assertThat(losses.get(2)).isLessThan(losses.get(0));
            assertThat(model.trfBlock(0).att().wQuery().weight().toFloatArray()).containsExactly(frozenBefore); // only A and B train
        }
    }
}
