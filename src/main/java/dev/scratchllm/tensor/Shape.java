package dev.scratchllm.tensor;

import java.util.Arrays;

/**
 * Static helpers for shapes and strides: element counts, row-major strides, dimension
 * wrapping, broadcasting with PyTorch's rules, and formatting shapes for error messages
 * as PyTorch does ({@code [2, 3]}). Shapes are plain {@code int[]}; nothing here allocates
 * tensors.
 */
public final class Shape {
    private Shape() {
    }

    /**
     * The number of elements of a shape (1 for a 0-d shape).
     *
     * @param shape the sizes
     * @return the product of the sizes
     */
    public static int numel(int[] shape) {
        long n = 1;
        for (int d : shape) {
            if (d < 0) throw new IllegalArgumentException("negative dimension in shape " + str(shape));
            n *= d;
            if (n > Integer.MAX_VALUE) throw new IllegalArgumentException("shape " + str(shape) + " has more than 2^31-1 elements");
        }
        return (int) n;
    }

    /**
     * Row-major (contiguous) strides for a shape.
     *
     * @param shape the sizes
     * @return a new array of strides, in elements
     */
    public static int[] contiguousStrides(int[] shape) {
        int[] s = new int[shape.length];
        int acc = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            s[i] = acc;
            acc *= Math.max(shape[i], 1);
        }
        return s;
    }

    /**
     * Wraps a possibly negative dimension index into {@code [0, rank)}, naming the op on error.
     *
     * @param op the op's name, for the error message
     * @param dim the dimension, possibly negative
     * @param rank the number of dimensions
     * @return the dimension in {@code [0, rank)}
     * @throws IllegalArgumentException if {@code dim} is out of range
     */
    public static int wrapDim(String op, int dim, int rank) {
        int r = Math.max(rank, 1);
        if (dim < -r || dim >= r)
            throw new IllegalArgumentException(op + ": dimension out of range (expected to be in range of [" + (-r) + ", " + (r - 1) + "], but got " + dim + ")");
        return dim < 0 ? dim + r : dim;
    }

    /**
     * The broadcast shape of two shapes, or an error naming the op and both shapes.
     *
     * @param op the op's name, for the error message
     * @param a one shape
     * @param b the other shape
     * @return a new array with the broadcast shape
     * @throws IllegalArgumentException if the shapes do not broadcast
     */
    public static int[] broadcast(String op, int[] a, int[] b) {
        int n = Math.max(a.length, b.length);
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            int da = i - (n - a.length) >= 0 ? a[i - (n - a.length)] : 1;
            int db = i - (n - b.length) >= 0 ? b[i - (n - b.length)] : 1;
            if (da != db && da != 1 && db != 1)
                throw new IllegalArgumentException(op + ": the size of tensor a (" + da + ") must match the size of tensor b (" + db
                        + ") at non-singleton dimension " + i + " (shapes " + str(a) + " and " + str(b) + ")");
            out[i] = da == 1 ? db : da;
        }
        return out;
    }

    /**
     * Strides to read a tensor of {@code shape}/{@code strides} as if expanded to {@code target} (0 on
     * broadcast dims).
     *
     * @param shape the tensor's sizes
     * @param strides the tensor's strides
     * @param target the broadcast shape, at least as long as {@code shape}
     * @return a new array of strides with {@code target}'s length
     */
    public static int[] broadcastStrides(int[] shape, int[] strides, int[] target) {
        int[] s = new int[target.length];
        int off = target.length - shape.length;
        for (int i = 0; i < shape.length; i++) s[off + i] = shape[i] == 1 && target[off + i] != 1 ? 0 : strides[i];
        return s;
    }

    /**
     * Formats a shape like PyTorch's error messages: {@code [2, 3]}.
     *
     * @param shape the sizes
     * @return the text
     */
    public static String str(int[] shape) {
        return Arrays.toString(shape);
    }

    /**
     * Whether strides describe the row-major layout of shape (size-1 dims may have any stride).
     *
     * @param shape the sizes
     * @param strides the strides
     * @return true if contiguous
     */
    public static boolean isContiguous(int[] shape, int[] strides) {
        int expected = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            if (shape[i] == 1) continue;
            if (strides[i] != expected) return false;
            expected *= shape[i];
        }
        return true;
    }
}
