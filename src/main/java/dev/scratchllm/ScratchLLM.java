package dev.scratchllm;

import dev.scratchllm.autograd.GradMode;
import dev.scratchllm.kernels.Parallel;
import dev.scratchllm.random.Generator;
import dev.scratchllm.tensor.Tensor;

import java.util.List;

/**
 * The {@code torch}-like entry point, meant for {@code import static dev.scratchllm.ScratchLLM.*}:
 * tensor creation from Java arrays, {@code zeros}/{@code ones}/{@code arange}, the no-grad scope
 * and the thread count. Everything here delegates to {@link Tensor} and friends; it holds no
 * state of its own.
 */
public final class ScratchLLM {
    private ScratchLLM() {
    }

    /** {@code torch.tensor(...)} from a 1-D float array. */
    public static Tensor tensor(float... values) {
        return Tensor.fromArray(values);
    }

    /** {@code torch.tensor(...)} from a 1-D double array (stored as float32). */
    public static Tensor tensor(double... values) {
        return Tensor.fromArray(values);
    }

    /** {@code torch.tensor(...)} from a 1-D int array (int64). */
    public static Tensor tensor(int... values) {
        return Tensor.fromArray(values);
    }

    /** {@code torch.tensor(...)} from a 1-D long array (int64). */
    public static Tensor tensor(long... values) {
        return Tensor.fromArray(values);
    }

    /**
     * {@code torch.tensor(...)} from any nested primitive array ({@code float[][]}, {@code int[][][]}, …),
     * or from a single boxed number, which gives a 0-d tensor ({@code tensor(2.5)} is {@code torch.tensor(2.5)}).
     */
    public static Tensor tensor(Object nestedArray) {
        return Tensor.fromArray(nestedArray);
    }

    /** {@code torch.zeros(shape)}. */
    public static Tensor zeros(int... shape) {
        return Tensor.zeros(shape);
    }

    /** {@code torch.ones(shape)}. */
    public static Tensor ones(int... shape) {
        return Tensor.ones(shape);
    }

    /** {@code torch.full(shape, value)}. */
    public static Tensor full(float value, int... shape) {
        return Tensor.full(value, shape);
    }

    /** {@code torch.arange(end)} (int64). */
    public static Tensor arange(long end) {
        return Tensor.arange(end);
    }

    /** {@code torch.arange(start, end, step)} (int64). */
    public static Tensor arange(long start, long end, long step) {
        return Tensor.arange(start, end, step);
    }

    /** {@code torch.eye(n)}. */
    public static Tensor eye(int n) {
        return Tensor.eye(n);
    }

    /** {@code torch.cat(tensors, dim)}. */
    public static Tensor cat(List<Tensor> tensors, int dim) {
        return Tensor.cat(tensors, dim);
    }

    /** {@code torch.stack(tensors, dim)}. */
    public static Tensor stack(List<Tensor> tensors, int dim) {
        return Tensor.stack(tensors, dim);
    }

    /** {@code torch.where(condition, a, b)}. */
    public static Tensor where(Tensor condition, Tensor a, Tensor b) {
        return Tensor.where(condition, a, b);
    }

    // ---------------------------------------------------------------- randomness (PyTorch-compatible)

    /** {@code torch.manual_seed(seed)}: reseeds the default generator. */
    public static Generator manualSeed(long seed) {
        return Generator.defaultGenerator().manualSeed(seed);
    }

    /** {@code torch.rand(shape)}: uniform [0, 1) from the default generator, bit-identical to PyTorch. */
    public static Tensor rand(int... shape) {
        return Tensor.of(Generator.defaultGenerator().rand(dev.scratchllm.tensor.Shape.numel(shape)), shape);
    }

    /** {@code torch.randn(shape)}: standard normal from the default generator, bit-identical to PyTorch. */
    public static Tensor randn(int... shape) {
        return Tensor.of(Generator.defaultGenerator().randn(dev.scratchllm.tensor.Shape.numel(shape)), shape);
    }

    /** {@code torch.randint(low, high, shape)} (int64). */
    public static Tensor randint(long low, long high, int... shape) {
        return Tensor.ofLongs(Generator.defaultGenerator().randint(low, high, dev.scratchllm.tensor.Shape.numel(shape)), shape);
    }

    /** {@code torch.randperm(n)} (int64). */
    public static Tensor randperm(int n) {
        long[] p = Generator.defaultGenerator().randperm(n);
        return Tensor.ofLongs(p, p.length);
    }

    /**
     * {@code torch.multinomial(probs, numSamples)} without replacement for a 1-D or 2-D float
     * tensor of (unnormalised) probabilities; returns int64 indices of shape
     * {@code (…, numSamples)}.
     */
    public static Tensor multinomial(Tensor probs, int numSamples) {
        if (probs.dim() != 1 && probs.dim() != 2)
            throw new IllegalArgumentException("multinomial: prob_dist must be 1 or 2 dim, got shape " + dev.scratchllm.tensor.Shape.str(probs.shape()));
        int rows = probs.dim() == 1 ? 1 : probs.size(0), cats = probs.size(-1);
        long[] r = Generator.defaultGenerator().multinomial(probs.toFloatArray(), rows, cats, numSamples, false);
        return probs.dim() == 1 ? Tensor.ofLongs(r, numSamples) : Tensor.ofLongs(r, rows, numSamples);
    }

    /** A scope without graph recording: {@code try (var g = noGrad()) { … }}. */
    public static GradMode.Scope noGrad() {
        return GradMode.noGrad();
    }

    /** Sets the number of threads the kernels use (default: all cores). */
    public static void setNumThreads(int n) {
        Parallel.setNumThreads(n);
    }

    /** The number of threads the kernels use. */
    public static int getNumThreads() {
        return Parallel.numThreads();
    }
}
