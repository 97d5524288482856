package dev.scratchllm.llama;

import dev.scratchllm.attention.GroupedQueryAttention;
import dev.scratchllm.attention.RoPETransformerBlock;
import dev.scratchllm.nn.RMSNorm;
import dev.scratchllm.nn.SwiGLUFeedForward;

/**
 * One Llama 3 block, the reference's {@code TransformerBlock}: pre-norm residual attention
 * ({@code norm1}, grouped-query {@code att} with RoPE) and pre-norm residual SwiGLU feed-forward
 * ({@code norm2}, {@code ff}); the norms are {@code torch.nn.RMSNorm} with eps 1e-5. Children are
 * created in the reference's order: {@code att}, {@code ff}, {@code norm1}, {@code norm2}. The
 * computation is {@link RoPETransformerBlock}'s, which Qwen3 shares.
 */
public class TransformerBlock extends RoPETransformerBlock {
    /**
     * A block for {@code cfg}.
     *
     * @param cfg the model configuration
     */
    public TransformerBlock(Llama3Config cfg) {
        super(GroupedQueryAttention.llama3(cfg.embDim(), cfg.embDim(), cfg.nHeads(), cfg.nKvGroups()),
                new SwiGLUFeedForward(cfg.embDim(), cfg.hiddenDim()), new RMSNorm(cfg.embDim(), Llama3Model.NORM_EPS), new RMSNorm(cfg.embDim(), Llama3Model.NORM_EPS));
    }

    /** {@return the feed-forward {@code ff}} */
    @Override
    public SwiGLUFeedForward ff() {
        return (SwiGLUFeedForward) super.ff();
    }
}
