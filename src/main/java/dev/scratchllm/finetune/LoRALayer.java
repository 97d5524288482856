/*
 * LoRALayer: appendix E's low-rank adaptation (listing E.5): two small trainable matrices
 * A (in_dim, rank) and B (rank, out_dim) whose product, scaled by alpha / rank, is the learned
 * update of a frozen weight: forward(x) = (alpha / rank) * (x @ A @ B). A starts as
 * torch.nn.init.kaiming_uniform_(A, a=sqrt(5)) draws it from the default generator, B as zeros,
 * so a fresh layer adds nothing.
 *
 * It does not hold or call the layer it adapts (LinearWithLoRA does), and it has no dropout.
 */
package dev.scratchllm.finetune;

import dev.scratchllm.nn.Module;
import dev.scratchllm.random.Generator;
import dev.scratchllm.tensor.Tensor;

/**
 * {@code LoRALayer(in_dim, out_dim, rank, alpha)}: parameters {@code A} {@code (in_dim, rank)}
 * and {@code B} {@code (rank, out_dim)} (state-dict keys {@code A}, {@code B}, as in PyTorch).
 *
 * <p>Initialisation, bit for bit as PyTorch's: {@code kaiming_uniform_} computes the fan-in of a
 * 2-d tensor as its <em>second</em> dimension, so for {@code A} of shape {@code (in_dim, rank)}
 * the fan-in is {@code rank}, and {@code A} is drawn from
 * {@code uniform(-b, b)}, {@code b = sqrt(3) * sqrt(2 / (1 + 5)) / sqrt(rank)} (= 1/√rank, computed
 * in double as PyTorch does), in row-major order from the default generator.
 *
 * <p>The scale is {@code alpha / rank} (the book's current code; the first printing scaled by
 * {@code alpha} alone — the same for the book's rank 16, alpha 16).
 */
public class LoRALayer extends Module {
    private final int inDim, outDim, rank;
    private final double alpha;

    /**
     * Creates the layer; {@code A} is drawn from the default generator, {@code B} is zero.
     * @param inDim the input size
     * @param outDim the output size
     * @param rank the inner dimension of {@code A} and {@code B}
     * @param alpha the scaling numerator
     * @throws IllegalArgumentException if a size or the rank is not positive
     */
    public LoRALayer(int inDim, int outDim, int rank, double alpha) {
        if (inDim < 1 || outDim < 1 || rank < 1)
            throw new IllegalArgumentException("LoRALayer: in_dim, out_dim and rank must be positive, got " + inDim + ", " + outDim + ", " + rank);
        this.inDim = inDim;
        this.outDim = outDim;
        this.rank = rank;
        this.alpha = alpha;
        float[] a = new float[inDim * rank];
        double bound = Generator.kaimingUniformBound(rank, Math.sqrt(5)); // fan_in = A.size(1) = rank
        Generator.defaultGenerator().uniform_(a, 0, a.length, -bound, bound);
        registerParameter("A", Tensor.of(a, inDim, rank));
        registerParameter("B", Tensor.zeros(rank, outDim));
    }

    /**
     * {@code A}, shape {@code (in_dim, rank)}.
     *
     * @return the parameter {@code A}
     */
    public Tensor a() {
        return parameter("A");
    }

    /**
     * {@code B}, shape {@code (rank, out_dim)}.
     *
     * @return the parameter {@code B}
     */
    public Tensor b() {
        return parameter("B");
    }

    /**
     * The inner dimension of {@code A} and {@code B}.
     *
     * @return the rank
     */
    public int rank() {
        return rank;
    }

    /**
     * The scaling numerator.
     *
     * @return alpha
     */
    public double alpha() {
        return alpha;
    }

    /**
     * {@code alpha / rank}.
     *
     * @return the scale applied to the low-rank product
     */
    public double scaling() {
        return alpha / rank;
    }

    /** {@code (alpha / rank) * (x @ A @ B)}: {@code (…, in_dim)} to {@code (…, out_dim)}. */
    @Override
    public Tensor forward(Tensor x) {
        if (x.dim() < 1 || x.size(-1) != inDim)
            throw new IllegalArgumentException("LoRALayer: expected input (..., " + inDim + "), got " + java.util.Arrays.toString(x.shape()));
        Tensor xa = x.matmul(a());                 // (…, rank)
        return xa.matmul(b()).mul((float) scaling()); // (…, out_dim)
    }

    /**
     * The scaled weight update as an {@code (out, in)} matrix like a Linear weight:
     * {@code (A @ B)ᵀ · alpha/rank}.
     *
     * @return a new {@code (out_dim, in_dim)} tensor
     */
    public Tensor deltaWeight() {
        return a().matmul(b()).t().mul((float) scaling());
    }

    int inDim() {
        return inDim;
    }

    int outDim() {
        return outDim;
    }
}
