/*
 * ModelCatalog: the models "generate", "chat" and "serve" run by name (--model NAME) or from a
 * Hugging Face folder (--weights DIR), each turned into one serve.CausalLMBackend: GPT-2 in four
 * sizes over GPTInference, Llama 3.2 Instruct (1B, 3B) and Qwen3 (0.6B to 8B) over RoPEInference,
 * read from the folder tensor by tensor in the weight format asked for (one copy of the weights,
 * shared by every request's sibling instance). It reads config.json and checks it against the name, and says
 * which files are missing, where to put them and where to download them. --inference FILE runs
 * GPT-2 weights that 'convert' saved in their format (infer.GPTInferenceFile) instead.
 *
 * It does not download Llama or Qwen weights (GPT-2's come from the book's download when no
 * --weights is given), and it serves the instruction-tuned Llama models' chat format; a base
 * Llama checkpoint can still be used with generate.
 */
package dev.scratchllm.cli;

import dev.scratchllm.attention.RoPEDecoderModel;
import dev.scratchllm.gpt.GPTConfig;
import dev.scratchllm.gpt.GPTModel;
import dev.scratchllm.infer.RoPEInference;
import dev.scratchllm.infer.CausalLM;
import dev.scratchllm.infer.GPTInference;
import dev.scratchllm.infer.GPTInferenceFile;
import dev.scratchllm.infer.WeightFormat;
import dev.scratchllm.io.GPT2Weights;
import dev.scratchllm.io.HFCheckpoint;
import dev.scratchllm.io.Json;
import dev.scratchllm.llama.Llama3Config;
import dev.scratchllm.llama.Llama3Tokenizer;
import dev.scratchllm.llama.Llama3Weights;
import dev.scratchllm.qwen.Qwen3Config;
import dev.scratchllm.qwen.Qwen3Tokenizer;
import dev.scratchllm.qwen.Qwen3Weights;
import dev.scratchllm.serve.CausalLMBackend;
import dev.scratchllm.serve.ChatFormat;
import dev.scratchllm.serve.Gpt2Backend;
import dev.scratchllm.serve.Llama3Chat;
import dev.scratchllm.serve.ModelBackend;
import dev.scratchllm.serve.Qwen3Chat;
import dev.scratchllm.serve.TranscriptChatFormat;
import dev.scratchllm.tokenizer.GPT2Tokenizer;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The named models and how to load them. */
public final class ModelCatalog {
    private ModelCatalog() {
    }

    /** An architecture family. */
    public enum Family {
        /** GPT-2 (the book's GPTModel). */
        GPT2,
        /** Llama 3 / 3.2. */
        LLAMA3,
        /** Qwen3 (dense). */
        QWEN3
    }

    /**
     * One named model.
     *
     * @param name the name given to {@code --model}
     * @param family its architecture
     * @param hfRepo where Hugging Face publishes it
     * @param expected its published configuration (GPTConfig, Llama3Config or Qwen3Config), checked against config.json
     */
    public record Entry(String name, Family family, String hfRepo, Object expected) {
    }

    /** The models, in the order {@code --help} lists them. */
    public static final List<Entry> ENTRIES = List.of(
            new Entry("gpt2", Family.GPT2, "openai-community/gpt2", GPT2Weights.config("gpt2")),
            new Entry("gpt2-medium", Family.GPT2, "openai-community/gpt2-medium", GPT2Weights.config("gpt2-medium")),
            new Entry("gpt2-large", Family.GPT2, "openai-community/gpt2-large", GPT2Weights.config("gpt2-large")),
            new Entry("gpt2-xl", Family.GPT2, "openai-community/gpt2-xl", GPT2Weights.config("gpt2-xl")),
            new Entry("llama3.2-1b", Family.LLAMA3, "meta-llama/Llama-3.2-1B-Instruct", Llama3Config.LLAMA32_CONFIG_1B),
            new Entry("llama3.2-3b", Family.LLAMA3, "meta-llama/Llama-3.2-3B-Instruct", Llama3Config.LLAMA32_CONFIG_3B),
            new Entry("qwen3-0.6b", Family.QWEN3, "Qwen/Qwen3-0.6B", Qwen3Config.QWEN_CONFIG_06_B),
            new Entry("qwen3-1.7b", Family.QWEN3, "Qwen/Qwen3-1.7B", Qwen3Config.QWEN3_CONFIG_1_7B),
            new Entry("qwen3-4b", Family.QWEN3, "Qwen/Qwen3-4B", Qwen3Config.QWEN3_CONFIG_4B),
            new Entry("qwen3-8b", Family.QWEN3, "Qwen/Qwen3-8B", Qwen3Config.QWEN3_CONFIG_8B));

