package dev.scratchllm.gpt;

import dev.scratchllm.nn.Module;
import dev.scratchllm.tensor.Tensor;

/**
 * The book's {@code DummyTransformerBlock(cfg)} (section 4.1): a placeholder that returns its
 * input unchanged and has no parameters. {@link TransformerBlock} is the real one.
 */
public class DummyTransformerBlock extends Module {
    /**
     * Takes the configuration only to mirror the real block's constructor; it is ignored.
     *
     * @param cfg the configuration (ignored)
     */
    public DummyTransformerBlock(GPTConfig cfg) {
    }

    @Override
    public Tensor forward(Tensor x) {
        return x; // this block does nothing and just returns its input
    }
}
