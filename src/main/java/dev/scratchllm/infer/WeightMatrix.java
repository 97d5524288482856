package dev.scratchllm.infer;

import dev.scratchllm.kernels.DecodeKernels;
import dev.scratchllm.kernels.Kernels;
import dev.scratchllm.tensor.Tensor;

import java.util.Arrays;

/**
 * A {@code rows × cols} weight matrix ({@code nn.Linear.weight}'s layout, {@code (out, in)}) in
 * one of the {@link WeightFormat}s, with the two products the inference path needs: a
 * matrix-vector product for a range of output rows (one thread's share, for decoding) and a
 * matrix product with many input rows on the packed GEMM path (for the prompt). It holds no
 * bias and does no threading of its own.
 */
public abstract class WeightMatrix {
    /** Rows of float32 weights widened at a time for the prompt's GEMM (quantized formats). */
    static final int DEQUANT_ROWS = 256;

    final int rows, cols;

    WeightMatrix(int rows, int cols) {
        this.rows = rows;
        this.cols = cols;
    }

    /**
     * A weight tensor {@code (rows, cols)} in {@code format}. Float32 shares the tensor's array
     * when it is contiguous (so it sees later changes to the model); the other formats convert
     * a copy.
     *
     * @param weight a two-dimensional float32 tensor
     * @param format the storage format
     * @return the matrix
     * @throws IllegalArgumentException if the tensor is not two-dimensional, or for Q8_0 if its
     *         row length is not a multiple of 32
     */
    public static WeightMatrix of(Tensor weight, WeightFormat format) {
        if (weight.dim() != 2)
            throw new IllegalArgumentException("WeightMatrix: expected a 2-D weight, got " + Arrays.toString(weight.shape()));
        int r = weight.size(0), c = weight.size(1);
        float[] data = weight.contiguousData();
        return switch (format) {
            case F32 -> new F32Weights(r, c, data);
            case BF16 -> BF16Weights.quantize(r, c, data);
            case Q8_0 -> Q8Weights.quantize(r, c, data);
        };
    }

    /**
     * The number of rows (outputs).
     *
     * @return the rows
     */
    public int rows() {
        return rows;
    }

    /**
     * The row length (inputs).
     *
     * @return the columns
     */
    public int cols() {
        return cols;
    }

    /**
     * The storage format.
     *
     * @return the format
     */
    public abstract WeightFormat format();

    /**
     * The bytes a matrix-vector product reads: the weights and, for Q8_0, the scales.
     *
     * @return the size in bytes
     */
    public abstract long bytes();

    /**
     * Rows {@code [r0, r1)} of {@code y = W·x (+ bias)} for {@code m} vectors; see
     * {@link DecodeKernels#gemvF32} for the layouts.
     *
     * @param k the kernels
     * @param r0 the first row, inclusive
     * @param r1 the last row, exclusive
     * @param m the number of input vectors
     * @param x the inputs
     * @param xOff the index of vector 0
     * @param ldx the distance between input vectors
     * @param bias the bias (indexed by row), or null
     * @param y the outputs
     * @param yOff the index of vector 0's row-0 output
     * @param ldy the distance between output vectors
     * @param accumulate true to add to y
     */
    public abstract void gemv(DecodeKernels k, int r0, int r1, int m, float[] x, int xOff, int ldx,
                              float[] bias, float[] y, int yOff, int ldy, boolean accumulate);

    /**
     * Rows {@code [r0, r1)} widened to float32, row-major into {@code dst} from {@code dOff}.
     *
     * @param r0 the first row, inclusive
     * @param r1 the last row, exclusive
     * @param dst the destination
     * @param dOff the index of the first element written
     */
    public abstract void toFloat(int r0, int r1, float[] dst, int dOff);

    /**
     * {@code Y = X·Wᵀ} for {@code t} input rows (the prompt), on {@link Kernels#gemm}:
     * {@code Y[i][r]} at {@code yOff + i·ldy + r}, overwritten. Quantized formats widen
     * 256 rows at a time into {@code scratch}.
     *
     * @param kernels the GEMM kernels
     * @param t the number of input rows
     * @param x the inputs, row {@code i} at {@code xOff + i·ldx}
     * @param xOff the index of row 0
     * @param ldx the row stride of X
     * @param y the outputs
     * @param yOff the index of {@code Y[0][0]}
     * @param ldy the row stride of Y, at least {@code rows()}
     * @param scratch at least {@code min(rows, 256)·cols} floats, unused for float32
     */
    public void matmul(Kernels kernels, int t, float[] x, int xOff, int ldx, float[] y, int yOff, int ldy, float[] scratch) {
        for (int r0 = 0; r0 < rows; r0 += DEQUANT_ROWS) {
            int r1 = Math.min(rows, r0 + DEQUANT_ROWS);
            toFloat(r0, r1, scratch, 0);
            kernels.gemm(false, true, t, r1 - r0, cols, x, xOff, ldx, scratch, 0, cols, y, yOff + r0, ldy, false);
        }
    }
}
