package dev.scratchllm.nn;

import dev.scratchllm.kernels.KernelProvider;
import dev.scratchllm.kernels.Kernels;
import dev.scratchllm.tensor.DType;
import dev.scratchllm.tensor.Shape;
import dev.scratchllm.tensor.Tensor;

import java.util.Arrays;

/**
 * Functional forms of the layers and losses, like {@code torch.nn.functional}: the fused
 * versions of layer norm and cross entropy (one kernel pass forward and one backward), plus
 * thin wrappers for softmax, GELU, linear and the regression/binary losses. The book's
 * composed formulas (for example {@code LayerNorm} written with mean and var) stay in the
 * modules and tests as the oracle these fused paths are compared against.
 */
public final class Functional {
    /** PyTorch's default {@code ignore_index} for cross entropy. */
    public static final long IGNORE_INDEX = -100;

    private Functional() {
    }

    private static Kernels k() {
        return KernelProvider.get();
    }

    /**
     * Softmax over {@code dim}.
     *
     * @param x the input
     * @param dim the dimension to normalise over (negative counts from the end)
     * @return the softmax, the shape of {@code x}
     */
    public static Tensor softmax(Tensor x, int dim) {
        return x.softmax(dim);
    }

    /**
     * GELU, tanh approximation.
     *
     * @param x the input
     * @return {@code GELU(x)}, the shape of {@code x}
     */
    public static Tensor gelu(Tensor x) {
        return x.gelu();
    }

    /**
     * {@code x·Wᵀ + b}; {@code bias} may be null.
     *
     * @param x the input, last dimension {@code in}
     * @param weight the weight, shape {@code (out, in)}
     * @param bias the bias, shape {@code (out)}, or null
     * @return the output, last dimension {@code out}
     */
    public static Tensor linear(Tensor x, Tensor weight, Tensor bias) {
        return Tensor.linear(x, weight, bias);
    }

    /**
     * The book's layer norm over the last dimension, fused:
     * {@code scale · (x − mean) / sqrt(var + eps) + shift} with the biased variance.
     * {@code scale} and {@code shift} have the size of the last dimension; either may be null.
     *
     * @param x a float tensor with at least one dimension
     * @param scale the per-feature scale, or null for none
     * @param shift the per-feature shift, or null for none
     * @param eps the term added to the variance
     * @return the normalised tensor, the shape of {@code x}
     * @throws IllegalArgumentException if {@code x} is not float or a parameter's shape does not match
     */
    public static Tensor layerNorm(Tensor x, Tensor scale, Tensor shift, float eps) {
        if (x.dtype() != DType.FLOAT32 || x.dim() == 0)
            throw new IllegalArgumentException("layer_norm: expected a float tensor with at least 1 dim, got " + x.dtype().torchName() + " " + Shape.str(x.shape()));
        int cols = x.size(-1);
        checkParam("layer_norm", "scale", scale, cols, x);
        checkParam("layer_norm", "shift", shift, cols, x);
        Tensor xc = x.detach().contiguous();
        float[] xd = xc.contiguousData();
        int rows = cols == 0 ? 0 : xd.length / cols;
        float[] sd = scale == null ? null : scale.detach().contiguousData();
        float[] bd = shift == null ? null : shift.detach().contiguousData();
        float[] out = new float[xd.length], mean = new float[rows], rstd = new float[rows];
        k().layerNormRows(xd, 0, sd, bd, eps, out, 0, mean, rstd, rows, cols);
        return Tensor.record(Tensor.of(out, x.shape()), "NativeLayerNormBackward0", g -> {
            float[] gd = g.contiguousData();
            float[] dx = x.requiresGrad() ? new float[xd.length] : null;
            float[] ds = scale != null && scale.requiresGrad() ? new float[cols] : null;
            float[] db = shift != null && shift.requiresGrad() ? new float[cols] : null;
            k().layerNormBackwardRows(xd, 0, sd, mean, rstd, gd, 0, dx, 0, ds, db, rows, cols, false);
            return new Tensor[] {
                    dx == null ? null : Tensor.of(dx, x.shape()),
                    ds == null ? null : Tensor.of(ds, cols),
                    db == null ? null : Tensor.of(db, cols)};
        }, x, scale, shift);
    }

    private static void checkParam(String op, String name, Tensor p, int cols, Tensor x) {
        if (p != null && (p.dim() != 1 || p.size(0) != cols))
            throw new IllegalArgumentException(op + ": " + name + " of shape " + Shape.str(p.shape()) + " does not match the last dim of input " + Shape.str(x.shape()));
    }

    /**
     * Cross entropy with mean reduction and ignore index -100, like {@code F.cross_entropy(logits, targets)}.
     *
     * @param logits the logits, shape {@code (N, C)}
     * @param targets the class indices, int64, shape {@code (N)}
     * @return the mean loss, a scalar
     */
    public static Tensor crossEntropy(Tensor logits, Tensor targets) {
        return crossEntropy(logits, targets, IGNORE_INDEX);
    }

