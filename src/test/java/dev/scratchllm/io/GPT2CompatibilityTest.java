package dev.scratchllm.io;

import dev.scratchllm.gpt.GPTConfig;
import dev.scratchllm.gpt.GPTModel;
import dev.scratchllm.tensor.Tensor;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Both directions between the book's PyTorch {@code GPTModel} and ours, through safetensors files
 * with the book's state-dict keys (see {@code docs/fixtures.md}):
 *
 * <ul>
 *   <li>book → ours: {@code book_gpt_state.safetensors} is a PyTorch {@code state_dict()} after two
 *       AdamW steps; {@code loadStateDict} (strict) takes it as it is, and our logits equal
 *       PyTorch's ({@code book_gpt_logits.safetensors}).</li>
 *   <li>ours → book: {@code java_gpt_state.safetensors} is our state dict after three AdamW steps,
 *       written by {@link JavaGptStateFixture}; the Python script loaded it with
 *       {@code load_state_dict(strict=True)} and recorded PyTorch's logits
 *       ({@code java_gpt_logits.safetensors}). We check that the committed file is still what
 *       Java makes now, that the logits were made from exactly that file (its SHA-256), and that
 *       our model gives the same logits.</li>
 * </ul>
 *
 * Tolerance for logits: |ours − torch| ≤ 1e-5 + 1e-5·|torch| (measured: below 1e-6).
 */
class GPT2CompatibilityTest {
    static final double ATOL = 1e-5, RTOL = 1e-5;

    @Test
    @DisplayName("book -> ours: a PyTorch state_dict() loads strictly and gives PyTorch's logits")
    void bookStateDictLoads() throws Exception {
        var state = Safetensors.readWithMetadata(Fixtures.path("book_gpt_state.safetensors"));
        GPTConfig cfg = Fixtures.config(state.metadata().get("config"), "book_gpt_state config");
        GPTModel model = new GPTModel(cfg);
        assertThat(new ArrayList<>(state.tensors().keySet())).as("PyTorch's keys and order are ours")
                .containsExactlyElementsOf(model.stateDict().keySet());
        model.loadStateDict(state.tensors());
        for (var e : model.stateDict().entrySet())
            assertThat(e.getValue().toFloatArray()).as(e.getKey()).containsExactly(state.tensors().get(e.getKey()).toFloatArray());
        model.eval();
        Map<String, Tensor> out = Safetensors.read(Fixtures.path("book_gpt_logits.safetensors"));
        double d = Fixtures.assertClose("logits", model.forward(out.get("input_ids")), out.get("logits"), ATOL, RTOL);
        System.out.println("book -> ours: max |logits diff| = " + d);
    }

    @Test
    @DisplayName("ours -> book: the committed Java state is what Java makes now")
    void javaStateFixtureIsCurrent() throws Exception {
        Map<String, Tensor> committed = Safetensors.read(Fixtures.path("java_gpt_state.safetensors"));
        Map<String, Tensor> now = JavaGptStateFixture.trainedModel().stateDict();
        assertThat(new ArrayList<>(committed.keySet())).containsExactlyElementsOf(now.keySet());
        double max = 0;
        for (var e : now.entrySet()) max = Math.max(max, Fixtures.maxAbsDiff(e.getKey(), e.getValue(), committed.get(e.getKey())));
        System.out.println("ours -> book: max |committed - regenerated| = " + max);
        // bit-identical on the machine that wrote it; another kernel (scalar vs SIMD) may differ in the last bits
        assertThat(max).as("java_gpt_state.safetensors is stale: regenerate it (docs/fixtures.md)").isLessThanOrEqualTo(1e-6);
        assertThat(Safetensors.readWithMetadata(Fixtures.path("java_gpt_state.safetensors")).metadata())
                .isEqualTo(JavaGptStateFixture.metadata());
    }

    @Test
    @DisplayName("ours -> book: PyTorch, after load_state_dict(strict=True) of our state, gives our logits")
    void javaStateGivesPyTorchLogits() throws Exception {
        Path stateFile = Fixtures.path("java_gpt_state.safetensors");
        var logits = Safetensors.readWithMetadata(Fixtures.path("java_gpt_logits.safetensors"));
        assertThat(logits.metadata().get("java_state_sha256")).as("java_gpt_logits was made from the committed java_gpt_state"
                + " (else rerun scripts/make_fixtures.py)").isEqualTo(Download.sha256(stateFile));
        var state = Safetensors.readWithMetadata(stateFile);
        GPTConfig cfg = Fixtures.config(state.metadata().get("config"), "java_gpt_state config");
        assertThat(cfg).isEqualTo(JavaGptStateFixture.CONFIG);
        GPTModel model = new GPTModel(cfg);
        model.loadStateDict(state.tensors());
        model.eval();
        double d = Fixtures.assertClose("logits", model.forward(logits.tensors().get("input_ids")), logits.tensors().get("logits"), ATOL, RTOL);
        System.out.println("ours -> book: max |logits diff| = " + d);
    }

    @Test
    @DisplayName("regenerate java_gpt_state.safetensors (only with -Dscratchllm.writeFixtures=true)")
    void writeJavaStateFixture() throws Exception {
        Assumptions.assumeTrue(Boolean.getBoolean("scratchllm.writeFixtures"), "set -Dscratchllm.writeFixtures=true to regenerate");
        JavaGptStateFixture.write(JavaGptStateFixture.SOURCE_FILE);
        System.out.println("wrote " + JavaGptStateFixture.SOURCE_FILE.toAbsolutePath() + "; now run /usr/bin/python3 scripts/make_fixtures.py");
    }
}
