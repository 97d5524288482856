package dev.scratchllm;

import dev.scratchllm.autograd.GradMode;
import dev.scratchllm.kernels.Parallel;
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

    /** {@code torch.tensor(...)} from any nested primitive array ({@code float[][]}, {@code int[][][]}, …). */
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