    /**
     * Cross entropy of logits {@code (N, C)} against int64 targets {@code (N)}, averaged over the
     * targets not equal to {@code ignoreIndex}, fused (log-sum-exp forward, softmax-minus-one-hot
     * backward). Like PyTorch, the mean over zero counted targets is NaN.
     *
     * @param logits the logits, shape {@code (N, C)}
     * @param targets the class indices, int64, shape {@code (N)}
     * @param ignoreIndex the target value that does not count
     * @return the mean loss over the counted targets, a scalar
     * @throws IllegalArgumentException if the shapes or the target dtype are wrong
     */
    public static Tensor crossEntropy(Tensor logits, Tensor targets, long ignoreIndex) {
        if (logits.dim() != 2 || targets.dim() != 1 || logits.size(0) != targets.size(0))
            throw new IllegalArgumentException("cross_entropy: expected logits (N, C) and targets (N), got " + Shape.str(logits.shape())
                    + " and " + Shape.str(targets.shape()) + " (flatten batch and sequence dims first: logits.flatten(0, 1), targets.flatten())");
        if (targets.dtype() != DType.INT64)
            throw new IllegalArgumentException("cross_entropy: expected int64 targets, got " + targets.dtype().torchName());
        int rows = logits.size(0), cols = logits.size(1);
        float[] ld = logits.detach().contiguousData();
        long[] td = targets.toLongArray();
        float[] lse = new float[rows];
        double total = k().crossEntropyRows(ld, 0, td, 0, rows, cols, ignoreIndex, lse);
        int count = 0;
        for (long t : td) if (t != ignoreIndex) count++;
        float loss = (float) (total / count);
        final int n = count;
        return Tensor.record(Tensor.scalar(loss), "NllLossBackward0", g -> {
            float[] dl = new float[ld.length];
            float scale = g.item() / n;
            k().crossEntropyBackwardRows(ld, 0, td, 0, lse, rows, cols, ignoreIndex, scale, dl, 0, false);
            return new Tensor[] {Tensor.of(dl, rows, cols)};
        }, logits);
    }

    /**
     * Mean squared error, like {@code F.mse_loss(input, target)}.
     *
     * @param input the prediction
     * @param target the target, of the same shape
     * @return the mean of the squared differences, a scalar
     * @throws IllegalArgumentException if the shapes differ
     */
    public static Tensor mseLoss(Tensor input, Tensor target) {
        if (!Arrays.equals(input.shape(), target.shape()))
            throw new IllegalArgumentException("mse_loss: input " + Shape.str(input.shape()) + " and target " + Shape.str(target.shape()) + " differ in shape");
        Tensor d = input.sub(target);
        return d.mul(d).mean();
    }

    /**
     * Binary cross entropy of probabilities, like {@code F.binary_cross_entropy(p, y)} (log clamped at -100).
     *
     * @param p the predicted probabilities, in [0, 1]
     * @param y the targets (0 or 1), of the same shape
     * @return the mean loss, a scalar
     * @throws IllegalArgumentException if the shapes differ
     */
    public static Tensor binaryCrossEntropy(Tensor p, Tensor y) {
        if (!Arrays.equals(p.shape(), y.shape()))
            throw new IllegalArgumentException("binary_cross_entropy: input " + Shape.str(p.shape()) + " and target " + Shape.str(y.shape()) + " differ in shape");
        Tensor logP = clampLog(p);
        Tensor log1mP = clampLog(p.neg().add(1f));
        return y.mul(logP).add(y.neg().add(1f).mul(log1mP)).mean().neg();
    }

    private static Tensor clampLog(Tensor p) {
        Tensor l = p.log();
        Tensor floor = Tensor.scalar(-100f);
        return Tensor.where(l.lt(-100), floor, l);
    }

    /**
     * {@code F.logsigmoid(x)}, computed as PyTorch does to stay finite for large |x|:
     * {@code min(x, 0) - log1p(exp(-|x|))}; its gradient is {@code sigmoid(-x)}.
     *
     * @param x the input
     * @return {@code log(sigmoid(x))}, the shape of {@code x}
     */
    public static Tensor logSigmoid(Tensor x) {
        Tensor c = x.contiguous();
        float[] in = c.toFloatArray();
        float[] out = new float[in.length], d = new float[in.length];
        for (int i = 0; i < in.length; i++) {
            double v = in[i], z = StrictMath.exp(-Math.abs(v)); // StrictMath: the same bits in the interpreter, C1 and C2
            out[i] = (float) (Math.min(v, 0) - StrictMath.log1p(z));
            d[i] = (float) (v < 0 ? 1 / (1 + z) : z / (1 + z)); // sigmoid(-x)
        }
        int[] shape = x.shape();
        return Tensor.record(Tensor.of(out, shape), "LogSigmoidBackward0", g -> new Tensor[] {g.mul(Tensor.of(d, shape))}, x);
    }
}
