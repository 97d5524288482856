/*
 * RoPETransformerBlock: the block that Llama 3 and Qwen3 share — pre-norm residual grouped-query
 * attention with RoPE ({@code norm1}, {@code att}) and a pre-norm residual feed-forward
 * ({@code norm2}, {@code ff}). The architectures differ only in the parts they pass in (norm
 * flavour and eps, QK-norm, dense or mixture-of-experts feed-forward); llama.TransformerBlock and
 * qwen.TransformerBlock build them under the reference's name. It does not create its children,
 * so their creation order, which fixes the seeded initialisation, stays with the caller.
 */
package dev.scratchllm.attention;

import dev.scratchllm.nn.Module;
import dev.scratchllm.nn.RMSNorm;
import dev.scratchllm.tensor.Tensor;

/** A pre-norm transformer block with grouped-query RoPE attention (Llama 3, Qwen3). */
public class RoPETransformerBlock extends Module {
    /**
     * Registers the children in the reference's order: {@code att}, {@code ff}, {@code norm1},
     * {@code norm2} (create them in that order too: the order of the random draws).
     *
     * @param att the attention
     * @param ff the feed-forward
     * @param norm1 the norm before attention
     * @param norm2 the norm before the feed-forward
     */
    protected RoPETransformerBlock(GroupedQueryAttention att, Module ff, RMSNorm norm1, RMSNorm norm2) {
        registerModule("att", att);
        registerModule("ff", ff, Module.class);
        registerModule("norm1", norm1);
        registerModule("norm2", norm2);
    }

    /** {@return the attention {@code att}} */
    public GroupedQueryAttention att() {
        return child("att", GroupedQueryAttention.class);
    }

    /** {@return the feed-forward {@code ff}} */
    public Module ff() {
        return child("ff", Module.class);
    }

    /** {@return the norm before attention, {@code norm1}} */
    public RMSNorm norm1() {
        return child("norm1", RMSNorm.class);
    }

    /** {@return the norm before the feed-forward, {@code norm2}} */
    public RMSNorm norm2() {
        return child("norm2", RMSNorm.class);
    }

    /**
     * {@code x + att(norm1(x))}, then {@code + ff(norm2(·))}.
     *
     * @param x the input, {@code (b, num_tokens, emb_dim)}
     * @param cos the RoPE cosine table
     * @param sin the RoPE sine table
     * @param cache the KV cache, or null
     * @param layer this block's index in the cache
     * @return the output, the shape of {@code x}
     */
    public Tensor forward(Tensor x, Tensor cos, Tensor sin, KVCache cache, int layer) {
        Tensor shortcut = x;
        x = att().forward(norm1().forward(x), null, cos, sin, cache, layer); // (b, num_tokens, emb_dim)
        x = x.add(shortcut);
        shortcut = x;
        x = ff().forward(norm2().forward(x));
        return x.add(shortcut);
    }
}
