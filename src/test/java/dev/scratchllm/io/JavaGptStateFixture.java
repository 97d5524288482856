// Makes the "ours -> book" fixture: a ScratchLLM GPTModel's state dict after a few training
// steps, written to src/test/resources/fixtures/java_gpt_state.safetensors for
// scripts/make_fixtures.py to load into the book's PyTorch GPTModel (load_state_dict, strict).
// It does: build, train and write the state deterministically. It does not: compare anything
// (GPT2CompatibilityTest does) or run Python.
package dev.scratchllm.io;

import dev.scratchllm.gpt.GPTConfig;
import dev.scratchllm.gpt.GPTModel;
import dev.scratchllm.nn.Functional;
import dev.scratchllm.optim.AdamW;
import dev.scratchllm.tensor.Tensor;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static dev.scratchllm.ScratchLLM.manualSeed;
import static dev.scratchllm.ScratchLLM.randint;

/**
 * The ScratchLLM side of the ours→book fixture. Regenerate the committed file with
 * {@code mvn -q -B test -Dtest=GPT2CompatibilityTest -Dscratchllm.writeFixtures=true}, then run
 * {@code /usr/bin/python3 scripts/make_fixtures.py} so that {@code java_gpt_logits.safetensors}
 * follows (see {@code docs/fixtures.md}).
 */
final class JavaGptStateFixture {
    /** Where the fixture lives in the source tree (relative to the project root). */
    static final Path SOURCE_FILE = Path.of("src/test/resources/fixtures/java_gpt_state.safetensors");
    static final long SEED = 31;
    static final int STEPS = 3;
    static final double LR = 1e-2, WEIGHT_DECAY = 0.1;
    /** vocab 40, context 10, emb 12, 3 heads, 2 layers, no dropout, no qkv bias. */
    static final GPTConfig CONFIG = new GPTConfig(40, 10, 12, 3, 2, 0.0, false);

    private JavaGptStateFixture() {
    }

    /** {@code manualSeed(31)}, build, draw a (4, 10) batch and targets, {@value #STEPS} AdamW steps; the model. */
    static GPTModel trainedModel() {
        manualSeed(SEED);
        GPTModel model = new GPTModel(CONFIG);
        Tensor batch = randint(0, CONFIG.vocabSize(), 4, CONFIG.contextLength());
        Tensor targets = randint(0, CONFIG.vocabSize(), 4, CONFIG.contextLength());
        AdamW opt = new AdamW(model.parameters(), LR, WEIGHT_DECAY);
        model.train();
        for (int step = 0; step < STEPS; step++) {
            opt.zeroGrad();
            Tensor logits = model.forward(batch);
            Functional.crossEntropy(logits.flatten(0, 1), targets.flatten()).backward();
            opt.step();
        }
        model.eval();
        return model;
    }

    /** The metadata written with the state: how it was made, and the config in the book's keys. */
    static Map<String, String> metadata() {
        Map<String, Object> cfg = new LinkedHashMap<>();
        cfg.put("vocab_size", (long) CONFIG.vocabSize());
        cfg.put("context_length", (long) CONFIG.contextLength());
        cfg.put("emb_dim", (long) CONFIG.embDim());
        cfg.put("n_heads", (long) CONFIG.nHeads());
        cfg.put("n_layers", (long) CONFIG.nLayers());
        cfg.put("drop_rate", CONFIG.dropRate());
        cfg.put("qkv_bias", CONFIG.qkvBias());
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", "pt");
        meta.put("generator", "src/test/java/dev/scratchllm/io/JavaGptStateFixture.java");
        meta.put("description", "ScratchLLM GPTModel(config).stateDict() (book keys, mask buffers included): manualSeed(" + SEED
                + "), build, batch = randint(0, 40, 4, 10), targets = randint(0, 40, 4, 10), " + STEPS + " AdamW(lr " + LR
                + ", weight_decay " + WEIGHT_DECAY + ") steps on crossEntropy(logits.flatten(0, 1), targets.flatten()).");
        meta.put("config", Json.write(cfg));
        return meta;
    }

    /** Writes the fixture to {@code file}. */
    static void write(Path file) throws IOException {
        Safetensors.write(file, trainedModel().stateDict(), metadata());
    }
}
