/*
 * ArchModels: the Llama 3 and Qwen3 models that "pretrain --arch llama3|qwen3" trains from
 * scratch. It builds their small configurations from the command line's sizes (GPT-2's
 * vocabulary of 50,257 tokens, since the-verdict is tokenized as in the book), writes each
 * configuration as JSON into a checkpoint's extra fields ("arch" and "llama3.config" or
 * "qwen3.config", as "gpt.config" for GPT), and rebuilds the model from such a checkpoint.
 *
 * It does not read Hugging Face weights (llama/Llama3Weights and qwen/Qwen3Weights do), GPT
 * checkpoints (ModelSource does), nor the optimizer state; loading does not touch the default
 * generator.
 */
package dev.scratchllm.cli;

import dev.scratchllm.attention.RoPE;
import dev.scratchllm.attention.RoPEDecoderModel;
import dev.scratchllm.gpt.GPTConfig;
import dev.scratchllm.io.Json;
import dev.scratchllm.io.Safetensors;
import dev.scratchllm.llama.Llama3Config;
import dev.scratchllm.llama.Llama3Model;
import dev.scratchllm.qwen.Qwen3Config;
import dev.scratchllm.qwen.Qwen3Model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Llama 3 and Qwen3 models trained from scratch: their configurations, and loading them from checkpoints. */
public final class ArchModels {
    private ArchModels() {
    }

    /** The architectures {@code pretrain --arch} accepts; the first is the default. */
    public static final List<String> ARCHS = List.of("gpt2", "llama3", "qwen3");

    /** The extra field that names the architecture of a Llama 3 or Qwen3 checkpoint. */
    public static final String ARCH_FIELD = "arch";

    /** RoPE's theta for a Llama 3 trained from scratch: Llama 3.2's (its frequency scaling is for long contexts, so none here). */
    static final double LLAMA_ROPE_BASE = 500_000.0;
    /** RoPE's theta for a Qwen3 trained from scratch: the dense Qwen3 models'. */
    static final double QWEN_ROPE_BASE = 1_000_000.0;

    /**
     * The sizes of a model built from the command line.
     *
     * @param contextLength the context length
     * @param embDim the model width
     * @param nHeads the query heads
     * @param nLayers the transformer blocks
     * @param hiddenDim the SwiGLU feed-forward's intermediate width
     * @param nKvGroups the key/value heads
     * @param tied whether the output head shares the token embedding
     */
    public record Sizes(int contextLength, int embDim, int nHeads, int nLayers, int hiddenDim, int nKvGroups, boolean tied) {
    }

    /** The key/value heads when {@code --kv-groups} is not given: half the query heads when that divides them, else one per head. */
    static int defaultKvGroups(int nHeads) {
        return nHeads % 2 == 0 ? nHeads / 2 : nHeads;
    }

    /** The feed-forward width when {@code --hidden-dim} is not given: 4 × the width, Llama 3.2 1B's ratio. */
    static long defaultHiddenDim(int embDim) {
        return 4L * embDim;
    }

    /** The {@code extra} key under which a checkpoint of {@code arch} records its configuration. */
    static String configField(String arch) {
        return arch + ".config";
    }

    /** The Llama 3 configuration of {@code s} with GPT-2's vocabulary. */
    static Llama3Config llamaConfig(Sizes s) {
        return new Llama3Config(GPTConfig.GPT_CONFIG_124M.vocabSize(), s.contextLength(), s.embDim(), s.nHeads(), s.nLayers(), s.hiddenDim(),
                s.nKvGroups(), LLAMA_ROPE_BASE, null);
    }

    /** The dense Qwen3 configuration of {@code s} with GPT-2's vocabulary: QK-norm on, head size {@code emb / heads}. */
    static Qwen3Config qwenConfig(Sizes s) {
        return Qwen3Config.dense(GPTConfig.GPT_CONFIG_124M.vocabSize(), s.contextLength(), s.embDim(), s.nHeads(), s.nLayers(), s.hiddenDim(), 0, true,
                s.nKvGroups(), QWEN_ROPE_BASE);
    }

