// Appendix E's exercises (the LoRA layers that exercise 7.4 uses): LoRALayer.forward (listing E.5)
// and LinearWithLoRA.forward (listing E.6), checked with PyTorch's numbers for the book's classes
// (fixtures/finetune_torch.json, as book/AppendixETest). Runs against the library in the default
// build and against the learner's stubs with -Pexercises.
package dev.scratchllm.exercises;

import dev.scratchllm.exercises.appendixe.LinearWithLoRA;
import dev.scratchllm.exercises.appendixe.LoRALayer;
import dev.scratchllm.io.Json;
import dev.scratchllm.nn.Linear;
import dev.scratchllm.tensor.Tensor;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static dev.scratchllm.ScratchLLM.manualSeed;
import static dev.scratchllm.ScratchLLM.noGrad;
import static dev.scratchllm.ScratchLLM.randn;
import static dev.scratchllm.exercises.Exercise.LISTING_E_5;
import static dev.scratchllm.exercises.Exercise.LISTING_E_6;
import static dev.scratchllm.exercises.ExerciseData.assertClose;
import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(ExerciseReport.class)
@TestMethodOrder(MethodOrderer.MethodName.class) // by name: a listing's quick checks before its slow ones ("untrained...")
@DisplayName("Exercises, appendix E: LoRA")
class AppendixEExerciseTest {

    @SuppressWarnings("unchecked")
    static Map<String, Object> loraFixture() throws IOException {
        try (InputStream in = AppendixEExerciseTest.class.getResourceAsStream("/fixtures/finetune_torch.json")) {
            assertThat(in).as("fixtures/finetune_torch.json (scripts/make_finetune_fixtures.py)").isNotNull();
            Map<String, Object> all = (Map<String, Object>) Json.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "finetune_torch.json");
            return (Map<String, Object>) all.get("lora_layer");
        }
    }

    @SuppressWarnings("unchecked")
    static float[] floats(Object o) {
        List<Object> l = (List<Object>) o;
        float[] out = new float[l.size()];
        for (int i = 0; i < out.length; i++) out[i] = ((Number) l.get(i)).floatValue();
        return out;
    }

    @Test
    @Checks(LISTING_E_5)
    @DisplayName("Listing E.5: LoRALayer(5, 3, rank 2, alpha 4) adds nothing while B = 0, and PyTorch's (alpha/rank) x A B once B is set")
    void listingE_5_loraLayer() throws IOException {
        Map<String, Object> fx = loraFixture();
        manualSeed(123);
        LoRALayer layer = new LoRALayer(5, 3, 2, 4);
        Tensor x = Tensor.of(floats(fx.get("x")), 2, 5);
        Tensor fresh = layer.forward(x);
        assertThat(fresh.shape()).containsExactly(2, 3);
        assertThat(fresh.toFloatArray()).as("B = 0: a fresh layer adds nothing").containsOnly(0f);
        try (var g = noGrad()) {
            layer.b().copy_(Tensor.arange(6).toFloat().mul(0.1f).view(2, 3));
        }
        assertClose(layer.forward(x).toFloatArray(), floats(fx.get("out")), 1e-6f, "LoRALayer(5, 3, 2, 4) with B = 0.0 .. 0.5");
    }

    @Test
    @Checks(LISTING_E_6)
    @DisplayName("Listing E.6: LinearWithLoRA equals its linear layer while B = 0, and linear(x) + lora(x) after")
    void listingE_6_linearWithLoRA() {
        manualSeed(123);
        Linear linear = new Linear(4, 3);
        LinearWithLoRA wrapped = new LinearWithLoRA(linear, 2, 2);
        Tensor x = randn(2, 5, 4);
        assertClose(wrapped.forward(x).toFloatArray(), linear.forward(x).toFloatArray(), 1e-6f, "LinearWithLoRA with B = 0");
        try (var g = noGrad()) {
            wrapped.lora().b().copy_(randn(2, 3));
        }
        Tensor expected = linear.forward(x).add(wrapped.lora().forward(x));
        Tensor ours = wrapped.forward(x);
        assertThat(ours.shape()).containsExactly(2, 5, 3);
        assertClose(ours.toFloatArray(), expected.toFloatArray(), 1e-6f, "LinearWithLoRA with a trained B");
    }
}