    /**
     * The names, comma-separated, for help texts and errors.
     *
     * @return the names
     */
    public static String names() {
        return String.join(", ", ENTRIES.stream().map(Entry::name).toList());
    }

    /**
     * The entry of a name.
     *
     * @param name a catalog name (case-insensitive)
     * @return the entry
     * @throws UsageException if the name is not in the catalog
     */
    public static Entry entry(String name) {
        for (Entry e : ENTRIES) if (e.name().equalsIgnoreCase(name)) return e;
        throw new UsageException("--model must be one of " + names() + ", got '" + name + "'");
    }

    /**
     * How to load a model.
     *
     * @param model a catalog name, or null (then {@code weights} is required and config.json's {@code model_type} decides)
     * @param weights a Hugging Face folder, or null (GPT-2 only: the book's download)
     * @param format how the inference path stores the matrices
     * @param context the most positions a generation holds (0: the model's context, capped at {@link #DEFAULT_CONTEXT} for Llama and Qwen)
     * @param think Qwen3: let the model think before answering
     * @param inference a file of GPT-2 weights written by {@code convert} ({@link GPTInferenceFile}), or null;
     *        when given, the other fields are unused
     */
    public record Request(String model, Path weights, WeightFormat format, int context, boolean think, Path inference) {
        /** A request for a catalog model or a Hugging Face folder (no {@code --inference} file). */
        public Request(String model, Path weights, WeightFormat format, int context, boolean think) {
            this(model, weights, format, context, think, null);
        }
    }

    /** The default positions per generation for Llama and Qwen (their RoPE tables and caches cover up to 131,072). */
    public static final int DEFAULT_CONTEXT = 4096;

    /**
     * Loads a model as a backend for generate, chat and serve.
     *
     * @param r what to load
     * @param out where to print what was loaded
     * @return the backend
     * @throws IOException if a file is missing or does not fit (the message names it, and where to get it)
     */
    public static CausalLMBackend load(Request r, PrintStream out) throws IOException {
        if (r.inference() != null) return inferenceFile(r.inference(), out);
        Entry e = r.model() == null ? null : entry(r.model());
        if (e == null && r.weights() == null) throw new UsageException("give --model NAME (" + names() + ") or --weights DIR");
        Family family = e != null ? e.family() : detect(r.weights());
        if (r.weights() != null) checkFolder(e, family, r.weights());
        else if (family != Family.GPT2)
            throw new UsageException("--model " + e.name() + " needs --weights DIR: a folder with " + needed(family) + "; " + where(e, family));
        String id = e != null ? e.name() : r.weights().toAbsolutePath().normalize().getFileName().toString();
        return switch (family) {
            case GPT2 -> gpt2(e, r, id, out);
            case LLAMA3 -> llama(e, r, id, out);
            case QWEN3 -> qwen(e, r, id, out);
        };
    }

    /**
     * A Llama 3 or Qwen3 model already in memory (e.g. a {@code pretrain --arch} checkpoint) as a
     * {@link CausalLM}: the inference path over its weights (float32 shares the model's arrays).
     *
     * @param model the loaded model
     * @param format the weight format asked for
     * @param maxBatch sequence slots
     * @param capacity positions per slot
     * @return the CausalLM
     */
    static CausalLM causalLM(RoPEDecoderModel<?> model, WeightFormat format, int maxBatch, int capacity) {
        return new RoPEInference(model, format, maxBatch, capacity);
    }

    /**
     * A checkpoint of {@code pretrain --arch llama3|qwen3} ({@link ArchModels}) on the inference
     * path, with GPT-2's vocabulary (what it was trained with) and a plain transcript chat format.
     *
     * @param dir the checkpoint folder
     * @param out where the model line is printed
     * @return the backend
     * @throws IOException if the checkpoint cannot be read
     */
    static ModelBackend archCheckpoint(Path dir, PrintStream out) throws IOException {
        RoPEDecoderModel<?> model = ArchModels.load(dir);
        int cap = model.contextLength();
        RoPEInference first = new RoPEInference(model, WeightFormat.F32, 1, cap);
        String arch = ArchModels.archOf(model);
        out.printf(Locale.ROOT, "Model: checkpoint %s (%s, %,d parameters, context %d)%n", dir, arch, first.parameterCount(), cap);
        return ropeBackend("scratchllm-" + arch, arch, first, Gpt2Backend.vocabulary(GPT2Tokenizer.load()), new TranscriptChatFormat());
    }

