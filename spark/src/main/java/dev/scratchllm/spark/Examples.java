package dev.scratchllm.spark;

import dev.scratchllm.data.Dataset;
import dev.scratchllm.tensor.DType;
import dev.scratchllm.tensor.Tensor;

import java.io.Serializable;
import java.util.Arrays;

/**
 * A data set of {@code Tensor[]} examples in a serializable form, broadcast once to the executors:
 * for each example and component, its shape and its float32 or int64 values. It is built on the
 * driver from any {@link Dataset} and read back as tensors on the executors; it holds no
 * other state. Only float32 and int64 components are supported (token ids, targets, masks as
 * floats).
 */
public final class Examples implements Dataset<Tensor[]>, Serializable {
    private static final long serialVersionUID = 1L;
    private final int[][][] shapes;   // [example][component] -> shape
    private final float[][][] floats; // [example][component] -> values, or null
    private final long[][][] longs;   // [example][component] -> values, or null

    private Examples(int[][][] shapes, float[][][] floats, long[][][] longs) {
        this.shapes = shapes;
        this.floats = floats;
        this.longs = longs;
    }

    /**
     * Copies every example of {@code data}.
     *
     * @param data the examples, each a tuple of float32 or int64 tensors
     * @return the serializable copy
     * @throws IllegalArgumentException if a component has another dtype
     */
    public static Examples of(Dataset<Tensor[]> data) {
        int n = data.size();
        int[][][] shapes = new int[n][][];
        float[][][] floats = new float[n][][];
        long[][][] longs = new long[n][][];
        for (int i = 0; i < n; i++) {
            Tensor[] ex = data.get(i);
            shapes[i] = new int[ex.length][];
            floats[i] = new float[ex.length][];
            longs[i] = new long[ex.length][];
            for (int c = 0; c < ex.length; c++) {
                shapes[i][c] = ex[c].shape();
                if (ex[c].dtype() == DType.INT64) longs[i][c] = ex[c].toLongArray();
                else if (ex[c].dtype() == DType.FLOAT32) floats[i][c] = ex[c].toFloatArray();
                else throw new IllegalArgumentException("Examples.of: example " + i + ", component " + c + " has dtype "
                            + ex[c].dtype() + "; only float32 and int64 are supported");
            }
        }
        return new Examples(shapes, floats, longs);
    }

    @Override
    public int size() {
        return shapes.length;
    }

    @Override
    public Tensor[] get(int index) {
        Tensor[] out = new Tensor[shapes[index].length];
        for (int c = 0; c < out.length; c++) {
            int[] shape = shapes[index][c];
            out[c] = longs[index][c] != null ? Tensor.ofLongs(longs[index][c].clone(), shape) : Tensor.of(floats[index][c].clone(), shape);
        }
        return out;
    }

    @Override
    public String toString() {
        return "Examples(" + size() + (size() > 0 ? ", first " + Arrays.deepToString(shapes[0]) : "") + ")";
    }
}