    /**
     * Checks the sizes for {@code arch} (llama3 or qwen3) as command-line options: the head split,
     * the key/value groups, RoPE's even head size, Java's array limit and the heap for training.
     *
     * @throws UsageException naming the options
     */
    static void checkSizes(String command, String arch, Sizes s) {
        if (s.embDim() % s.nHeads() != 0)
            throw new UsageException(command + ": --emb-dim " + s.embDim() + " must be a multiple of --heads " + s.nHeads() + " (each head gets emb-dim / heads dimensions)");
        if (s.nHeads() % s.nKvGroups() != 0)
            throw new UsageException(command + ": --heads " + s.nHeads() + " must be a multiple of --kv-groups " + s.nKvGroups() + " (query heads share key/value heads in equal groups)");
        if ((s.embDim() / s.nHeads()) % 2 != 0)
            throw new UsageException(command + ": the head size --emb-dim / --heads = " + s.embDim() / s.nHeads() + " must be even for RoPE (it rotates pairs of dimensions)");
        long vocab = GPTConfig.GPT_CONFIG_124M.vocabSize(), e = s.embDim(), h = s.hiddenDim(), c = s.contextLength();
        for (long[] t : new long[][] {{vocab, e}, {h, e}, {c, e / s.nHeads()}})
            if (t[0] * t[1] > ModelLimits.MAX_TENSOR_VALUES)
                throw new UsageException(String.format(Locale.ROOT, "%s: a %,d x %,d tensor is larger than a Java array (%,d values); lower --emb-dim, --hidden-dim or --context",
                        command, t[0], t[1], ModelLimits.MAX_TENSOR_VALUES));
        long params = parameterCount(arch, s);
        long bytes = params * ModelLimits.TRAINING_BYTES_PER_PARAMETER + 2 * c * (e / s.nHeads()) * Float.BYTES;
        long heap = Runtime.getRuntime().maxMemory();
        if (bytes > heap)
            throw new UsageException(String.format(Locale.ROOT, "%s: a %s model of emb %d, %d layers, hidden %d has %,d parameters; training it needs at least %,d bytes "
                    + "(%d per parameter for weights, gradients and AdamW's moments), more than this JVM's heap limit of %,d bytes (-Xmx); lower --layers, --emb-dim or --hidden-dim",
                    command, arch, s.embDim(), s.nLayers(), s.hiddenDim(), params, bytes, ModelLimits.TRAINING_BYTES_PER_PARAMETER, heap));
    }

    /** The parameter count of the model {@link #build} makes, from shapes alone (nothing allocated). */
    static long parameterCount(String arch, Sizes s) {
        long[] counts = switch (arch) {
            case "llama3" -> Llama3Model.parameterCounts(llamaConfig(s));
            case "qwen3" -> Qwen3Model.parameterCounts(qwenConfig(s));
            default -> throw new IllegalArgumentException("ArchModels: no Llama 3 or Qwen3 architecture '" + arch + "'");
        };
        return s.tied() ? counts[1] : counts[0];
    }

    /**
     * A new model of {@code arch} (llama3 or qwen3), weights drawn from the default generator, the
     * output head tied to the token embedding when {@code s.tied()}.
     *
     * @param arch {@code llama3} or {@code qwen3}
     * @param s the sizes
     * @return the model, in training mode
     * @throws IllegalArgumentException if {@code arch} is neither
     */
    public static RoPEDecoderModel<?> build(String arch, Sizes s) {
        RoPEDecoderModel<?> model = switch (arch) {
            case "llama3" -> new Llama3Model(llamaConfig(s));
            case "qwen3" -> new Qwen3Model(qwenConfig(s));
            default -> throw new IllegalArgumentException("ArchModels: no Llama 3 or Qwen3 architecture '" + arch + "'");
        };
        if (s.tied()) model.tieWeights();
        return model;
    }

    /** The architecture's name as {@code --arch} spells it. */
    static String archOf(RoPEDecoderModel<?> model) {
        if (model instanceof Llama3Model) return "llama3";
        if (model instanceof Qwen3Model) return "qwen3";
        throw new IllegalArgumentException("ArchModels: not a Llama 3 or Qwen3 model: " + model.getClass().getName());
    }

