package dev.scratchllm.gpt;

import dev.scratchllm.nn.Module;
import dev.scratchllm.tensor.Tensor;

/**
 * The book's {@code DummyLayerNorm(normalized_shape, eps=1e-5)} (section 4.1): a placeholder
 * with the layer norm's constructor that returns its input unchanged and has no parameters.
 * {@link dev.scratchllm.nn.LayerNorm} is the real one.
 */
public class DummyLayerNorm extends Module {
    public DummyLayerNorm(int normalizedShape) {
        this(normalizedShape, 1e-5);
    }

    /** The arguments only mimic the real layer's interface; they are ignored. */
    public DummyLayerNorm(int normalizedShape, double eps) {
    }

    @Override
    public Tensor forward(Tensor x) {
        return x; // this layer does nothing and just returns its input
    }
}
