package dev.scratchllm.gpt;

import dev.scratchllm.nn.Dropout;
import dev.scratchllm.nn.Embedding;
import dev.scratchllm.nn.LayerNorm;
import dev.scratchllm.nn.Linear;
import dev.scratchllm.nn.Module;
import dev.scratchllm.nn.Sequential;
import dev.scratchllm.tensor.DType;
import dev.scratchllm.tensor.Tensor;

import java.util.Arrays;

/**
 * The book's {@code GPTModel(cfg)} (listing 4.7): token embedding plus position embedding,
 * embedding dropout, {@code n_layers} {@link TransformerBlock}s, a final {@link LayerNorm} and
 * the output head, a {@code Linear(E, vocab_size, bias=False)} without weight tying.
 *
 * <p>Submodules in the book's order, so that {@code manualSeed(123)} gives PyTorch's weights
 * and the state dict has PyTorch's keys: {@code tok_emb}, {@code pos_emb}, {@code drop_emb},
 * {@code trf_blocks} (a {@link Sequential}: {@code trf_blocks.0.att.W_query.weight}, …),
 * {@code final_norm}, {@code out_head}. The 124M configuration has 163,009,536 parameters
 * (124,412,160 if the head shared the token embedding, as GPT-2 does).
 *
 * <p>{@link #forward} maps int64 token ids {@code (b, num_tokens)} to logits
 * {@code (b, num_tokens, vocab_size)}. It does not generate text (see
 * {@link Generation#generateTextSimple}); {@link #forward(Tensor, KVCache)} decodes with a
 * {@link KVCache}.
 */
public class GPTModel extends Module {
    private final GPTConfig cfg;

    /**
     * Builds the model for {@code cfg}, drawing the initial weights from the default generator.
     *
     * @param cfg the configuration
     */
    public GPTModel(GPTConfig cfg) {
        requireMemory(cfg);
        this.cfg = cfg;
        registerModule("tok_emb", new Embedding(cfg.vocabSize(), cfg.embDim()));
        registerModule("pos_emb", new Embedding(cfg.contextLength(), cfg.embDim()));
        registerModule("drop_emb", new Dropout(cfg.dropRateEmb()));
        TransformerBlock[] blocks = new TransformerBlock[cfg.nLayers()];
        for (int i = 0; i < blocks.length; i++) blocks[i] = new TransformerBlock(cfg);
        registerModule("trf_blocks", new Sequential(blocks));
        registerModule("final_norm", new LayerNorm(cfg.embDim()));
        registerModule("out_head", new Linear(cfg.embDim(), cfg.vocabSize(), false));
    }

    /**
     * The configuration this model was built with.
     *
     * @return the configuration
     */
    public GPTConfig config() {
        return cfg;
    }

    /**
     * The token embedding, {@code tok_emb}.
     *
     * @return the token embedding layer
     */
    public Embedding tokEmb() {
        return child("tok_emb", Embedding.class);
    }

    /**
     * The position embedding, {@code pos_emb}.
     *
     * @return the position embedding layer
     */
    public Embedding posEmb() {
        return child("pos_emb", Embedding.class);
    }

    /**
     * The dropout after the embeddings, {@code drop_emb}.
     *
     * @return the embedding dropout layer
     */
    public Dropout dropEmb() {
        return child("drop_emb", Dropout.class);
    }

    /**
     * The transformer blocks, {@code trf_blocks}.
     *
     * @return the {@code Sequential} of {@link TransformerBlock}s
     */
    public Sequential trfBlocks() {
        return child("trf_blocks", Sequential.class);
    }

    /**
     * Transformer block {@code i} ({@code model.trf_blocks[i]}; negative counts from the end, {@code -1} is
     * the last).
     *
     * @param i the block's index; negative counts from the end
     * @return the block
     */
    public TransformerBlock trfBlock(int i) {
        Sequential blocks = trfBlocks();
        return (TransformerBlock) blocks.get(i < 0 ? blocks.size() + i : i);
    }

