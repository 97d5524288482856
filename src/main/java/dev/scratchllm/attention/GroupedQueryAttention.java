package dev.scratchllm.attention;

import dev.scratchllm.nn.Linear;
import dev.scratchllm.nn.Module;
import dev.scratchllm.nn.RMSNorm;
import dev.scratchllm.tensor.Tensor;

import java.util.List;

/**
 * Grouped-query attention (GQA) as in the Llama 3.2 and Qwen3 references: {@code num_heads}
 * query heads share {@code num_kv_groups} key/value heads ({@code group_size = num_heads /
 * num_kv_groups} query heads per key/value head), rotary position embeddings on queries and keys,
 * a causal mask, and (Qwen3) an RMSNorm over each query and key head before the rotation
 * ({@code q_norm}, {@code k_norm}). All projections are bias-free linear layers named as in the
 * references: {@code W_query}, {@code W_key}, {@code W_value}, {@code out_proj}.
 *
 * <p>The two references create the layers in different orders (Llama: keys, values, queries,
 * output; Qwen3: queries, keys, values, output), which decides both the state-dict order and
 * which random draws each layer gets; {@link #llama3} and the public constructor keep them.
 *
 * <p>With a {@link KVCache} the new tokens' keys and values (rotated, not yet repeated) are
 * appended to the layer's cache and the queries attend to all of them; the result equals the
 * uncached forward pass over the whole sequence. There is no dropout (neither reference has any).
 */
public class GroupedQueryAttention extends Module {
    private final int dIn, numHeads, numKvGroups, groupSize, headDim, dOut;

    /**
     * The Qwen3 reference's {@code GroupedQueryAttention(d_in, num_heads, num_kv_groups, head_dim, qk_norm)}:
     * layers created as queries, keys, values, output ({@code (num_heads·head_dim) → d_in}),
     * then {@code q_norm}, {@code k_norm} (eps 1e-6) when {@code qkNorm}.
     *
     * @param dIn the model width
     * @param numHeads the number of query heads
     * @param numKvGroups the number of key/value heads; divides {@code numHeads}
     * @param headDim the head size, or 0 for {@code d_in / num_heads}
     * @param qkNorm whether to RMS-normalise each query and key head
     * @throws IllegalArgumentException if the sizes do not divide
     */
    public GroupedQueryAttention(int dIn, int numHeads, int numKvGroups, int headDim, boolean qkNorm) {
        this(dIn, 0, numHeads, numKvGroups, headDim, qkNorm, false);
    }

    /**
     * The Llama 3 reference's {@code GroupedQueryAttention(d_in, d_out, num_heads, num_kv_groups)}:
     * layers created as keys, values, queries, output ({@code d_out → d_out}); head size
     * {@code d_out / num_heads}; no query/key norm.
     *
     * @param dIn the input width
     * @param dOut the output width; divisible by {@code numHeads}
     * @param numHeads the number of query heads
     * @param numKvGroups the number of key/value heads; divides {@code numHeads}
     * @return the attention layer
     * @throws IllegalArgumentException if the sizes do not divide
     */
    public static GroupedQueryAttention llama3(int dIn, int dOut, int numHeads, int numKvGroups) {
        return new GroupedQueryAttention(dIn, dOut, numHeads, numKvGroups, 0, false, true);
    }

    private GroupedQueryAttention(int dIn, int dOut, int numHeads, int numKvGroups, int headDim, boolean qkNorm, boolean llamaOrder) {
        if (numHeads < 1 || numKvGroups < 1 || numHeads % numKvGroups != 0)
            throw new IllegalArgumentException("GroupedQueryAttention: num_heads (" + numHeads + ") must be divisible by num_kv_groups (" + numKvGroups + ")");
        if (llamaOrder) {
            if (dOut % numHeads != 0)
                throw new IllegalArgumentException("GroupedQueryAttention: d_out (" + dOut + ") must be divisible by num_heads (" + numHeads + ")");
            headDim = dOut / numHeads;
        } else if (headDim == 0) {
            if (dIn % numHeads != 0)
                throw new IllegalArgumentException("GroupedQueryAttention: d_in (" + dIn + ") must be divisible by num_heads (" + numHeads + ") if head_dim is not set");
            headDim = dIn / numHeads;
        }
        if (headDim < 1) throw new IllegalArgumentException("GroupedQueryAttention: head_dim must be positive, got " + headDim);
        this.dIn = dIn;
        this.numHeads = numHeads;
        this.numKvGroups = numKvGroups;
        this.groupSize = numHeads / numKvGroups;
        this.headDim = headDim;
        this.dOut = numHeads * headDim;
        int kvDim = numKvGroups * headDim;
        if (llamaOrder) {
            registerModule("W_key", new Linear(dIn, kvDim, false));
            registerModule("W_value", new Linear(dIn, kvDim, false));
            registerModule("W_query", new Linear(dIn, this.dOut, false));
            registerModule("out_proj", new Linear(this.dOut, this.dOut, false));
        } else {
            registerModule("W_query", new Linear(dIn, this.dOut, false));
            registerModule("W_key", new Linear(dIn, kvDim, false));
            registerModule("W_value", new Linear(dIn, kvDim, false));
            registerModule("out_proj", new Linear(this.dOut, dIn, false));
            if (qkNorm) {
                registerModule("q_norm", new RMSNorm(headDim, 1e-6f, false, true));
                registerModule("k_norm", new RMSNorm(headDim, 1e-6f, false, true));
            }
        }
    }

    /** {@return the query projection {@code W_query}} */
    public Linear wQuery() {
        return child("W_query", Linear.class);
    }

