/*
 * ModelSource: where a fine-tuning command gets its starting model: GPT-2's pretrained weights
 * (a model.safetensors file, or a model name such as "gpt2" that GPT2Download finds or fetches),
 * else a checkpoint written by "pretrain", else a freshly initialised model with a notice; and
 * the reverse for "classify" and "respond": rebuilding a fine-tuned model (2-class head, LoRA
 * wrappers) from its checkpoint's recorded settings. Also the starting-model options the
 * fine-tuning commands share.
 *
 * It does not train or generate.
 */
package dev.scratchllm.cli;

import dev.scratchllm.ScratchLLM;
import dev.scratchllm.finetune.LoRA;
import dev.scratchllm.gpt.GPTConfig;
import dev.scratchllm.gpt.GPTModel;
import dev.scratchllm.io.Checkpoint;
import dev.scratchllm.io.GPT2Weights;
import dev.scratchllm.io.Json;
import dev.scratchllm.io.Safetensors;
import dev.scratchllm.nn.Linear;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The starting model of a fine-tuning run, and fine-tuned models from their checkpoints. */
final class ModelSource {
    private ModelSource() {
    }

    /**
     * The base model: {@code gpt2} (a {@code .safetensors} path or a model name) if given, else
     * {@code checkpoint} if given, else a new model of {@code scratch} after
     * {@code manualSeed(seed)}, with a notice on {@code out}. The dropout rate is set to
     * {@code dropRate} (the book fine-tunes with 0.0) and the model is left in train mode.
     */
    static GPTModel load(String gpt2, Path checkpoint, GPTConfig scratch, double dropRate, long seed, PrintStream out) throws IOException {
        GPTModel model;
        if (gpt2 != null) {
            Path file = Path.of(gpt2);
            if (Files.isRegularFile(file)) {
                GPTConfig cfg = GPT2Weights.inferConfig(file).withDropRate(dropRate);
                model = GPT2Weights.load(file, cfg);
                out.println("Model: GPT-2 weights from " + file);
            } else {
                GPTConfig cfg = GPT2Weights.config(gpt2).withDropRate(dropRate);
                model = GPT2Weights.load(dev.scratchllm.io.GPT2Download.fetch(gpt2), cfg);
                out.println("Model: GPT-2 " + gpt2 + " (pretrained weights)");
            }
        } else if (checkpoint != null) {
            GPTConfig cfg = config(checkpoint).withDropRate(dropRate);
            model = build(checkpoint, cfg);
            checkWeights(checkpoint, model);
            Checkpoint.load(checkpoint, model, null);
            out.println("Model: checkpoint " + checkpoint + " (" + describe(cfg) + ")");
        } else {
            ScratchLLM.manualSeed(seed);
            model = new GPTModel(scratch.withDropRate(dropRate));
            out.println("Notice: no --gpt2 weights and no --checkpoint given, so this run starts from a randomly initialised model ("
                    + describe(scratch) + "); the book fine-tunes GPT-2's pretrained weights, and a pretrained start "
                    + "(scratchllm pretrain, then --checkpoint runs/pretrain/checkpoint) does much better.");
        }
        model.train();
        return model;
    }

    static String describe(GPTConfig c) {
        return String.format(Locale.ROOT, "emb %d, %d layers, %d heads, context %d", c.embDim(), c.nLayers(), c.nHeads(), c.contextLength());
    }

    /** The {@code gpt.config} a checkpoint recorded. */
    static GPTConfig config(Path checkpoint) throws IOException {
        String json = extra(checkpoint).get("gpt.config");
        if (json == null) throw new IOException(checkpoint + ": field extra.gpt.config is missing: not a GPT checkpoint");
        try {
            return GPTConfig.fromJson(json, checkpoint + " extra.gpt.config");
        } catch (IllegalArgumentException e) {
            String m = e.getMessage();
            throw new IOException(m.startsWith(checkpoint.toString()) ? m : checkpoint + ": field extra.gpt.config: " + m, e);
        }
    }

    /** A model of {@code cfg}, or an error naming the checkpoint when it is too large to build. */
    private static GPTModel build(Path checkpoint, GPTConfig cfg) throws IOException {
        try {
            return new GPTModel(cfg);
        } catch (IllegalArgumentException e) {
            throw new IOException(checkpoint + ": field extra.gpt.config: " + e.getMessage(), e);
        }
    }

    /**
     * Checks the names, shapes and dtypes in the checkpoint's {@code model.safetensors} header
     * against {@code model} before anything is read, so extra or oversized tensors cost nothing.
     */
    private static void checkWeights(Path checkpoint, GPTModel model) throws IOException {
        Path file = checkpoint.resolve("model.safetensors");
        if (Files.isRegularFile(file)) Safetensors.checkFor(file, model.stateDict(), true);
    }

    /** The largest {@code num_classes} a classifier checkpoint may record. */
    static final int MAX_CLASSES = 1 << 16;

    /** An integer field of {@code extra} in {@code [min, max]}, or an error naming the checkpoint, the field and the range. */
    static int intField(Path checkpoint, Map<String, String> extra, String key, int min, int max) throws IOException {
        String v = extra.get(key);
        long n;
        try {
            n = Long.parseLong(v == null ? "" : v.strip());
        } catch (NumberFormatException e) {
            n = Long.MIN_VALUE;
        }
        if (n < min || n > max)
            throw new IOException(checkpoint.resolve("checkpoint.json") + ": field extra." + key + " is " + v + ", expected an integer from "
                    + min + " to " + max);
        return (int) n;
    }

