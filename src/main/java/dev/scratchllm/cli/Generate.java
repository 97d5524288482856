package dev.scratchllm.cli;

import dev.scratchllm.ScratchLLM;
import dev.scratchllm.gpt.GPTConfig;
import dev.scratchllm.gpt.GPTModel;
import dev.scratchllm.io.Checkpoint;
import dev.scratchllm.io.GPT2Weights;
import dev.scratchllm.serve.Gpt2Backend;
import dev.scratchllm.serve.ModelBackend;
import dev.scratchllm.serve.SamplingParams;
import dev.scratchllm.serve.TranscriptChatFormat;
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
 * {@code generate}: loads a model — a checkpoint directory written by {@code pretrain}, OpenAI's
 * GPT-2 weights ({@code --gpt2 model.safetensors} or a size name), or any catalog model
 * ({@code --model NAME --weights DIR}: GPT-2, Llama 3.2, Qwen3) — and continues a prompt,
 * printing the text as it comes (whole UTF-8 characters only). It runs on the inference path
 * ({@link dev.scratchllm.serve.CausalLMBackend}) with temperature, top-k, top-p and a repetition
 * penalty, seeded so runs repeat: with top-p 1 and no penalty a seed picks the tokens that the
 * book's {@code torch.manual_seed(seed)} + {@code generate} picks ({@code --book} runs the book's
 * own {@code generate} instead). It stops at the model's end-of-text token.
 */
public final class Generate {
    private Generate() {
    }

    /**
     * The command's options.
     *
     * @param checkpoint the checkpoint written by {@code pretrain}, used when {@code gpt2} and {@code model} are null
     * @param gpt2 a GPT-2 {@code model.safetensors} file or size name, or null
     * @param prompt the text to continue
     * @param maxNewTokens the most tokens to generate
     * @param temperature the sampling temperature (0 for greedy)
     * @param topK the top-k cut, or null for none
     * @param seed the seed set before generating
     * @param topP the top-p (nucleus) mass, 1 for none
     * @param repetitionPenalty the repetition penalty, 1 for none
     * @param model a catalog model ({@code --model}/{@code --weights}), or null
     * @param book run the book's {@code generate} (no streaming, no top-p or penalty)
     */
    public record Settings(Path checkpoint, String gpt2, String prompt, int maxNewTokens, float temperature, Integer topK, long seed,
                           double topP, double repetitionPenalty, ModelCatalog.Request model, boolean book) {
    }

    static final Options.Spec OPTIONS = ModelCatalog.modelOptions(new Options.Spec("generate", "[OPTIONS]",
            "Continue a prompt with a pretrained checkpoint (default runs/pretrain/checkpoint), GPT-2's weights, or a catalog model (--model, --weights).")
            .path("--checkpoint", "DIR", Path.of("runs", "pretrain", "checkpoint").toString(), "checkpoint folder written by pretrain")
            .text("--gpt2", "FILE|NAME", null, "GPT-2 weights instead: a model.safetensors file or gpt2, gpt2-medium, gpt2-large, gpt2-xl"))
            .text("--prompt", "TEXT", "Every effort moves you", "the text to continue (not empty)")
            .integer("--max-new-tokens", "N", 25, 1, Integer.MAX_VALUE, "most tokens to generate")
            .alias("--max-tokens", "--max-new-tokens")
            .number("--temperature", "X", 1.4, Options.Range.atLeast(0), "sampling temperature; 0 picks the most likely token")
            .integerOrNone("--top-k", "K", 25, 1, 50_257, "sample among the K most likely tokens")
            .number("--top-p", "P", 1.0, Options.Range.of(0, true, 1, false), "nucleus sampling: the smallest set of likely tokens with this mass (1: off)")
            .number("--repetition-penalty", "X", 1.0, Options.Range.above(0), "divide the logits of tokens already seen (1: off)")
            .longValue("--seed", "N", 123, "random seed set before generating")
            .flag("--book", "run the book's generate (chapter 5) instead of the inference path: no streaming, no --top-p/--repetition-penalty");

    static Settings parse(List<String> args) {
        Options o = OPTIONS.parse(args);
        if (o.given("--gpt2") && o.given("--checkpoint"))
            throw new UsageException("generate: give --gpt2 or --checkpoint, not both");
        if (ModelCatalog.given(o) && (o.given("--gpt2") || o.given("--checkpoint")))
            throw new UsageException("generate: give --model/--weights, or --gpt2, or --checkpoint");
        if (o.text("--prompt").isEmpty()) throw new UsageException("generate: --prompt needs a non-empty text to continue");
        ModelCatalog.Request model = ModelCatalog.given(o) ? ModelCatalog.request(o, false) : null;
        if (o.flag("--book") && (model != null || o.number("--top-p") != 1.0 || o.number("--repetition-penalty") != 1.0))
            throw new UsageException("generate: --book runs the book's generate on --checkpoint or --gpt2, without --top-p or --repetition-penalty");
        return new Settings(o.path("--checkpoint"), o.text("--gpt2"), o.text("--prompt"), o.integer("--max-new-tokens"), (float) o.number("--temperature"),
                o.optionalInteger("--top-k"), o.longValue("--seed"), o.number("--top-p"), o.number("--repetition-penalty"), model, o.flag("--book"));
    }

    /**
     * Loads the model and prints the prompt and its continuation as it is generated; returns the text.
     *
     * @param s the settings
     * @param out where to print
     * @return the prompt and its continuation
     * @throws IOException if the model cannot be read or downloaded
     */
    public static String run(Settings s, PrintStream out) throws IOException {
        if (s.book()) return runBook(s, out);
        ModelBackend backend;
        if (s.model() != null) {
            backend = ModelCatalog.load(s.model(), out);
        } else if (s.gpt2() == null && ModelCatalog.isArchCheckpoint(s.checkpoint())) {
            backend = ModelCatalog.archCheckpoint(s.checkpoint(), out);
        } else {
            GPTModel model = s.gpt2() != null ? loadGpt2(s.gpt2(), out) : loadCheckpoint(s.checkpoint());
            backend = new Gpt2Backend("gpt2", model, GPT2Tokenizer.load(), new TranscriptChatFormat());
        }
        int[] prompt = backend.encode(s.prompt());
        if (prompt.length >= backend.contextLength() && s.model() != null)
            throw new IllegalArgumentException("generate: the prompt is " + prompt.length + " tokens; the context holds " + backend.contextLength());
        SamplingParams p = SamplingParams.of(s.maxNewTokens(), s.temperature(), s.topK(), s.topP(), (float) s.repetitionPenalty(), s.seed(), List.of());
        out.print(s.prompt());
        StreamedReply.Result r = StreamedReply.run(backend, prompt, p, out);
        out.println();
        return s.prompt() + r.text();
    }

    /** The book's path: {@code torch.manual_seed(seed)}, then chapter 5's {@code generate}, printed at the end. */
    private static String runBook(Settings s, PrintStream out) throws IOException {
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
