package dev.scratchllm.llama;

import dev.scratchllm.attention.GroupedQueryAttention;
import dev.scratchllm.attention.KVCache;
import dev.scratchllm.nn.Module;
import dev.scratchllm.nn.RMSNorm;
import dev.scratchllm.nn.SwiGLUFeedForward;
import dev.scratchllm.tensor.Tensor;

/**
 * One Llama 3 block, the reference's {@code TransformerBlock}: pre-norm residual attention
 * ({@code norm1}, grouped-query {@code att} with RoPE) and pre-norm residual SwiGLU feed-forward
 * ({@code norm2}, {@code ff}); the norms are {@code torch.nn.RMSNorm} with eps 1e-5. Children are
 * created in the reference's order: {@code att}, {@code ff}, {@code norm1}, {@code norm2}.
 */
public class TransformerBlock extends Module {
    /**
     * A block for {@code cfg}.
     *
     * @param cfg the model configuration
     */
    public TransformerBlock(Llama3Config cfg) {
        registerModule("att", GroupedQueryAttention.llama3(cfg.embDim(), cfg.embDim(), cfg.nHeads(), cfg.nKvGroups()));
        registerModule("ff", new SwiGLUFeedForward(cfg.embDim(), cfg.hiddenDim()));
        registerModule("norm1", new RMSNorm(cfg.embDim(), 1e-5f));
        registerModule("norm2", new RMSNorm(cfg.embDim(), 1e-5f));
    }

    /** {@return the attention {@code att}} */
    public GroupedQueryAttention att() {
        return child("att", GroupedQueryAttention.class);
    }

    /** {@return the feed-forward {@code ff}} */
    public SwiGLUFeedForward ff() {
        return child("ff", SwiGLUFeedForward.class);
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
