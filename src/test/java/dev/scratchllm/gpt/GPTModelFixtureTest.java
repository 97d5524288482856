package dev.scratchllm.gpt;

import dev.scratchllm.io.Json;
import dev.scratchllm.io.Safetensors;
import dev.scratchllm.nn.Functional;
import dev.scratchllm.optim.AdamW;
import dev.scratchllm.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.scratchllm.ScratchLLM.manualSeed;
import static dev.scratchllm.ScratchLLM.randint;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The chapter 4 {@link GPTModel} against PyTorch 1.13 running the book's classes
 * ({@code src/test/resources/fixtures/tiny_gpt*.safetensors}, written by
 * {@code scripts/make_fixtures.py}; see {@code docs/fixtures.md}): a tiny configuration
 * (vocab 50, context 8, emb 16, 4 heads, 2 layers, dropout 0), without and with the qkv bias.
 *
 * <ul>
 *   <li>Seeded initialisation ({@code manualSeed(123)}) equals {@code init.*} bit for bit, and
 *       the generator then draws the fixture's {@code input_ids} and {@code targets}.</li>
 *   <li>Activations, logits and the loss: |ours − torch| ≤ 1e-5 + 1e-5·|torch|.</li>
 *   <li>Gradients of every parameter: ≤ 1e-6 + 1e-5·|torch|; parameters listed in
 *       {@code adamw_unstable} (mathematically zero gradients, float noise in PyTorch) within
 *       1e-6 absolute. Unused embedding rows have exactly zero gradient.</li>
 *   <li>One {@code AdamW(lr=4e-4, weight_decay=0.1)} step: parameters within 1e-6 absolute,
 *       the unstable ones within lr (their step is {@code lr·sign(noise)}).</li>
 * </ul>
 */
class GPTModelFixtureTest {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"tiny_gpt", "tiny_gpt_qkvbias"})
    void matchesPyTorch(String name) throws Exception {
        var contents = Safetensors.readWithMetadata(Path.of(getClass().getResource("/fixtures/" + name + ".safetensors").toURI()));
        Map<String, Tensor> fx = contents.tensors();
        Map<String, String> meta = contents.metadata();
        GPTConfig cfg = config(Json.parseObject(meta.get("config"), name + " config"));
        Set<String> unstable = new HashSet<>();
        for (String s : meta.getOrDefault("adamw_unstable", "").split(",")) if (!s.isBlank()) unstable.add(s.strip());

        // (a) seeded initialisation, bit for bit, in PyTorch's state-dict order
        manualSeed(123);
        GPTModel model = new GPTModel(cfg);
        Map<String, Tensor> init = withPrefix(fx, "init.");
        assertThat(model.stateDict().keySet()).containsExactlyElementsOf(init.keySet());
        for (var e : model.stateDict().entrySet())
            assertThat(e.getValue().toFloatArray()).as("init." + e.getKey()).containsExactly(init.get(e.getKey()).toFloatArray());
        // the generator is where PyTorch's is: the next draws are the batch
        Tensor inputIds = randint(0, cfg.vocabSize(), 2, cfg.contextLength());
        assertThat(inputIds.toLongArray()).containsExactly(fx.get("input_ids").toLongArray());
        Tensor targets = randint(0, cfg.vocabSize(), 2, cfg.contextLength());
        targets.setLong(-100, 0, 3);
        assertThat(targets.toLongArray()).containsExactly(fx.get("targets").toLongArray());

        // (b) load init.* (a no-op here, but what a user of the fixture does), forward, loss
        model.loadStateDict(init);
        model.train();
        Tensor x = model.tokEmb().forward(inputIds).add(model.posEmb().forward(Tensor.arange(cfg.contextLength())));
        x = model.dropEmb().forward(x);
        assertClose("act.emb", x, fx.get("act.emb"), 1e-5, 1e-5);
        for (int i = 0; i < cfg.nLayers(); i++) {
            x = model.trfBlock(i).forward(x);
            assertClose("act.trf_blocks." + i, x, fx.get("act.trf_blocks." + i), 1e-5, 1e-5);
        }
        assertClose("act.final_norm", model.finalNorm().forward(x), fx.get("act.final_norm"), 1e-5, 1e-5);

        Tensor logits = model.forward(inputIds);
        assertClose("logits", logits, fx.get("logits"), 1e-5, 1e-5);
        Tensor loss = Functional.crossEntropy(logits.flatten(0, 1), targets.flatten());
        assertClose("loss", loss, fx.get("loss"), 1e-5, 1e-5);

        // (c) gradients
        loss.backward();
        Map<String, Tensor> grads = withPrefix(fx, "grad.");
        assertThat(model.namedParameters().keySet()).containsExactlyElementsOf(grads.keySet());
        for (var e : model.namedParameters().entrySet()) {
            String key = e.getKey();
            if (unstable.contains(key)) assertClose("grad." + key, e.getValue().grad(), grads.get(key), 1e-6, 0);
            else assertClose("grad." + key, e.getValue().grad(), grads.get(key), 1e-6, 1e-5);
        }
        Set<Long> used = new HashSet<>();
        for (long id : inputIds.toLongArray()) used.add(id);
        Tensor tokGrad = model.tokEmb().weight().grad();
        for (int row = 0; row < cfg.vocabSize(); row++)
            if (!used.contains((long) row))
                for (float g : tokGrad.get(row).toFloatArray()) assertThat(g).as("unused tok_emb row " + row).isEqualTo(0f);

        // (d) one AdamW step, chapter 5's setting
        double lr = 4e-4;
        new AdamW(model.parameters(), lr, 0.1).step();
        Map<String, Tensor> stepped = withPrefix(fx, "adamw.");
        for (var e : model.namedParameters().entrySet()) {
            String key = e.getKey();
            assertClose("adamw." + key, e.getValue(), stepped.get(key), unstable.contains(key) ? lr : 1e-6, 0);
        }
    }

    static GPTConfig config(Map<String, Object> c) {
        return new GPTConfig(num(c, "vocab_size"), num(c, "context_length"), num(c, "emb_dim"), num(c, "n_heads"), num(c, "n_layers"),
                ((Number) c.get("drop_rate")).doubleValue(), (Boolean) c.get("qkv_bias"));
    }

    private static int num(Map<String, Object> c, String key) {
        return ((Number) c.get(key)).intValue();
    }

    static Map<String, Tensor> withPrefix(Map<String, Tensor> fx, String prefix) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (var e : fx.entrySet()) if (e.getKey().startsWith(prefix)) out.put(e.getKey().substring(prefix.length()), e.getValue());
        return out;
    }

    /** |ours − torch| ≤ atol + rtol·|torch| element by element. */
    static void assertClose(String what, Tensor ours, Tensor torch, double atol, double rtol) {
        assertThat(ours).as(what + " (missing)").isNotNull();
        assertThat(ours.shape()).as(what + " shape").isEqualTo(torch.shape());
        float[] a = ours.toFloatArray(), b = torch.toFloatArray();
        for (int i = 0; i < a.length; i++) {
            double tol = atol + rtol * Math.abs(b[i]);
            assertThat((double) Math.abs(a[i] - b[i])).as(what + "[" + i + "]: ours " + a[i] + ", torch " + b[i]).isLessThanOrEqualTo(tol);
        }
    }

    static List<String> keys(Map<String, ?> m) {
        return List.copyOf(m.keySet());
    }
}
