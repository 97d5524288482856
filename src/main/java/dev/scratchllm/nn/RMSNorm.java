package dev.scratchllm.nn;

import dev.scratchllm.tensor.Tensor;

/**
 * Root-mean-square layer normalisation over the last dimension:
 * {@code x · rsqrt(mean(x²) + eps) · weight}, without centring and (by default) without a
 * shift. Two flavours with the reference's parameter names, so state dicts read like PyTorch's:
 * <ul>
 *   <li>{@link #RMSNorm(int, float)}: {@code torch.nn.RMSNorm(emb_dim, eps)} as Llama 3.2 uses it
 *       (parameter {@code weight}, eps 1e-5 in the reference);</li>
 *   <li>{@link #RMSNorm(int, float, boolean, boolean)}: the Qwen3 reference's own {@code RMSNorm}
 *       (parameters {@code scale} and, with a bias, {@code shift}; eps 1e-6).</li>
 * </ul>
 * Both compute in float32 and multiply by the weight after normalising, as the references do.
 * The Qwen3 class's {@code qwen3_compatible} flag decides whether a low-precision input is cast
 * to float32 before the statistics; every tensor here is float32, so the flag is kept (and
 * reported) but changes nothing. It does not run a fused kernel: the composed ops are both the
 * teaching version and what {@code forward} runs.
 */
public class RMSNorm extends Module {
    private final int embDim;
    private final float eps;
    private final boolean qwenStyle, qwen3Compatible;

    /**
     * {@code torch.nn.RMSNorm(embDim, eps=eps)}: a {@code weight} of ones, no shift.
     *
     * @param embDim the size of the normalised (last) dimension, at least 1
     * @param eps the constant added to the mean square (Llama 3.2: 1e-5)
     * @throws IllegalArgumentException if {@code embDim} is not positive or eps is negative
     */
    public RMSNorm(int embDim, float eps) {
        this(embDim, eps, false, false, true);
    }

    /**
     * The Qwen3 reference's {@code RMSNorm(emb_dim, eps, bias, qwen3_compatible)}: a {@code scale}
     * of ones and, if {@code bias}, a {@code shift} of zeros.
     *
     * @param embDim the size of the normalised (last) dimension, at least 1
     * @param eps the constant added to the mean square (Qwen3: 1e-6)
     * @param bias whether to add a learned {@code shift}
     * @param qwen3Compatible compute the statistics in float32 even for low-precision inputs (all
     *     inputs here are float32, so results do not depend on it)
     * @throws IllegalArgumentException if {@code embDim} is not positive or eps is negative
     */
    public RMSNorm(int embDim, float eps, boolean bias, boolean qwen3Compatible) {
        this(embDim, eps, bias, qwen3Compatible, false);
    }

    private RMSNorm(int embDim, float eps, boolean bias, boolean qwen3Compatible, boolean torchStyle) {
        if (embDim < 1) throw new IllegalArgumentException("RMSNorm: emb_dim must be positive, got " + embDim);
        if (!(eps >= 0)) throw new IllegalArgumentException("RMSNorm: eps must be non-negative, got " + eps);
        this.embDim = embDim;
        this.eps = eps;
        this.qwenStyle = !torchStyle;
        this.qwen3Compatible = qwen3Compatible;
        registerParameter(qwenStyle ? "scale" : "weight", Tensor.ones(embDim));
        if (bias) registerParameter("shift", Tensor.zeros(embDim));
    }

    /**
     * The multiplicative weight ({@code weight} or {@code scale}, ones at first).
     *
     * @return the weight parameter, shape {@code (embDim)}
     */
    public Tensor weight() {
        return parameter(qwenStyle ? "scale" : "weight");
    }

    /**
     * The additive shift of the Qwen3 flavour with a bias.
     *
     * @return the shift parameter, or null if there is none
     */
    public Tensor shift() {
        return qwenStyle ? parameter("shift") : null;
    }

    /**
     * The epsilon.
     *
     * @return the constant added to the mean square
     */
    public float eps() {
        return eps;
    }

    /**
     * Whether this is the Qwen3 reference's class ({@code scale}/{@code shift}) rather than
     * {@code torch.nn.RMSNorm} ({@code weight}).
     *
     * @return true for the Qwen3 flavour
     */
    public boolean isQwenStyle() {
        return qwenStyle;
    }

    /**
     * The Qwen3 flavour's {@code qwen3_compatible} flag (false for the torch flavour).
     *
     * @return the flag
     */
    public boolean qwen3Compatible() {
        return qwen3Compatible;
    }

    @Override
    public Tensor forward(Tensor x) {
        if (x.dim() < 1 || x.size(-1) != embDim)
            throw new IllegalArgumentException("RMSNorm: expected an input whose last dimension is " + embDim + ", got shape "
                    + java.util.Arrays.toString(x.shape()));
        // variance = x.pow(2).mean(dim=-1, keepdim=True); norm_x = x * rsqrt(variance + eps) * weight
        Tensor variance = x.pow(2f).mean(-1, true); // (..., 1)
        Tensor norm = x.mul(variance.add(eps).rsqrt()).mul(weight());
        Tensor shift = shift();
        return shift == null ? norm : norm.add(shift);
    }

    @Override
    protected String extraRepr() {
        return "(" + embDim + ",), eps=" + eps + (qwenStyle ? ", qwen3_compatible=" + (qwen3Compatible ? "True" : "False") : "");
    }
}