    /** A backend over {@code first} whose further concurrent requests get siblings (their own caches, the same weights). */
    private static CausalLMBackend ropeBackend(String id, String family, RoPEInference first, CausalLMBackend.Vocabulary vocab, ChatFormat chat) {
        int cap = first.capacity();
        return new CausalLMBackend(new CausalLMBackend.Info(id, family, first.parameterCount(), cap), first, () -> first.sibling(1, cap), vocab, chat);
    }

    /** Whether {@code dir} is a checkpoint of {@code pretrain --arch llama3|qwen3} (false when it holds no checkpoint). */
    static boolean isArchCheckpoint(Path dir) throws IOException {
        return dir != null && Files.isRegularFile(dir.resolve("checkpoint.json")) && ArchModels.recordsArch(dir);
    }

    private static Family detect(Path dir) throws IOException {
        Map<String, Object> cfg = readConfig(null, dir);
        Object type = cfg.get("model_type");
        if ("llama".equals(type)) return Family.LLAMA3;
        if ("qwen3".equals(type)) return Family.QWEN3;
        if ("gpt2".equals(type)) return Family.GPT2;
        throw new IOException(dir.resolve("config.json") + ": field \"model_type\" is " + (type == null ? "missing" : "\"" + type + "\"")
                + "; expected \"llama\", \"qwen3\" or \"gpt2\" (or name the model with --model: " + names() + ")");
    }

    private static String where(Entry e, Family f) {
        if (e != null) return "download them from https://huggingface.co/" + e.hfRepo()
                + (f == Family.LLAMA3 ? " (a gated repository: accept Meta's licence there first)" : "")
                + ", e.g. huggingface-cli download " + e.hfRepo() + " --local-dir DIR";
        return "download them from Hugging Face (e.g. meta-llama/Llama-3.2-1B-Instruct or Qwen/Qwen3-0.6B)";
    }

    /** Checks that the folder holds the files the family needs, naming the missing ones and where to get them. */
    private static void checkFolder(Entry e, Family f, Path dir) throws IOException {
        if (!Files.isDirectory(dir))
            throw new IOException(dir + " is not a folder; --weights expects a Hugging Face model folder with "
                    + needed(f) + "; " + where(e, f));
        List<String> missing = new java.util.ArrayList<>();
        if (f != Family.GPT2 && !Files.isRegularFile(dir.resolve("config.json"))) missing.add("config.json");
        if (!Files.isRegularFile(dir.resolve(HFCheckpoint.SINGLE)) && !Files.isRegularFile(dir.resolve(HFCheckpoint.INDEX)))
            missing.add(HFCheckpoint.SINGLE + " (or " + HFCheckpoint.INDEX + " and its shards)");
        if (f == Family.LLAMA3 && !Files.isRegularFile(dir.resolve("tokenizer.json")) && !Files.isRegularFile(dir.resolve("tokenizer.model"))
                && !Files.isRegularFile(dir.resolve("original/tokenizer.model")))
            missing.add("tokenizer.json (or original/tokenizer.model)");
        if (!missing.isEmpty())
            throw new IOException(dir + ": missing " + String.join(", ", missing) + "; put the model's files in this folder (" + needed(f) + "); " + where(e, f));
    }

    private static String needed(Family f) {
        return switch (f) {
            case GPT2 -> "model.safetensors";
            case LLAMA3 -> "config.json, model.safetensors or model.safetensors.index.json with its shards, tokenizer.json or original/tokenizer.model";
            case QWEN3 -> "config.json, model.safetensors or model.safetensors.index.json with its shards; tokenizer.json is optional (the Qwen3 vocabulary is bundled)";
        };
    }

    private static Map<String, Object> readConfig(Entry e, Path dir) throws IOException {
        Path p = dir.resolve("config.json");
        if (!Files.isRegularFile(p)) throw new IOException(dir + ": missing config.json; " + where(e, e == null ? Family.QWEN3 : e.family()));
        try {
            return Json.parseObject(Files.readString(p, StandardCharsets.UTF_8), p.toString());
        } catch (IllegalArgumentException ex) {
            throw new IOException(ex.getMessage(), ex);
        }
    }

    private static int capacity(int requested, int modelContext) {
        int c = requested > 0 ? requested : Math.min(modelContext, DEFAULT_CONTEXT);
        if (c > modelContext) throw new UsageException("--context " + c + " is more than the model's context length " + modelContext);
        return c;
    }

