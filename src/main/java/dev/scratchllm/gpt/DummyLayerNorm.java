package dev.scratchllm.gpt;

import dev.scratchllm.nn.Module;
import dev.scratchllm.tensor.Tensor;

/**
 * The book's {@code DummyLayerNorm(normalized_shape, eps=1e-5)} (section 4.1): a placeholder
 * with the layer norm's constructor that returns its input unchanged and has no parameters.
 * {@link dev.scratchllm.nn.LayerNorm} is the real one.
 */
public class DummyLayerNorm extends Module {
    /**
     * A placeholder; the size is ignored.
     *
     * @param normalizedShape the size of the normalised dimension (ignored)
     */
    public DummyLayerNorm(int normalizedShape) {
        this(normalizedShape, 1e-5);
    }

    /**
     * The arguments only mimic the real layer's interface; they are ignored.
     *
     * @param normalizedShape the size of the normalised dimension (ignored)
     * @param eps the epsilon (ignored)
     */
    public DummyLayerNorm(int normalizedShape, double eps) {
    }

    @Override
    public Tensor forward(Tensor x) {
        return x; // this layer does nothing and just returns its input
    }
}
