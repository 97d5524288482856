package dev.scratchllm.gpt;

/**
 * The GPT model's hyper-parameters, the book's {@code GPT_CONFIG_124M} dictionary as a record
 * (chapter 4): {@code vocab_size}, {@code context_length}, {@code emb_dim}, {@code n_heads},
 * {@code n_layers}, {@code drop_rate}, {@code qkv_bias}.
 *
 * <p>Exercise 4.3 splits the dropout rate into three: {@code drop_rate_emb} (after the
 * embeddings), {@code drop_rate_attn} (on the attention weights) and
 * {@code drop_rate_shortcut} (on the residual branches). They are the last three components;
 * the book's seven-argument constructor sets all three to {@code dropRate}, and the modules
 * only ever read the three per-site rates. Use {@link #withDropRates} for the exercise.
 *
 * <p>Immutable; the {@code with…} methods return modified copies (chapter 5 shortens the
 * context with {@code GPT_CONFIG_124M.withContextLength(256)}).
 *
 * @param vocabSize        vocabulary size (50,257 for GPT-2's BPE)
 * @param contextLength    the longest input the model accepts (positional embeddings, mask)
 * @param embDim           embedding dimension
 * @param nHeads           attention heads per block ({@code embDim} must be divisible by it)
 * @param nLayers          transformer blocks
 * @param dropRate         the book's single dropout rate (the default of the three below)
 * @param qkvBias          whether the query/key/value projections have a bias
 * @param dropRateEmb      dropout after token + position embeddings ({@code drop_emb})
 * @param dropRateAttn     dropout on the attention weights
 * @param dropRateShortcut dropout on the residual branches ({@code drop_shortcut})
 */
