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

    static Settings parse(List<String> args) {
        Path ckpt = Path.of("runs", "pretrain", "checkpoint");
        String prompt = "Every effort moves you";
        int max = 25;
        float temp = 1.4f;
        Integer topK = 25;
        long seed = 123;
        String gpt2 = null;
        for (int i = 0; i < args.size(); i++) {
            String k = args.get(i);
            if (i + 1 >= args.size()) throw new IllegalArgumentException("generate: option " + k + " needs a value");
            String v = args.get(++i);
            try {
                switch (k) {
                    case "--checkpoint" -> ckpt = Path.of(v);
                    case "--gpt2" -> gpt2 = v;
                    case "--prompt" -> prompt = v;
                    case "--max-tokens" -> max = Integer.parseInt(v);
                    case "--temperature" -> temp = Float.parseFloat(v);
                    case "--top-k" -> topK = v.equals("none") ? null : Integer.valueOf(v);
                    case "--seed" -> seed = Long.parseLong(v);
                    default -> throw new IllegalArgumentException("generate: unknown option " + k);
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("generate: option " + k + " expects a number, got '" + v + "'");
            }
        }
        return new Settings(ckpt, gpt2, prompt, max, temp, topK, seed);
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
