/*
 * ModelLimits: refuses, before any memory is taken, a model the command line would build from
 * scratch that cannot exist in this JVM: a tensor of more than 2^31 - 1 values (the limit of a Java
 * array: 50,257 x 1,000,000 for --emb-dim 1000000), or weights, gradients and AdamW's two moments
 * (16 bytes per parameter) plus the causal masks that need more than the heap (Runtime.maxMemory,
 * set with -Xmx). Both messages say the limit and which options to lower.
 *
 * It does not estimate activations (they depend on batch and context and are far smaller for the
 * sizes this refuses), nor check models loaded from files (io/ checks those).
 */
package dev.scratchllm.cli;

import dev.scratchllm.gpt.GPTConfig;

import java.util.Locale;

/** Size checks of a GPT configuration against Java's array limit and this JVM's heap. */
final class ModelLimits {
    /** The most values one tensor can hold: one Java {@code float[]}. */
    static final long MAX_TENSOR_VALUES = Integer.MAX_VALUE;
    /** Bytes per trained parameter: the weight, its gradient and AdamW's two moments, float32 each. */
    static final long TRAINING_BYTES_PER_PARAMETER = 16;

    private ModelLimits() {
    }

    /**
     * The number of parameters of {@code new GPTModel(cfg)}: embeddings, per block the attention's
     * query/key/value (with bias when {@code qkv_bias}) and output projections, the feed-forward's
     * two layers, two layer norms, then the final norm and the untied output head.
     *
     * @param cfg the configuration
     * @return the parameter count
     */
    static long parameters(GPTConfig cfg) {
        long v = cfg.vocabSize(), c = cfg.contextLength(), e = cfg.embDim();
        long attention = 3 * (e * e + (cfg.qkvBias() ? e : 0)) + e * e + e;
        long feedForward = e * 4 * e + 4 * e + 4 * e * e + e;
        long norms = 2 * 2 * e;
        return v * e + c * e + cfg.nLayers() * (attention + feedForward + norms) + 2 * e + e * v;
    }

    /**
     * The GPT-2-vocabulary configuration of a model built from scratch by the command line's size
     * options, checked: {@code --emb-dim} a multiple of {@code --heads}, and {@link #checkTrainable}.
     *
     * @throws UsageException naming the options
     */
    static GPTConfig scratch(String command, int context, int embDim, int heads, int layers, double dropRate) {
        checkArrays(command, GPTConfig.GPT_CONFIG_124M.vocabSize(), context, embDim); // the sizes first: --emb-dim 1000000 is too large whatever --heads is
        if (embDim % heads != 0)
            throw new UsageException(command + ": --emb-dim " + embDim + " must be a multiple of --heads " + heads + " (each head gets emb-dim / heads dimensions)");
        GPTConfig cfg = new GPTConfig(GPTConfig.GPT_CONFIG_124M.vocabSize(), context, embDim, heads, layers, dropRate, false);
        checkTrainable(command, cfg);
        return cfg;
    }

    /**
     * Throws when a model of {@code cfg} cannot be built and trained in this JVM.
     *
     * @param command the command, named in the message
     * @param cfg the configuration from the command line
     * @throws UsageException naming the sizes, the limit and the options to lower
     */
    static void checkTrainable(String command, GPTConfig cfg) {
        checkTrainable(command, cfg, Runtime.getRuntime().maxMemory());
    }

    static void checkTrainable(String command, GPTConfig cfg, long heapBytes) {
        checkArrays(command, cfg.vocabSize(), cfg.contextLength(), cfg.embDim());
        long params = parameters(cfg), c = cfg.contextLength();
        long bytes = params * TRAINING_BYTES_PER_PARAMETER + cfg.nLayers() * c * c * Float.BYTES;
        if (bytes > heapBytes)
            throw new UsageException(String.format(Locale.ROOT, "%s: a model of %s has %,d parameters; training it needs at least %s (%d bytes per parameter "
                    + "for weights, gradients and AdamW's moments, plus the causal masks), more than this JVM's heap limit of %s (-Xmx); "
                    + "lower --layers, --emb-dim or --context", command, ModelSource.describe(cfg), params, size(bytes), TRAINING_BYTES_PER_PARAMETER, size(heapBytes)));
    }

    /** Refuses a vocabulary, context or embedding size that makes one tensor larger than a Java array. */
    private static void checkArrays(String command, long v, long c, long e) {
        if (v * e > MAX_TENSOR_VALUES)
            throw new UsageException(String.format(Locale.ROOT, "%s: --emb-dim %d makes a token embedding of %,d x %,d = %,d values; one tensor holds at most %,d "
                    + "(a Java array), so --emb-dim can be at most %,d", command, e, v, e, v * e, MAX_TENSOR_VALUES, MAX_TENSOR_VALUES / v));
        if (4 * e * e > MAX_TENSOR_VALUES)
            throw new UsageException(String.format(Locale.ROOT, "%s: --emb-dim %d makes a feed-forward weight of %,d x %,d values; one tensor holds at most %,d",
                    command, e, 4 * e, e, MAX_TENSOR_VALUES));
        if (c * c > MAX_TENSOR_VALUES)
            throw new UsageException(String.format(Locale.ROOT, "%s: --context %d makes a causal mask of %,d x %,d values; one tensor holds at most %,d, "
                    + "so --context can be at most %,d", command, c, c, c, MAX_TENSOR_VALUES, (long) Math.sqrt((double) MAX_TENSOR_VALUES)));
    }

    private static String size(long bytes) {
        return bytes >= 1L << 30 ? String.format(Locale.ROOT, "%,.1f GiB", bytes / (double) (1L << 30))
                : String.format(Locale.ROOT, "%.0f MiB", bytes / (double) (1L << 20));
    }
}