    /**
     * The extra fields that record {@code model}'s architecture and configuration in a checkpoint:
     * {@code arch} and {@code llama3.config} or {@code qwen3.config} (the reference's dictionary
     * keys, plus {@code tied}).
     *
     * @param model a Llama 3 or Qwen3 model
     * @return the fields to add to the checkpoint's {@code extra}
     */
    static Map<String, String> checkpointFields(RoPEDecoderModel<?> model) {
        String arch = archOf(model);
        Map<String, Object> m = new LinkedHashMap<>();
        if (model instanceof Llama3Model l) {
            Llama3Config c = l.config();
            m.put("vocab_size", (long) c.vocabSize());
            m.put("context_length", (long) c.contextLength());
            m.put("emb_dim", (long) c.embDim());
            m.put("n_heads", (long) c.nHeads());
            m.put("n_layers", (long) c.nLayers());
            m.put("hidden_dim", (long) c.hiddenDim());
            m.put("n_kv_groups", (long) c.nKvGroups());
            m.put("rope_base", c.ropeBase());
            if (c.ropeFreq() == null) m.put("rope_freq", null);
            else {
                Map<String, Object> f = new LinkedHashMap<>();
                f.put("factor", c.ropeFreq().factor());
                f.put("low_freq_factor", c.ropeFreq().lowFreqFactor());
                f.put("high_freq_factor", c.ropeFreq().highFreqFactor());
                f.put("original_context_length", (long) c.ropeFreq().originalContextLength());
                m.put("rope_freq", f);
            }
        } else {
            Qwen3Config c = ((Qwen3Model) model).config();
            m.put("vocab_size", (long) c.vocabSize());
            m.put("context_length", (long) c.contextLength());
            m.put("emb_dim", (long) c.embDim());
            m.put("n_heads", (long) c.nHeads());
            m.put("n_layers", (long) c.nLayers());
            m.put("hidden_dim", (long) c.hiddenDim());
            m.put("head_dim", (long) c.headDim());
            m.put("qk_norm", c.qkNorm());
            m.put("n_kv_groups", (long) c.nKvGroups());
            m.put("rope_base", c.ropeBase());
            m.put("num_experts", (long) c.numExperts());
            m.put("num_experts_per_tok", (long) c.numExpertsPerTok());
            m.put("moe_intermediate_size", (long) c.moeIntermediateSize());
        }
        m.put("tied", model.isTied());
        Map<String, String> extra = new LinkedHashMap<>();
        extra.put(ARCH_FIELD, arch);
        extra.put(configField(arch), Json.write(m));
        return extra;
    }

    /**
     * Whether {@code checkpointDir} holds a checkpoint that records an architecture
     * ({@code extra.arch}), i.e. one for {@link #load} rather than a GPT checkpoint; for a command
     * that accepts both to pick its loader.
     *
     * @param checkpointDir the checkpoint folder
     * @return true if its {@code checkpoint.json} has {@code extra.arch}
     * @throws IOException if there is no readable {@code checkpoint.json}
     */
    public static boolean recordsArch(Path checkpointDir) throws IOException {
        return ModelSource.extra(checkpointDir).containsKey(ARCH_FIELD);
    }