public record GPTConfig(int vocabSize, int contextLength, int embDim, int nHeads, int nLayers, double dropRate, boolean qkvBias,
                        double dropRateEmb, double dropRateAttn, double dropRateShortcut) {

    /** The book's {@code GPT_CONFIG_124M}: 50257, 1024, 768, 12 heads, 12 layers, dropout 0.1, no qkv bias. */
    public static final GPTConfig GPT_CONFIG_124M = new GPTConfig(50257, 1024, 768, 12, 12, 0.1, false);
    /** GPT-2 medium as in exercise 4.2: {@link #GPT_CONFIG_124M} with emb 1024, 24 layers, 16 heads. */
    public static final GPTConfig GPT_CONFIG_355M = GPT_CONFIG_124M.withSize(1024, 24, 16);
    /** GPT-2 large as in exercise 4.2: emb 1280, 36 layers, 20 heads. */
    public static final GPTConfig GPT_CONFIG_774M = GPT_CONFIG_124M.withSize(1280, 36, 20);
    /** GPT-2 XL as in exercise 4.2: emb 1600, 48 layers, 25 heads. */
    public static final GPTConfig GPT_CONFIG_1558M = GPT_CONFIG_124M.withSize(1600, 48, 25);

    /** Validates sizes and rates. */
    public GPTConfig {
        if (vocabSize < 1 || contextLength < 1 || embDim < 1 || nHeads < 1 || nLayers < 0)
            throw new IllegalArgumentException("GPTConfig: sizes must be positive, got vocab_size=" + vocabSize + ", context_length=" + contextLength
                    + ", emb_dim=" + embDim + ", n_heads=" + nHeads + ", n_layers=" + nLayers);
        if (embDim % nHeads != 0)
            throw new IllegalArgumentException("GPTConfig: emb_dim must be divisible by n_heads (emb_dim=" + embDim + ", n_heads=" + nHeads + ")");
        for (double r : new double[] {dropRate, dropRateEmb, dropRateAttn, dropRateShortcut})
            if (!(r >= 0 && r <= 1)) throw new IllegalArgumentException("GPTConfig: dropout rates must be in [0, 1], got " + r);
        // the largest tensors of the model, each one Java array: tok_emb/out_head, pos_emb, the causal mask, ff.layers.0
        checkElements("vocab_size x emb_dim (tok_emb.weight)", vocabSize, embDim);
        checkElements("context_length x emb_dim (pos_emb.weight)", contextLength, embDim);
        checkElements("context_length x context_length (the causal mask)", contextLength, contextLength);
        checkElements("4 emb_dim x emb_dim (ff.layers.0.weight)", 4L * embDim, embDim);
    }

    /** The most elements one tensor holds: one Java array. */
    public static final long MAX_TENSOR_ELEMENTS = Integer.MAX_VALUE - 8;

    private static void checkElements(String what, long rows, long cols) {
        if (rows * cols > MAX_TENSOR_ELEMENTS)
            throw new IllegalArgumentException(String.format(java.util.Locale.ROOT,
                    "GPTConfig: %s is %d x %d = %,d elements, more than one tensor holds (%,d, a Java array's limit)",
                    what, rows, cols, rows * cols, MAX_TENSOR_ELEMENTS));
    }

    /**
     * The book's configuration dictionary: one dropout rate for all three places.
     *
     * @param vocabSize vocabulary size
     * @param contextLength the longest input the model accepts
     * @param embDim embedding dimension
     * @param nHeads attention heads per block
     * @param nLayers transformer blocks
     * @param dropRate the dropout rate used at all three places
     * @param qkvBias whether the query/key/value projections have a bias
     */
    public GPTConfig(int vocabSize, int contextLength, int embDim, int nHeads, int nLayers, double dropRate, boolean qkvBias) {
        this(vocabSize, contextLength, embDim, nHeads, nLayers, dropRate, qkvBias, dropRate, dropRate, dropRate);
    }

    /**
     * The book's dictionary keys and values ({@code vocab_size}, {@code context_length}, …) as JSON text,
     * for checkpoints.
     *
     * @return a JSON object with the ten fields under the book's snake_case names
     */
    public String toJson() {
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("vocab_size", (long) vocabSize);
        m.put("context_length", (long) contextLength);
        m.put("emb_dim", (long) embDim);
        m.put("n_heads", (long) nHeads);
        m.put("n_layers", (long) nLayers);
        m.put("drop_rate", dropRate);
        m.put("qkv_bias", qkvBias);
        m.put("drop_rate_emb", dropRateEmb);
        m.put("drop_rate_attn", dropRateAttn);
        m.put("drop_rate_shortcut", dropRateShortcut);
        return dev.scratchllm.io.Json.write(m);
    }

    /**
     * Parses {@link #toJson()}; a missing or mistyped field is an error naming it.
     *
     * @param json the text of a JSON object as {@link #toJson()} writes it
     * @param source where the text came from, for error messages
     * @return the configuration
     * @throws IllegalArgumentException if the JSON is malformed, a field is missing or has the wrong type, or
     *     a value is invalid
     */
    public static GPTConfig fromJson(String json, String source) {
        java.util.Map<String, Object> m = dev.scratchllm.io.Json.parseObject(json, source);
        return new GPTConfig(intField(m, "vocab_size", source), intField(m, "context_length", source), intField(m, "emb_dim", source),
                intField(m, "n_heads", source), intField(m, "n_layers", source), numField(m, "drop_rate", source), boolField(m, "qkv_bias", source),
                numField(m, "drop_rate_emb", source), numField(m, "drop_rate_attn", source), numField(m, "drop_rate_shortcut", source));
    }

    private static int intField(java.util.Map<String, Object> m, String k, String src) {
        if (!(m.get(k) instanceof Long v) || v < 0 || v > Integer.MAX_VALUE)
            throw new IllegalArgumentException(src + ": field " + k + " is missing or not a non-negative integer");
        return (int) (long) v;
    }

    private static double numField(java.util.Map<String, Object> m, String k, String src) {
        if (!(m.get(k) instanceof Number v)) throw new IllegalArgumentException(src + ": field " + k + " is missing or not a number");
        return v.doubleValue();
    }

    private static boolean boolField(java.util.Map<String, Object> m, String k, String src) {
        if (!(m.get(k) instanceof Boolean v)) throw new IllegalArgumentException(src + ": field " + k + " is missing or not a boolean");
        return v;
    }

    /**
     * A copy with another context length.
     *
     * @param contextLength the new context length
     * @return the modified copy
     */
    public GPTConfig withContextLength(int contextLength) {
        return new GPTConfig(vocabSize, contextLength, embDim, nHeads, nLayers, dropRate, qkvBias, dropRateEmb, dropRateAttn, dropRateShortcut);
    }

    /**
     * A copy with another vocabulary size.
     *
     * @param vocabSize the new vocabulary size
     * @return the modified copy
     */
    public GPTConfig withVocabSize(int vocabSize) {
        return new GPTConfig(vocabSize, contextLength, embDim, nHeads, nLayers, dropRate, qkvBias, dropRateEmb, dropRateAttn, dropRateShortcut);
    }

    /**
     * A copy with one dropout rate for all three places (the book's {@code drop_rate}).
     *
     * @param dropRate the rate for the embeddings, the attention weights and the shortcuts
     * @return the modified copy
     */
    public GPTConfig withDropRate(double dropRate) {
        return new GPTConfig(vocabSize, contextLength, embDim, nHeads, nLayers, dropRate, qkvBias);
    }

    /**
     * Exercise 4.3: a copy with separate rates for the embeddings, the attention weights and the shortcuts.
     *
     * @param dropRateEmb dropout after the embeddings
     * @param dropRateAttn dropout on the attention weights
     * @param dropRateShortcut dropout on the residual branches
     * @return the modified copy
     */
    public GPTConfig withDropRates(double dropRateEmb, double dropRateAttn, double dropRateShortcut) {
        return new GPTConfig(vocabSize, contextLength, embDim, nHeads, nLayers, dropRate, qkvBias, dropRateEmb, dropRateAttn, dropRateShortcut);
    }

    /**
     * A copy with or without the query/key/value bias.
     *
     * @param qkvBias whether the query/key/value projections have a bias
     * @return the modified copy
     */
    public GPTConfig withQkvBias(boolean qkvBias) {
        return new GPTConfig(vocabSize, contextLength, embDim, nHeads, nLayers, dropRate, qkvBias, dropRateEmb, dropRateAttn, dropRateShortcut);
    }

    /**
     * A copy with another model size (embedding dimension, layers, heads).
     *
     * @param embDim the embedding dimension
     * @param nLayers the number of transformer blocks
     * @param nHeads the number of attention heads (must divide {@code embDim})
     * @return the modified copy
     */
    public GPTConfig withSize(int embDim, int nLayers, int nHeads) {
        return new GPTConfig(vocabSize, contextLength, embDim, nHeads, nLayers, dropRate, qkvBias, dropRateEmb, dropRateAttn, dropRateShortcut);
    }

    /**
     * Exercise 4.2's {@code get_config(base_config, model_name)}: {@code base} with the size of
     * {@code gpt2-small}, {@code gpt2-medium}, {@code gpt2-large} or {@code gpt2-xl}. The
     * chapter 5 spelling with the count in parentheses ({@code "gpt2-medium (355M)"}) is
     * accepted too.
     *
     * @param base the configuration whose vocabulary, context length, dropout and bias settings are kept
     * @param modelName the GPT-2 size's name
     * @return {@code base} with that model's embedding dimension, layers and heads
     * @throws IllegalArgumentException for another name
     */
    public static GPTConfig getConfig(GPTConfig base, String modelName) {
        String name = modelName == null ? "" : modelName.strip();
        int paren = name.indexOf(" (");
        if (paren > 0) name = name.substring(0, paren);
        return switch (name) {
            case "gpt2-small" -> base.withSize(768, 12, 12);
            case "gpt2-medium" -> base.withSize(1024, 24, 16);
            case "gpt2-large" -> base.withSize(1280, 36, 20);
            case "gpt2-xl" -> base.withSize(1600, 48, 25);
            default -> throw new IllegalArgumentException("Incorrect model name " + modelName
                    + " (expected gpt2-small, gpt2-medium, gpt2-large or gpt2-xl)");
        };
    }
}
