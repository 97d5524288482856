package dev.scratchllm.attention;

import dev.scratchllm.nn.Dropout;
import dev.scratchllm.nn.Linear;
import dev.scratchllm.nn.Module;
import dev.scratchllm.tensor.Tensor;

/**
 * The book's {@code MultiHeadAttention} (listing 3.5), the attention of the GPT model: one
 * set of projections {@code W_query}, {@code W_key}, {@code W_value} ({@code d_in → d_out},
 * bias only if {@code qkvBias}) whose outputs are split into {@code num_heads} heads of
 * {@code head_dim = d_out / num_heads}, causal scaled dot-product attention per head (batched),
 * dropout on the attention weights, heads merged back and passed through
 * {@code out_proj = Linear(d_out, d_out)} (with bias).
 *
 * <p>Registration order is the book's, so seeded initialisation and state-dict keys match
 * PyTorch: {@code W_query}, {@code W_key}, {@code W_value}, {@code out_proj}, {@code dropout},
 * buffer {@code mask} ({@code triu(ones(context_length, context_length), 1)}, float32). The
 * state dict lists {@code mask} first because PyTorch writes a module's own buffers before its
 * children.
 *
 * <p>The forward pass works on views: splitting into heads is a {@code view} plus a
 * {@code transpose} (no copy), the score and context products are batched matmuls that read
 * the transposed views directly, and the only copy is the {@code contiguous()} that merges the
 * heads, as in the book. Inputs longer than {@code contextLength} are rejected.
 */
public class MultiHeadAttention extends Module {
    private final int dIn, dOut, numHeads, headDim, contextLength;

    /**
     * Without bias, like the book's default {@code qkv_bias=False}.
     *
     * @param dIn the input embedding size
     * @param dOut the output size, split across the heads
     * @param contextLength the longest input (the size of the causal mask)
     * @param dropout the dropout rate on the attention weights
     * @param numHeads the number of heads; must divide {@code dOut}
     */
    public MultiHeadAttention(int dIn, int dOut, int contextLength, double dropout, int numHeads) {
        this(dIn, dOut, contextLength, dropout, numHeads, false);
    }

    /**
     * Builds the layer, drawing the initial weights from the default generator.
     * @param dIn the input embedding size
     * @param dOut the output size, split across the heads
     * @param contextLength the longest input (the size of the causal mask)
     * @param dropout the dropout rate on the attention weights
     * @param numHeads the number of heads; must divide {@code dOut}
     * @param qkvBias whether the query, key and value projections have a bias
     * @throws IllegalArgumentException if {@code dOut} is not divisible by {@code numHeads}, or a
     *     size is not positive
     */
    public MultiHeadAttention(int dIn, int dOut, int contextLength, double dropout, int numHeads, boolean qkvBias) {
        if (numHeads < 1) throw new IllegalArgumentException("MultiHeadAttention: num_heads must be positive, got " + numHeads);
        if (dOut % numHeads != 0)
            throw new IllegalArgumentException("MultiHeadAttention: d_out must be divisible by num_heads (d_out=" + dOut + ", num_heads=" + numHeads + ")");
        if (contextLength < 1) throw new IllegalArgumentException("MultiHeadAttention: context_length must be positive, got " + contextLength);
        this.dIn = dIn;
        this.dOut = dOut;
        this.numHeads = numHeads;
        this.headDim = dOut / numHeads; // reduce the projection dim to match the desired output dim
        this.contextLength = contextLength;
        registerModule("W_query", new Linear(dIn, dOut, qkvBias));
        registerModule("W_key", new Linear(dIn, dOut, qkvBias));
        registerModule("W_value", new Linear(dIn, dOut, qkvBias));
        registerModule("out_proj", new Linear(dOut, dOut)); // combines the head outputs
        registerModule("dropout", new Dropout(dropout));
        registerBuffer("mask", Tensor.ones(contextLength, contextLength).triu(1));
    }

    /**
     * The query projection, {@code W_query}.
     *
     * @return the query layer
     */
    public Linear wQuery() {
        return child("W_query", Linear.class);
    }

    /**
     * The key projection, {@code W_key}.
     *
     * @return the key layer
     */
    public Linear wKey() {
        return child("W_key", Linear.class);
    }

    /**
     * The value projection, {@code W_value}.
     *
     * @return the value layer
     */
    public Linear wValue() {
        return child("W_value", Linear.class);
    }

    /**
     * The projection applied after merging the heads, {@code out_proj}.
     *
     * @return the output layer
     */
    public Linear outProj() {
        return child("out_proj", Linear.class);
    }

    /**
     * The dropout on the attention weights.
     *
     * @return the dropout layer
     */
    public Dropout dropout() {
        return child("dropout", Dropout.class);
    }

    /**
     * The float mask buffer, ones above the diagonal, shape (context_length, context_length).
     *
     * @return the mask buffer
     */
    public Tensor mask() {
        return buffer("mask");
    }

    /**
     * The number of heads.
     *
     * @return the number of heads
     */
    public int numHeads() {
        return numHeads;
    }

    /**
     * The size of each head, {@code d_out / num_heads}.
     *
     * @return the head size
     */
    public int headDim() {
        return headDim;
    }

    /**
     * The longest input accepted.
     *
     * @return the context length
     */
    public int contextLength() {
        return contextLength;
    }

