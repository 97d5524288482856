package dev.scratchllm.qwen;

import dev.scratchllm.attention.GroupedQueryAttention;
import dev.scratchllm.attention.RoPETransformerBlock;
import dev.scratchllm.nn.Module;
import dev.scratchllm.nn.RMSNorm;
import dev.scratchllm.nn.SwiGLUFeedForward;

/**
 * One Qwen3 block, the reference's {@code TransformerBlock}: pre-norm residual grouped-query
 * attention (with QK-norm when the config says so) and a pre-norm residual feed-forward, dense
 * SwiGLU or {@link MoEFeedForward} when the config has experts. The norms are the Qwen3 RMSNorm
 * ({@code scale}, eps 1e-6). Children in the reference's order: {@code att}, {@code ff},
 * {@code norm1}, {@code norm2}. The computation is {@link RoPETransformerBlock}'s, which Llama 3
 * shares.
 */
public class TransformerBlock extends RoPETransformerBlock {
    /**
     * A block for {@code cfg}.
     *
     * @param cfg the model configuration
     */
    public TransformerBlock(Qwen3Config cfg) {
        super(new GroupedQueryAttention(cfg.embDim(), cfg.nHeads(), cfg.nKvGroups(), cfg.headDim(), cfg.qkNorm()), feedForward(cfg),
                new RMSNorm(cfg.embDim(), Qwen3Model.NORM_EPS, false, true), new RMSNorm(cfg.embDim(), Qwen3Model.NORM_EPS, false, true));
    }

    private static Module feedForward(Qwen3Config cfg) {
        return cfg.numExperts() > 0 ? new MoEFeedForward(cfg) : new SwiGLUFeedForward(cfg.embDim(), cfg.hiddenDim());
    }
}