    /**
     * The final layer norm, {@code final_norm}.
     *
     * @return the final layer norm
     */
    public LayerNorm finalNorm() {
        return child("final_norm", LayerNorm.class);
    }

    /**
     * The output layer: {@code Linear(emb_dim, vocab_size, bias=False)}, or what {@link #setOutHead} put
     * there.
     *
     * @return the output layer
     */
    public Linear outHead() {
        return child("out_head", Linear.class);
    }

    /**
     * Chapter 6's {@code model.out_head = torch.nn.Linear(emb_dim, num_classes)}: replaces the
     * output layer, so {@link #forward} returns {@code (b, T, head.outFeatures())} logits. The
     * new layer is trainable (its parameters require grad) even when the rest is frozen.
     *
     * @param head the new output layer; its input size must be the embedding dimension
     * @throws IllegalArgumentException if the layer's input size is not the embedding size
     */
    public void setOutHead(Linear head) {
        if (head.inFeatures() != cfg.embDim())
            throw new IllegalArgumentException("GPTModel.setOutHead: the head takes " + head.inFeatures() + " inputs, but emb_dim is " + cfg.embDim());
        setModule("out_head", head);
    }

    /**
     * Logits for a batch of token ids.
     *
     * @param inIdx int64 ids, shape (batch, num_tokens), num_tokens ≤ context length
     * @return float logits, shape (batch, num_tokens, vocab_size)
     * @throws IllegalArgumentException for non-integer ids, another rank, an input longer than
     *     the context length, or an id outside the vocabulary
     */
    @Override
    public Tensor forward(Tensor inIdx) {
        checkIds(inIdx, cfg.contextLength());
        int seqLen = inIdx.size(1);
        Tensor tokEmbeds = tokEmb().forward(inIdx);                  // (b, T, E)
        Tensor posEmbeds = posEmb().forward(Tensor.arange(seqLen));  // (T, E)
        Tensor x = tokEmbeds.add(posEmbeds);                         // (b, T, E)
        x = dropEmb().forward(x);
        x = trfBlocks().forward(x);                                  // (b, T, E)
        x = finalNorm().forward(x);
        return outHead().forward(x);                                 // (b, T, vocab_size)
    }

    /**
     * A fresh cache for {@link #forward(Tensor, KVCache)}.
     *
     * @return an empty cache with one layer per transformer block
     */
    public KVCache newCache() {
        return new KVCache(cfg.nLayers());
    }

    /**
     * Decoding with a cache: {@code inIdx (b, T_new)} are the tokens at positions
     * {@code cache.length() ..}; returns their logits {@code (b, T_new, vocab_size)} and extends
     * the cache. Equals the matching rows of {@link #forward(Tensor)} on the whole sequence
     * (up to float rounding); meant for eval mode.
     *
     * @param inIdx int64 ids of the new tokens, shape {@code (b, T_new)}
     * @param cache the cache of the earlier positions; it is extended by {@code T_new}
     * @return the logits of the new tokens, shape {@code (b, T_new, vocab_size)}
     * @throws IllegalArgumentException for bad ids, or if cached plus new tokens exceed the context length
     */
    public Tensor forward(Tensor inIdx, KVCache cache) {
        checkIds(inIdx, cfg.contextLength());
        int past = cache.length(), seqLen = inIdx.size(1);
        if (past + seqLen > cfg.contextLength())
            throw new IllegalArgumentException("GPTModel: " + past + " cached + " + seqLen + " new tokens exceed the context length " + cfg.contextLength());
        Tensor tokEmbeds = tokEmb().forward(inIdx);                                 // (b, T_new, E)
        Tensor posEmbeds = posEmb().forward(Tensor.arange(past, past + seqLen, 1)); // (T_new, E)
        Tensor x = dropEmb().forward(tokEmbeds.add(posEmbeds));                     // (b, T_new, E)
        for (int i = 0; i < cfg.nLayers(); i++) x = trfBlock(i).forward(x, cache.layer(i));
        x = finalNorm().forward(x);
        return outHead().forward(x);                                                // (b, T_new, vocab_size)
    }

