package dev.scratchllm.gpt;

import dev.scratchllm.attention.MultiHeadAttention;
import dev.scratchllm.nn.Dropout;
import dev.scratchllm.nn.LayerNorm;
import dev.scratchllm.nn.Module;
import dev.scratchllm.tensor.Tensor;

/**
 * The book's {@code TransformerBlock(cfg)} (listing 4.6), pre-LayerNorm:
 * <pre>
 *   x = x + drop_shortcut(att(norm1(x)))
 *   x = x + drop_shortcut(ff(norm2(x)))
 * </pre>
 * Submodules in the book's order (so seeded initialisation and state-dict keys match):
 * {@code att} ({@link MultiHeadAttention} E → E with {@code n_heads} heads, the config's
 * context length, attention dropout and qkv bias), {@code ff} ({@link FeedForward}),
 * {@code norm1}, {@code norm2} ({@link LayerNorm}), {@code drop_shortcut}. Input and output
 * {@code (b, num_tokens, E)}.
 */
public class TransformerBlock extends Module {
    /**
     * Builds a block for {@code cfg}, drawing the initial weights from the default generator.
     *
     * @param cfg the configuration
     */
    public TransformerBlock(GPTConfig cfg) {
        registerModule("att", new MultiHeadAttention(
                cfg.embDim(), cfg.embDim(), cfg.contextLength(), cfg.dropRateAttn(), cfg.nHeads(), cfg.qkvBias()));
        registerModule("ff", new FeedForward(cfg));
        registerModule("norm1", new LayerNorm(cfg.embDim()));
        registerModule("norm2", new LayerNorm(cfg.embDim()));
        registerModule("drop_shortcut", new Dropout(cfg.dropRateShortcut()));
    }

    /**
     * The attention layer, {@code att}.
     *
     * @return the multi-head attention
     */
    public MultiHeadAttention att() {
        return child("att", MultiHeadAttention.class);
    }

    /**
     * The feed-forward layer, {@code ff}.
     *
     * @return the feed-forward module
     */
    public FeedForward ff() {
        return child("ff", FeedForward.class);
    }

    /**
     * The layer norm before attention, {@code norm1}.
     *
     * @return the first layer norm
     */
    public LayerNorm norm1() {
        return child("norm1", LayerNorm.class);
    }

    /**
     * The layer norm before the feed-forward layer, {@code norm2}.
     *
     * @return the second layer norm
     */
    public LayerNorm norm2() {
        return child("norm2", LayerNorm.class);
    }

    /**
     * The dropout on both residual branches, {@code drop_shortcut}.
     *
     * @return the shortcut dropout layer
     */
    public Dropout dropShortcut() {
        return child("drop_shortcut", Dropout.class);
    }

    /**
     * The block for decoding with a cache: attention reads and extends {@code cache}.
     *
     * @param x the new positions' inputs, shape {@code (b, T_new, E)}
     * @param cache this block's cache of earlier keys and values
     * @return the outputs for the new positions, shape {@code (b, T_new, E)}
     */
    public Tensor forward(Tensor x, KVCache.Layer cache) {
        Dropout dropShortcut = dropShortcut();
        Tensor shortcut = x;
        x = norm1().forward(x);
        Tensor[] r = att().forwardCached(x, cache.keys, cache.values); // (b, T_new, E)
        cache.keys = r[1];
        cache.values = r[2];
        x = dropShortcut.forward(r[0]);
        x = x.add(shortcut);
        shortcut = x;
        x = norm2().forward(x);
        x = ff().forward(x);
        x = dropShortcut.forward(x);
        return x.add(shortcut);
    }

    @Override
    public Tensor forward(Tensor x) {
        // Shortcut connection around the attention
        Dropout dropShortcut = dropShortcut();
        Tensor shortcut = x;
        x = norm1().forward(x);
        x = att().forward(x);         // (b, T, E)
        x = dropShortcut.forward(x);
        x = x.add(shortcut);          // add the original input back

        // Shortcut connection around the feed-forward network
        shortcut = x;
        x = norm2().forward(x);
        x = ff().forward(x);          // (b, T, E)
        x = dropShortcut.forward(x);
        return x.add(shortcut);
    }
}
