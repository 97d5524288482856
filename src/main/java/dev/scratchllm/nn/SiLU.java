package dev.scratchllm.nn;

import dev.scratchllm.tensor.Tensor;

/**
 * {@code nn.SiLU} (also called swish): {@code x·σ(x)} element-wise, the activation inside the
 * SwiGLU feed-forward of Llama and Qwen ({@code torch.nn.functional.silu}). It has no
 * parameters. {@link #forward} runs one fused op ({@link Tensor#silu()});
 * {@link #forwardComposed} is the formula written with the sigmoid, kept as the test oracle.
 */
public class SiLU extends Module {
    /** The activation (it holds nothing). */
    public SiLU() {
    }

    @Override
    public Tensor forward(Tensor x) {
        return x.silu();
    }

    /**
     * The definition step by step: {@code x * sigmoid(x)}.
     *
     * @param x any float tensor
     * @return the activation, the shape of {@code x}
     */
    public Tensor forwardComposed(Tensor x) {
        return x.mul(x.sigmoid());
    }
}