    /** The free-form string fields of a checkpoint's {@code checkpoint.json}. */
    static Map<String, String> extra(Path checkpoint) throws IOException {
        if (Files.isRegularFile(checkpoint)) throw new IOException(checkpoint + " is a file; --checkpoint expects a checkpoint folder");
        Path meta = checkpoint.resolve("checkpoint.json");
        if (!Files.isRegularFile(meta)) throw new IOException(checkpoint + ": no checkpoint here (no checkpoint.json)");
        Map<String, Object> m;
        try {
            m = Json.parseObject(Files.readString(meta, StandardCharsets.UTF_8), meta.toString());
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage(), e);
        }
        Map<String, String> out = new LinkedHashMap<>();
        if (m.get("extra") instanceof Map<?, ?> x) for (var e : x.entrySet()) out.put(String.valueOf(e.getKey()), String.valueOf(e.getValue()));
        return out;
    }

    /**
     * A fine-tuned model from its checkpoint: the recorded configuration, a
     * {@code Linear(emb, num_classes)} head when {@code num_classes} is recorded, LoRA wrappers
     * when {@code lora.rank} is, then the weights. Eval mode.
     */
    static GPTModel loadFineTuned(Path checkpoint, String expectedTask) throws IOException {
        Map<String, String> extra = extra(checkpoint);
        String task = extra.get("task");
        if (!expectedTask.equals(task))
            throw new IOException(checkpoint + ": a checkpoint of task \"" + task + "\", expected \"" + expectedTask + "\"");
        GPTConfig cfg = config(checkpoint);
        // every recorded size is checked before the model is built
        Integer classes = extra.containsKey("num_classes") ? intField(checkpoint, extra, "num_classes", 2, MAX_CLASSES) : null;
        Integer rank = extra.containsKey("lora.rank") ? intField(checkpoint, extra, "lora.rank", 1, cfg.embDim()) : null;
        double alpha = 0;
        if (rank != null) {
            try {
                alpha = Double.parseDouble(String.valueOf(extra.get("lora.alpha")));
            } catch (NumberFormatException e) {
                alpha = Double.NaN;
            }
            if (!Double.isFinite(alpha))
                throw new IOException(checkpoint.resolve("checkpoint.json") + ": field extra.lora.alpha is " + extra.get("lora.alpha") + ", expected a finite number");
        }
        GPTModel model = build(checkpoint, cfg);
        if (classes != null) model.setOutHead(new Linear(model.config().embDim(), classes));
        if (rank != null) LoRA.replaceLinearWithLora(model, rank, alpha);
        checkWeights(checkpoint, model);
        Checkpoint.load(checkpoint, model, null);
        model.eval();
        return model;
    }

    // ------------------------------------------------------------------ options

    private static final List<String> SIZE_OPTIONS = List.of("--emb-dim", "--layers", "--heads", "--context");

    /** Declares the starting-model options of a fine-tuning command: {@code --gpt2}, {@code --checkpoint} and the from-scratch sizes. */
    static Options.Spec modelOptions(Options.Spec spec, String gpt2Example) {
        GPTConfig base = GPTConfig.GPT_CONFIG_124M;
        return spec.text("--gpt2", "FILE|NAME", null, "start from GPT-2's weights: a model.safetensors file or a name (" + gpt2Example + ")")
                .path("--checkpoint", "DIR", null, "start from a pretrain checkpoint")
                .integer("--emb-dim", "N", base.embDim(), 1, Integer.MAX_VALUE, "without --gpt2/--checkpoint: embedding dimension")
                .integer("--layers", "N", base.nLayers(), 1, 1_000_000, "without --gpt2/--checkpoint: transformer blocks")
                .integer("--heads", "N", base.nHeads(), 1, 1 << 16, "without --gpt2/--checkpoint: attention heads")
                .integer("--context", "N", base.contextLength(), 1, 46_340, "without --gpt2/--checkpoint: context length");
    }

    /**
     * The from-scratch configuration of {@link #modelOptions}, checked ({@link ModelLimits#scratch});
     * refuses {@code --gpt2} with {@code --checkpoint}, and size options that a loaded model would
     * silently ignore.
     */
    static GPTConfig scratchConfig(Options o, String command) {
        boolean loaded = o.given("--gpt2") || o.given("--checkpoint");
        if (o.given("--gpt2") && o.given("--checkpoint")) throw new UsageException(command + ": give --gpt2 or --checkpoint, not both");
        for (String size : SIZE_OPTIONS)
            if (loaded && o.given(size))
                throw new UsageException(command + ": " + size + " sets the size of a new model; a model from --gpt2 or --checkpoint has its own size");
        if (loaded) return GPTConfig.GPT_CONFIG_124M.withDropRate(0.0); // unused: the loaded model has its own
        return ModelLimits.scratch(command, o.integer("--context"), o.integer("--emb-dim"), o.integer("--heads"), o.integer("--layers"), 0.0);
    }
}
