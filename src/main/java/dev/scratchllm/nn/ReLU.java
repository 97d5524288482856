package dev.scratchllm.nn;

import dev.scratchllm.tensor.Tensor;

/** {@code nn.ReLU()}: {@code max(x, 0)}. */
public class ReLU extends Module {
    /** A ReLU layer; it has no parameters. */
    public ReLU() {
    }

    @Override
    public Tensor forward(Tensor x) {
        return x.relu();
    }
}