    private static CausalLMBackend gpt2(Entry e, Request r, String id, PrintStream out) throws IOException {
        GPTModel model = gpt2Model(e, r);
        if (r.context() > 0 && r.context() != model.config().contextLength())
            throw new UsageException("--context applies to Llama and Qwen; GPT-2 runs over its own context of " + model.config().contextLength());
        out.printf(Locale.ROOT, "Model: %s (GPT-2, %,d parameters, %s weights)%n", id, model.numParameters(), r.format().name().toLowerCase(Locale.ROOT));
        return new Gpt2Backend(id, model, GPT2Tokenizer.load(), new TranscriptChatFormat(), r.format());
    }

    /** GPT-2's weights from the request's folder, or by the entry's name from the cache or a download. */
    private static GPTModel gpt2Model(Entry e, Request r) throws IOException {
        if (r.weights() == null) return GPT2Weights.loadPretrained(e.name());
        Path file = r.weights().resolve(HFCheckpoint.SINGLE);
        GPTConfig cfg = e != null ? (GPTConfig) e.expected() : GPT2Weights.inferConfig(file);
        return GPT2Weights.load(file, cfg);
    }

    /**
     * The GPT-2 model a request names (for {@code convert}); Llama and Qwen are refused, as their
     * Hugging Face folders load in any weight format directly.
     *
     * @param r the request (its format is not applied here)
     * @return the model, in float32
     * @throws IOException if a file is missing or does not fit
     */
    static GPTModel gpt2Model(Request r) throws IOException {
        Entry e = r.model() == null ? null : entry(r.model());
        if (e == null && r.weights() == null) throw new UsageException("give --model NAME (" + names() + ") or --weights DIR");
        Family family = e != null ? e.family() : detect(r.weights());
        if (family != Family.GPT2)
            throw new UsageException("convert writes GPT-2 models; Llama and Qwen read their Hugging Face folders in any --weights-format directly");
        if (r.weights() != null) checkFolder(e, family, r.weights());
        return gpt2Model(e, r);
    }

    /** GPT-2 weights written by {@code convert}, in their stored format, with a transcript chat format. */
    private static CausalLMBackend inferenceFile(Path file, PrintStream out) throws IOException {
        if (!Files.isRegularFile(file))
            throw new IOException(file + ": no such file; --inference expects a file written by 'convert'");
        GPTInference inf = GPTInferenceFile.load(file, 1, 0);
        String name = file.getFileName().toString();
        String id = name.endsWith(".safetensors") ? name.substring(0, name.length() - ".safetensors".length()) : name;
        out.printf(Locale.ROOT, "Model: %s (GPT-2, %,d parameters, %s weights, from %s)%n", id, inf.parameterCount(),
                inf.format().name().toLowerCase(Locale.ROOT), file);
        return new Gpt2Backend(id, inf, GPT2Tokenizer.load(), new TranscriptChatFormat());
    }

    private static CausalLMBackend llama(Entry e, Request r, String id, PrintStream out) throws IOException {
        Map<String, Object> hf = readConfig(e, r.weights());
        Llama3Config cfg = Llama3Weights.config(hf, r.weights().resolve("config.json").toString());
        if (e != null) checkAgainst(e, r.weights(), cfg.withContextLength(1), ((Llama3Config) e.expected()).withContextLength(1));
        int cap = capacity(r.context(), cfg.contextLength());
        RoPEInference first = RoPEInference.load(r.weights(), r.format(), 1, cap); // tensor by tensor, BF16 kept as BF16
        Llama3Tokenizer tok;
        try {
            tok = Llama3Tokenizer.load(r.weights());
        } catch (IllegalArgumentException ex) {
            throw new IOException(ex.getMessage(), ex);
        }
        out.printf(Locale.ROOT, "Model: %s (Llama 3, %,d parameters, context %d, %s weights)%n", id, first.parameterCount(), cap,
                r.format().name().toLowerCase(Locale.ROOT));
        var vocab = new CausalLMBackend.Vocabulary(text -> tok.encode(text, true, false), i -> tok.decodeBytes(new int[] {i}), new int[] {tok.bosId()},
                new int[] {tok.eotId(), tok.eosId()});
        return ropeBackend(id, "llama", first, vocab, new Llama3Chat(tok));
    }