    /**
     * Decoding with a cache: {@code x (b, T_new, d_in)} holds the tokens at positions
     * {@code past .. past+T_new-1}, where {@code past} is the number of positions already in
     * {@code cachedKeys}/{@code cachedValues} ({@code (b, num_heads, past, head_dim)}, or null).
     * Returns the output for the new tokens and the extended keys and values.
     *
     * @param x the new tokens' inputs, shape {@code (b, T_new, d_in)}
     * @param cachedKeys the keys of the earlier positions, or null if there are none
     * @param cachedValues the values of the earlier positions, or null if there are none
     * @return three tensors: the output {@code (b, T_new, d_out)}, then all keys and all values
     *     {@code (b, num_heads, past + T_new, head_dim)}
     * @throws IllegalArgumentException if the input is malformed or cached plus new tokens exceed the context
     *     length
     */
    public Tensor[] forwardCached(Tensor x, Tensor cachedKeys, Tensor cachedValues) {
        CausalAttention.checkInput("MultiHeadAttention", x, dIn, contextLength);
        int b = x.size(0), newTokens = x.size(1);
        int past = cachedKeys == null ? 0 : cachedKeys.size(2);
        if (past + newTokens > contextLength)
            throw new IllegalArgumentException("MultiHeadAttention: " + past + " cached + " + newTokens + " new tokens exceed the context length " + contextLength);
        Tensor keys = wKey().forward(x).view(b, newTokens, numHeads, headDim).transpose(1, 2);       // (b, num_heads, T_new, head_dim)
        Tensor values = wValue().forward(x).view(b, newTokens, numHeads, headDim).transpose(1, 2);   // (b, num_heads, T_new, head_dim)
        Tensor queries = wQuery().forward(x).view(b, newTokens, numHeads, headDim).transpose(1, 2); // (b, num_heads, T_new, head_dim)
        if (cachedKeys != null) {
            keys = Tensor.cat(java.util.List.of(cachedKeys, keys), 2);       // (b, num_heads, past + T_new, head_dim)
            values = Tensor.cat(java.util.List.of(cachedValues, values), 2); // (b, num_heads, past + T_new, head_dim)
        } else {
            keys = keys.contiguous();
            values = values.contiguous();
        }
        int total = past + newTokens;
        Tensor attnScores = queries.matmul(keys.transpose(2, 3)); // (b, num_heads, T_new, total)
        // rows past..past+T_new-1 of the causal mask: query at position p sees keys 0..p
        Tensor attnWeights = maskScaleSoftmax(attnScores, past, total, (float) Math.sqrt(headDim)); // (b, num_heads, T_new, total)
        attnWeights = dropout().forward(attnWeights);
        Tensor contextVec = attnWeights.matmul(values).transpose(1, 2);           // (b, T_new, num_heads, head_dim)
        contextVec = contextVec.contiguous().view(b, newTokens, dOut);            // (b, T_new, d_out)
        return new Tensor[] {outProj().forward(contextVec), keys, values};
    }

    @Override
    public Tensor forward(Tensor x) {
        CausalAttention.checkInput("MultiHeadAttention", x, dIn, contextLength);
        int b = x.size(0), numTokens = x.size(1);

        Tensor keys = wKey().forward(x);       // (b, T, d_out)
        Tensor queries = wQuery().forward(x);  // (b, T, d_out)
        Tensor values = wValue().forward(x);   // (b, T, d_out)

        // Split the last dim into heads: (b, T, d_out) -> (b, T, num_heads, head_dim)
        keys = keys.view(b, numTokens, numHeads, headDim);       // (b, T, num_heads, head_dim)
        values = values.view(b, numTokens, numHeads, headDim);   // (b, T, num_heads, head_dim)
        queries = queries.view(b, numTokens, numHeads, headDim); // (b, T, num_heads, head_dim)

        // Heads before tokens (a view, no copy): (b, num_heads, T, head_dim)
        keys = keys.transpose(1, 2);       // (b, num_heads, T, head_dim)
        queries = queries.transpose(1, 2); // (b, num_heads, T, head_dim)
        values = values.transpose(1, 2);   // (b, num_heads, T, head_dim)

        // Scaled dot-product attention with a causal mask, all heads in one batched product
        Tensor attnScores = queries.matmul(keys.transpose(2, 3)); // (b, num_heads, T, T)
        Tensor attnWeights = maskScaleSoftmax(attnScores, 0, numTokens, (float) Math.sqrt(keys.size(-1))); // (b, num_heads, T, T)
        attnWeights = dropout().forward(attnWeights);

        Tensor contextVec = attnWeights.matmul(values).transpose(1, 2); // (b, T, num_heads, head_dim)
        // Merge the heads: d_out = num_heads * head_dim
        contextVec = contextVec.contiguous().view(b, numTokens, dOut);  // (b, T, d_out)
        return outProj().forward(contextVec);                           // (b, T, d_out)
    }

    /**
     * The book's {@code attn_scores.masked_fill_(mask_bool, -torch.inf)}, {@code / head_dim**0.5},
     * {@code torch.softmax(dim=-1)} on rows {@code past … total-1} of the mask buffer. While the
     * buffer holds the causal mask (it always does unless it was overwritten) the three steps run
     * as the fused {@link Tensor#causalSoftmax}, which gives the same values bit for bit in one pass
     * and skips the masked half; any other mask takes the three steps as written.
     */
    private Tensor maskScaleSoftmax(Tensor attnScores, int past, int total, float divisor) {
        Tensor maskRows = mask().slice(0, past, total).slice(1, 0, total); // (T_new, total)
        if (CausalAttention.isCausal(maskRows, past))
            return attnScores.causalSoftmax(divisor);
        attnScores.maskedFill_(maskRows.toBool(), Float.NEGATIVE_INFINITY);
        return attnScores.div(divisor).softmax(-1);
    }
}
