package dev.scratchllm.nn;

import dev.scratchllm.tensor.Tensor;

/**
 * The book's {@code GELU} (listing 4.3), tanh approximation:
 * {@code 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))}. {@link #forward} runs the fused kernel;
 * {@link #forwardComposed} is the formula written with tensor ops, as the book does.
 */
public class GELU extends Module {
    /** A GELU layer; it has no parameters. */
    public GELU() {
    }

    @Override
    public Tensor forward(Tensor x) {
        return x.gelu();
    }

    /**
     * The book's formula, op by op.
     *
     * @param x the input
     * @return {@code GELU(x)}, the shape of {@code x}
     */
    public Tensor forwardComposed(Tensor x) {
        float c = (float) Math.sqrt(2.0 / Math.PI);
        Tensor inner = x.add(x.pow(3f).mul(0.044715f)).mul(c);
        return x.mul(0.5f).mul(inner.tanh().add(1f));
    }
}