    /** {@return the key projection {@code W_key}} */
    public Linear wKey() {
        return child("W_key", Linear.class);
    }

    /** {@return the value projection {@code W_value}} */
    public Linear wValue() {
        return child("W_value", Linear.class);
    }

    /** {@return the output projection {@code out_proj}} */
    public Linear outProj() {
        return child("out_proj", Linear.class);
    }

    /** {@return the query norm {@code q_norm}, or null without QK-norm} */
    public RMSNorm qNorm() {
        return children().containsKey("q_norm") ? child("q_norm", RMSNorm.class) : null;
    }

    /** {@return the key norm {@code k_norm}, or null without QK-norm} */
    public RMSNorm kNorm() {
        return children().containsKey("k_norm") ? child("k_norm", RMSNorm.class) : null;
    }

    /** {@return the number of query heads} */
    public int numHeads() {
        return numHeads;
    }

    /** {@return the number of key/value heads} */
    public int numKvGroups() {
        return numKvGroups;
    }

    /** {@return the query heads per key/value head} */
    public int groupSize() {
        return groupSize;
    }

    /** {@return the head size} */
    public int headDim() {
        return headDim;
    }

    /**
     * Causal attention over {@code x} from position 0, without a cache.
     *
     * @param x the input, {@code (b, num_tokens, d_in)}
     * @param cos the RoPE cosine table
     * @param sin the RoPE sine table
     * @return the output, {@code (b, num_tokens, d_out)}
     */
    public Tensor forward(Tensor x, Tensor cos, Tensor sin) {
        return forward(x, null, cos, sin, null, 0);
    }

    /**
     * The reference's {@code forward(x, mask, cos, sin, start_pos, cache)}. The mask is the causal
     * one when {@code mask} is null (the common case, computed in one fused op); otherwise a bool
     * tensor broadcastable to {@code (b, num_heads, num_tokens, cached + num_tokens)} whose true
     * entries are hidden.
     *
     * @param x the new tokens, {@code (b, num_tokens, d_in)}
     * @param mask a bool mask, or null for the causal mask
     * @param cos the RoPE cosine table
     * @param sin the RoPE sine table
     * @param cache the cache to read and extend, or null
     * @param layer this block's index in the cache
     * @return the output for the new tokens, {@code (b, num_tokens, d_out)}
     * @throws IllegalArgumentException if the input is not {@code (b, num_tokens, d_in)} or positions exceed the tables
     */
    public Tensor forward(Tensor x, Tensor mask, Tensor cos, Tensor sin, KVCache cache, int layer) {
        if (x.dim() != 3 || x.size(2) != dIn)
            throw new IllegalArgumentException("GroupedQueryAttention: expected input (b, num_tokens, " + dIn + "), got " + java.util.Arrays.toString(x.shape()));
        int b = x.size(0), numTokens = x.size(1);
        int startPos = cache == null ? 0 : cache.position();

        Tensor queries = wQuery().forward(x); // (b, num_tokens, num_heads * head_dim)
        Tensor keys = wKey().forward(x);      // (b, num_tokens, num_kv_groups * head_dim)
        Tensor values = wValue().forward(x);  // (b, num_tokens, num_kv_groups * head_dim)

        queries = queries.view(b, numTokens, numHeads, headDim).transpose(1, 2);  // (b, num_heads, num_tokens, head_dim)
        keys = keys.view(b, numTokens, numKvGroups, headDim).transpose(1, 2);      // (b, num_kv_groups, num_tokens, head_dim)
        values = values.view(b, numTokens, numKvGroups, headDim).transpose(1, 2);  // (b, num_kv_groups, num_tokens, head_dim)

        RMSNorm qn = qNorm(), kn = kNorm();
        if (qn != null) queries = qn.forward(queries);
        if (kn != null) keys = kn.forward(keys);

        queries = RoPE.applyRope(queries, cos, sin, startPos);
        keys = RoPE.applyRope(keys, cos, sin, startPos);

        if (cache != null) {
            Tensor prevK = cache.keys(layer), prevV = cache.values(layer);
            if (prevK != null) {
                keys = Tensor.cat(List.of(prevK, keys), 2);       // (b, num_kv_groups, past + num_tokens, head_dim)
                values = Tensor.cat(List.of(prevV, values), 2);
            } else {
                keys = keys.contiguous();
                values = values.contiguous();
            }
            cache.update(layer, keys, values);
        }

        // each key/value head serves group_size query heads: [K1, K2] → [K1, K1, K2, K2]
        Tensor k = keys.repeatInterleave(groupSize, 1);     // (b, num_heads, total, head_dim)
        Tensor v = values.repeatInterleave(groupSize, 1);   // (b, num_heads, total, head_dim)

        Tensor attnScores = queries.matmul(k.transpose(2, 3)); // (b, num_heads, num_tokens, total)
        float scale = (float) Math.sqrt(headDim);
        Tensor attnWeights;
        if (mask == null) {
            // masked_fill(causal, -inf), / sqrt(head_dim), softmax: one fused op, same values
            attnWeights = attnScores.causalSoftmax(scale);
        } else {
            attnWeights = attnScores.maskedFill(mask, Float.NEGATIVE_INFINITY).div(scale).softmax(-1);
        }
        Tensor context = attnWeights.matmul(v).transpose(1, 2);     // (b, num_tokens, num_heads, head_dim)
        context = context.reshape(b, numTokens, dOut);              // (b, num_tokens, num_heads * head_dim)
        return outProj().forward(context);
    }
}