    /**
     * Rebuilds the Llama 3 or Qwen3 model that {@code pretrain --arch llama3|qwen3} saved: the
     * architecture from the checkpoint's {@code extra.arch}, the configuration from
     * {@code extra.llama3.config} or {@code extra.qwen3.config}, then the weights of
     * {@code model.safetensors}, every name and shape checked before any is read. The model is
     * returned in eval mode; the default generator and any optimizer state are left alone.
     *
     * @param checkpointDir the checkpoint folder (with {@code checkpoint.json} and {@code model.safetensors})
     * @return the model with the checkpoint's weights
     * @throws IOException if a file is missing or malformed, naming the file and the field
     */
    public static RoPEDecoderModel<?> load(Path checkpointDir) throws IOException {
        // read every file from one folder, even if a save swaps the checkpoint's link meanwhile
        if (Files.isDirectory(checkpointDir)) checkpointDir = checkpointDir.toRealPath();
        Map<String, String> extra = ModelSource.extra(checkpointDir);
        Path meta = checkpointDir.resolve("checkpoint.json");
        String arch = extra.get(ARCH_FIELD);
        if (arch == null)
            throw new IOException(meta + ": field extra.arch is missing: not a Llama 3 or Qwen3 checkpoint"
                    + (extra.containsKey("gpt.config") ? " (it records extra.gpt.config: a GPT checkpoint)" : ""));
        if (!arch.equals("llama3") && !arch.equals("qwen3"))
            throw new IOException(meta + ": field extra.arch is '" + arch + "', expected llama3 or qwen3");
        String field = configField(arch);
        String json = extra.get(field);
        if (json == null) throw new IOException(meta + ": field extra." + field + " is missing");
        String source = meta + " extra." + field;
        RoPEDecoderModel<?> model;
        try {
            Map<String, Object> m = Json.parseObject(json, source);
            boolean tied = bool(m, "tied", source);
            model = arch.equals("llama3") ? new Llama3Model(llamaFromJson(m, source)) : new Qwen3Model(qwenFromJson(m, source));
            if (tied) model.tieWeights();
        } catch (IllegalArgumentException e) {
            String msg = e.getMessage();
            throw new IOException(msg != null && msg.startsWith(meta.toString()) ? msg : source + ": " + msg, e);
        }
        Path weights = checkpointDir.resolve("model.safetensors");
        if (!Files.isRegularFile(weights)) throw new IOException(checkpointDir + ": the checkpoint has no model.safetensors");
        model.loadStateDict(Safetensors.readFor(weights, model.stateDict(), true));
        model.eval();
        return model;
    }

    static Llama3Config llamaFromJson(Map<String, Object> m, String src) {
        RoPE.FreqConfig freq = null;
        Object f = m.get("rope_freq");
        if (f instanceof Map<?, ?> fm) {
            @SuppressWarnings("unchecked")
            Map<String, Object> g = (Map<String, Object>) fm;
            String s = src + " rope_freq";
            freq = new RoPE.FreqConfig(num(g, "factor", s), num(g, "low_freq_factor", s), num(g, "high_freq_factor", s), integer(g, "original_context_length", s));
        } else if (f != null || !m.containsKey("rope_freq")) {
            throw new IllegalArgumentException(src + ": field rope_freq is missing or neither null nor an object");
        }
        return new Llama3Config(integer(m, "vocab_size", src), integer(m, "context_length", src), integer(m, "emb_dim", src), integer(m, "n_heads", src),
                integer(m, "n_layers", src), integer(m, "hidden_dim", src), integer(m, "n_kv_groups", src), num(m, "rope_base", src), freq);
    }

    static Qwen3Config qwenFromJson(Map<String, Object> m, String src) {
        return new Qwen3Config(integer(m, "vocab_size", src), integer(m, "context_length", src), integer(m, "emb_dim", src), integer(m, "n_heads", src),
                integer(m, "n_layers", src), integer(m, "hidden_dim", src), integer(m, "head_dim", src), bool(m, "qk_norm", src),
                integer(m, "n_kv_groups", src), num(m, "rope_base", src), integer(m, "num_experts", src), integer(m, "num_experts_per_tok", src),
                integer(m, "moe_intermediate_size", src));
    }

    private static int integer(Map<String, Object> m, String k, String src) {
        if (!(m.get(k) instanceof Long v) || v < 0 || v > Integer.MAX_VALUE)
            throw new IllegalArgumentException(src + ": field " + k + " is missing or not a non-negative integer");
        return (int) (long) v;
    }

    private static double num(Map<String, Object> m, String k, String src) {
        if (!(m.get(k) instanceof Number v) || !Double.isFinite(v.doubleValue()))
            throw new IllegalArgumentException(src + ": field " + k + " is missing or not a finite number");
        return v.doubleValue();
    }

    private static boolean bool(Map<String, Object> m, String k, String src) {
        if (!(m.get(k) instanceof Boolean v)) throw new IllegalArgumentException(src + ": field " + k + " is missing or not a boolean");
        return v;
    }
}