    static void checkIds(Tensor inIdx, int contextLength) {
        if (inIdx.dtype() != DType.INT64)
            throw new IllegalArgumentException("GPTModel: expected token ids of dtype torch.int64, got " + inIdx.dtype().torchName()
                    + " " + Arrays.toString(inIdx.shape()));
        if (inIdx.dim() != 2)
            throw new IllegalArgumentException("GPTModel: expected token ids of shape (batch, num_tokens), got " + Arrays.toString(inIdx.shape())
                    + " (add a batch dimension with unsqueeze(0))");
        if (inIdx.size(1) > contextLength)
            throw new IllegalArgumentException("GPTModel: the input has " + inIdx.size(1) + " tokens but the context length is " + contextLength
                    + " (crop it to the last " + contextLength + " tokens)");
    }

    /**
     * The bytes a {@code GPTModel(cfg)} takes at least: its float32 parameters (output head
     * included) and one {@code context_length²} causal mask per block. A model is only built
     * when this fits in the heap's limit ({@code -Xmx}), so a configuration or a file that
     * claims a huge size (a 40,000-token context: 12 masks of 40,000² floats) is refused before
     * any memory is taken.
     *
     * @param cfg the configuration
     * @return the bytes of the parameters and masks
     */
    public static long requiredBytes(GPTConfig cfg) {
        return 4 * (parameterCount(cfg) + (long) cfg.nLayers() * cfg.contextLength() * cfg.contextLength());
    }

    private static void requireMemory(GPTConfig cfg) {
        long need = requiredBytes(cfg), heap = Runtime.getRuntime().maxMemory();
        if (need > heap)
            throw new IllegalArgumentException(String.format(java.util.Locale.ROOT,
                    "GPTModel: a model with vocab_size=%d, context_length=%d, emb_dim=%d, n_layers=%d needs %.1f GB for its weights"
                            + " and attention masks (%,d parameters, %d masks of %d x %d), more than this JVM's heap limit of %.1f GB (-Xmx)",
                    cfg.vocabSize(), cfg.contextLength(), cfg.embDim(), cfg.nLayers(), need / 1e9, parameterCount(cfg), cfg.nLayers(),
                    cfg.contextLength(), cfg.contextLength(), heap / 1e9));
    }

    /**
     * The number of parameters a {@code GPTModel(cfg)} has, computed from the configuration
     * without building it (exercise 4.2's larger models need gigabytes):
     * {@code V·E + C·E + L·(4E² + E + 3E·qkv_bias + 8E² + 5E + 4E) + 2E + E·V}.
     *
     * @param cfg the configuration
     * @return the parameter count, output head included
     */
    public static long parameterCount(GPTConfig cfg) {
        long v = cfg.vocabSize(), c = cfg.contextLength(), e = cfg.embDim(), l = cfg.nLayers();
        long att = 4 * e * e + e + (cfg.qkvBias() ? 3 * e : 0);
        long ff = e * 4 * e + 4 * e + 4 * e * e + e;
        long norms = 4 * e;
        return v * e + c * e + l * (att + ff + norms) + 2 * e + e * v;
    }

    /**
     * Parameters minus the output head, the count with GPT-2's weight tying (124,412,160 for 124M).
     *
     * @param cfg the configuration
     * @return the parameter count without the output head
     */
    public static long parameterCountWithWeightTying(GPTConfig cfg) {
        return parameterCount(cfg) - (long) cfg.embDim() * cfg.vocabSize();
    }

    /**
     * The book's model size: {@code parameters · 4 bytes / (1024 · 1024)} (float32), in MB.
     *
     * @param numParameters a parameter count
     * @return the size in megabytes (MiB) of that many float32 values
     */
    public static double sizeInMB(long numParameters) {
        return numParameters * 4.0 / (1024 * 1024);
    }
}
