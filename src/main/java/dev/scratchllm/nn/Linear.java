package dev.scratchllm.nn;

import dev.scratchllm.random.Generator;
import dev.scratchllm.tensor.Tensor;

/**
 * {@code nn.Linear(inFeatures, outFeatures, bias)}: {@code y = x·Wᵀ + b} with the weight stored
 * {@code (out, in)} and PyTorch's default initialisation (Kaiming-uniform with a = √5, then the
 * bias from ±1/√in), drawn from the default generator in PyTorch's order. The product runs as one
 * fused gemm plus bias.
 */
public class Linear extends Module {
    private final int inFeatures, outFeatures;

    /**
     * A layer with a bias.
     *
     * @param inFeatures the input size, at least 1
     * @param outFeatures the output size, at least 1
     */
    public Linear(int inFeatures, int outFeatures) {
        this(inFeatures, outFeatures, true);
    }

    /**
     * A layer with or without a bias.
     *
     * @param inFeatures the input size, at least 1
     * @param outFeatures the output size, at least 1
     * @param bias whether the layer has a bias
     * @throws IllegalArgumentException if a size is not positive
     */
    public Linear(int inFeatures, int outFeatures, boolean bias) {
        if (inFeatures < 1 || outFeatures < 1)
            throw new IllegalArgumentException("Linear: in_features and out_features must be positive, got " + inFeatures + " and " + outFeatures);
        this.inFeatures = inFeatures;
        this.outFeatures = outFeatures;
        if ((long) outFeatures * inFeatures > Integer.MAX_VALUE - 8)
            throw new IllegalArgumentException(String.format(java.util.Locale.ROOT, "Linear: a weight of %d x %d = %,d elements, more than one tensor holds (%,d, a Java array's limit)",
                    outFeatures, inFeatures, (long) outFeatures * inFeatures, Integer.MAX_VALUE - 8));
        float[] w = new float[outFeatures * inFeatures];
        float[] b = bias ? new float[outFeatures] : null;
        Generator.defaultGenerator().initLinear_(w, b, inFeatures);
        registerParameter("weight", Tensor.of(w, outFeatures, inFeatures));
        registerParameter("bias", b == null ? null : Tensor.of(b, outFeatures));
    }

    /**
     * For subclasses that stand in for another linear layer (appendix E's
     * {@code LinearWithLoRA}): the same sizes, no parameters of its own, no random draws. Such a
     * subclass overrides {@link #weight()}, {@link #bias()} and {@link #forward}.
     *
     * @param like the layer whose sizes to take
     */
    protected Linear(Linear like) {
        this.inFeatures = like.inFeatures();
        this.outFeatures = like.outFeatures();
    }

    /**
     * The weight, shape {@code (out, in)}.
     *
     * @return the weight parameter (live, not a copy)
     */
    public Tensor weight() {
        return parameter("weight");
    }

    /**
     * The bias, shape {@code (out)}, or null.
     *
     * @return the bias parameter, or null if the layer has none
     */
    public Tensor bias() {
        return parameter("bias");
    }

    /**
     * The input size.
     *
     * @return the number of input features
     */
    public int inFeatures() {
        return inFeatures;
    }

    /**
     * The output size.
     *
     * @return the number of output features
     */
    public int outFeatures() {
        return outFeatures;
    }

    @Override
    public Tensor forward(Tensor x) {
        return Tensor.linear(x, weight(), bias());
    }

    @Override
    protected String extraRepr() {
        return "in_features=" + inFeatures + ", out_features=" + outFeatures + ", bias=" + (bias() != null ? "True" : "False");
    }
}