    private static CausalLMBackend qwen(Entry e, Request r, String id, PrintStream out) throws IOException {
        Map<String, Object> hf = readConfig(e, r.weights());
        Qwen3Config cfg = Qwen3Weights.config(hf, r.weights().resolve("config.json").toString());
        if (e != null) checkAgainst(e, r.weights(), cfg.withContextLength(1), ((Qwen3Config) e.expected()).withContextLength(1));
        int cap = capacity(r.context(), cfg.contextLength());
        RoPEInference first = RoPEInference.load(r.weights(), r.format(), 1, cap); // tensor by tensor, BF16 kept as BF16
        Qwen3Tokenizer tok;
        try {
            tok = Qwen3Tokenizer.load(r.weights());
        } catch (IllegalArgumentException ex) {
            throw new IOException(ex.getMessage(), ex);
        }
        if (tok.vocabSize() > cfg.vocabSize())
            throw new IOException(r.weights().resolve("config.json") + ": field \"vocab_size\" is " + cfg.vocabSize() + " but the tokenizer has "
                    + tok.vocabSize() + " ids; the tokenizer does not belong to this model");
        out.printf(Locale.ROOT, "Model: %s (Qwen3, %,d parameters, context %d, %s weights, thinking %s)%n", id, first.parameterCount(), cap,
                r.format().name().toLowerCase(Locale.ROOT), r.think() ? "on" : "off");
        var vocab = new CausalLMBackend.Vocabulary(tok::encodeOrdinary, i -> tok.decodeBytes(new int[] {i}), new int[] {tok.endOfTextId()},
                new int[] {tok.imEndId(), tok.endOfTextId()});
        return ropeBackend(id, "qwen3", first, vocab, new Qwen3Chat(tok, r.think()));
    }

    /** config.json against the named model's published configuration (the context length aside). */
    private static void checkAgainst(Entry e, Path dir, Object got, Object want) throws IOException {
        if (!got.equals(want))
            throw new IOException(dir.resolve("config.json") + " does not describe " + e.name() + " (" + e.hfRepo() + "): it gives " + got
                    + ", expected " + want + "; pass the folder of " + e.hfRepo() + ", or leave out --model to run whatever the folder holds");
    }

    // ------------------------------------------------------------------ options shared by generate, chat and serve

    /** Declares {@code --model}, {@code --weights}, {@code --weights-format}, {@code --context}, {@code --inference}. */
    static Options.Spec modelOptions(Options.Spec spec) {
        return inferenceOption(modelSourceOptions(spec));
    }

    /** Declares {@code --inference}. */
    private static Options.Spec inferenceOption(Options.Spec spec) {
        return spec.path("--inference", "FILE", null, "GPT-2 weights saved by 'convert', loaded in their stored format (f32, bf16 or q8_0)");
    }

    /** Declares {@code --model}, {@code --weights}, {@code --weights-format}, {@code --context}. */
    static Options.Spec modelSourceOptions(Options.Spec spec) {
        return spec.text("--model", "NAME", null, "a named model: " + names())
                .path("--weights", "DIR", null, "its Hugging Face folder (config.json, model.safetensors or the sharded index, tokenizer.json)")
                .text("--weights-format", "f32|bf16|q8_0", "f32", "how the inference path stores the weight matrices")
                .integer("--context", "N", null, 1, 1 << 20, "Llama/Qwen: the most positions a generation holds (default: the model's, at most " + DEFAULT_CONTEXT + ")");
    }

    /**
     * Whether {@code --model} or {@code --weights} was given; refuses {@code --weights-format} and
     * {@code --context} without them (a checkpoint or --gpt2 model would silently ignore them).
     */
    static boolean given(Options o) {
        boolean g = o.given("--model") || o.given("--weights");
        if (o.given("--inference")) {
            for (String opt : List.of("--model", "--weights", "--weights-format", "--context"))
                if (o.given(opt)) throw new UsageException("--inference loads a file written by 'convert' (its weights, format and context are in it): leave out " + opt);
            return true;
        }
        for (String opt : List.of("--weights-format", "--context"))
            if (!g && o.given(opt)) throw new UsageException(opt + " applies to a catalog model: give --model NAME or --weights DIR with it");
        return g;
    }

    /** The request of {@link #modelOptions}; the name is checked here. */
    static Request request(Options o, boolean think) {
        String name = o.text("--model");
        if (name != null) entry(name);
        String f = o.text("--weights-format").toLowerCase(Locale.ROOT);
        WeightFormat format = switch (f) {
            case "f32" -> WeightFormat.F32;
            case "bf16" -> WeightFormat.BF16;
            case "q8_0", "q8" -> WeightFormat.Q8_0;
            default -> throw new UsageException("--weights-format must be f32, bf16 or q8_0, got '" + f + "'");
        };
        return new Request(name, o.path("--weights"), format, o.integer("--context", 0), think, o.declared("--inference") ? o.path("--inference") : null);
    }
}
