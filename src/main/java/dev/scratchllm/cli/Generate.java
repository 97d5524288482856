package dev.scratchllm.cli;

import dev.scratchllm.ScratchLLM;
import dev.scratchllm.gpt.GPTConfig;
import dev.scratchllm.gpt.GPTModel;
import dev.scratchllm.io.Checkpoint;
import dev.scratchllm.io.GPT2Weights;
import dev.scratchllm.tensor.Tensor;
import dev.scratchllm.tokenizer.GPT2Tokenizer;
import dev.scratchllm.train.TextGeneration;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * {@code generate}: loads a model — a checkpoint directory written by {@code pretrain}, or
 * OpenAI's GPT-2 weights ({@code --gpt2 model.safetensors} or a size name) — and
 * continues a prompt with the book's {@code generate} (temperature, top-k, stop at
 * {@code <|endoftext|>}), seeded so runs repeat.
 */
public final class Generate {
    private Generate() {
    }

    /**
     * The command's options.
     *
     * @param checkpoint the checkpoint written by {@code pretrain}, used when {@code gpt2} is null
     * @param gpt2 a GPT-2 {@code model.safetensors} file or size name, or null
     * @param prompt the text to continue
     * @param maxNewTokens the most tokens to generate
     * @param temperature the sampling temperature (0 for greedy)
     * @param topK the top-k cut, or null for none
     * @param seed the seed set before generating
     */
    public record Settings(Path checkpoint, String gpt2, String prompt, int maxNewTokens, float temperature, Integer topK, long seed) {
    }

    /** GPT-2's vocabulary: the most {@code --top-k} can keep. */
    private static final int TOKENS = dev.scratchllm.gpt.GPTConfig.GPT_CONFIG_124M.vocabSize();

    static final Options.Spec OPTIONS = new Options.Spec("generate", "[OPTIONS]",
            "Continue a prompt with a pretrained checkpoint (default runs/pretrain/checkpoint) or GPT-2's weights.")
            .path("--checkpoint", "DIR", Path.of("runs", "pretrain", "checkpoint").toString(), "checkpoint folder written by pretrain")
            .text("--gpt2", "FILE|NAME", null, "GPT-2 weights instead: a model.safetensors file or gpt2, gpt2-medium, gpt2-large, gpt2-xl")
            .text("--prompt", "TEXT", "Every effort moves you", "the text to continue (not empty)")
            .integer("--max-new-tokens", "N", 25, 1, Integer.MAX_VALUE, "most tokens to generate")
            .alias("--max-tokens", "--max-new-tokens")
            .number("--temperature", "X", 1.4, Options.Range.atLeast(0), "sampling temperature; 0 picks the most likely token")
            .integerOrNone("--top-k", "K", 25, 1, TOKENS, "sample among the K most likely tokens")
            .longValue("--seed", "N", 123, "random seed set before generating");

    static Settings parse(List<String> args) {
        Options o = OPTIONS.parse(args);
        if (o.given("--gpt2") && o.given("--checkpoint"))
            throw new UsageException("generate: give --gpt2 or --checkpoint, not both");
        if (o.text("--prompt").isEmpty()) throw new UsageException("generate: --prompt needs a non-empty text to continue");
        return new Settings(o.path("--checkpoint"), o.text("--gpt2"), o.text("--prompt"), o.integer("--max-new-tokens"), (float) o.number("--temperature"),
                o.optionalInteger("--top-k"), o.longValue("--seed"));
    }

    /**
     * Loads the model and prints the continuation; returns the text.
     *
     * @param s the settings
     * @param out where to print
     * @return the prompt and its continuation
     * @throws IOException if the model cannot be read or downloaded
     */
    public static String run(Settings s, PrintStream out) throws IOException {
        GPTModel model = s.gpt2() != null ? loadGpt2(s.gpt2(), out) : loadCheckpoint(s.checkpoint());
        model.eval();
        GPT2Tokenizer tokenizer = GPT2Tokenizer.load();
        ScratchLLM.manualSeed(s.seed());
        Tensor ids = TextGeneration.generate(model, TextGeneration.textToTokenIds(s.prompt(), tokenizer), s.maxNewTokens(), model.config().contextLength(),
                s.temperature(), s.topK(), (long) tokenizer.eotToken());
        String text = TextGeneration.tokenIdsToText(ids, tokenizer);
        out.println(text);
        return text;
    }

    /** GPT-2 weights from a {@code model.safetensors} file, or by name ({@code gpt2}, {@code gpt2-medium}, …) from the cache or a download. */
    static GPTModel loadGpt2(String fileOrName, PrintStream out) throws IOException {
        Path p = Path.of(fileOrName);
        GPTModel m = Files.isRegularFile(p) ? GPT2Weights.load(p) : GPT2Weights.loadPretrained(fileOrName);
        out.printf("Loaded GPT-2 weights (%,d parameters)%n", m.numParameters());
        return m;
    }

    static GPTModel loadCheckpoint(Path dir) throws IOException {
        if (Files.isRegularFile(dir)) throw new IOException(dir + " is a file; --checkpoint expects the checkpoint folder that pretrain writes");
        Path meta = dir.resolve("checkpoint.json");
        if (!Files.isRegularFile(meta))
            throw new IOException(dir + ": no checkpoint here (run 'pretrain' first, or pass --checkpoint DIR)");
        Map<String, Object> m = dev.scratchllm.io.Json.parseObject(Files.readString(meta, StandardCharsets.UTF_8), meta.toString());
        if (!(m.get("extra") instanceof Map<?, ?> extra) || !(extra.get("gpt.config") instanceof String cfgJson))
            throw new IOException(meta + ": field extra.gpt.config is missing: not a GPT checkpoint");
        GPTConfig cfg = GPTConfig.fromJson(cfgJson, meta + " extra.gpt.config");
        GPTModel model = new GPTModel(cfg);
        Checkpoint.load(dir, model, null);
        return model;
    }
}
