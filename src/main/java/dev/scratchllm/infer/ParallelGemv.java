package dev.scratchllm.infer;

import dev.scratchllm.kernels.AlignedVectors;
import dev.scratchllm.kernels.DecodeKernels;
import dev.scratchllm.kernels.Parallel;

/**
 * One matrix-vector step split over {@link Parallel}'s threads by output rows: up to four
 * matrices that read the same input (the query, key and value projections, say) are treated as
 * one tall matrix whose rows are cut into near-equal contiguous shares, each with its own bias
 * and destination. The input vectors are first copied to cache-line-aligned storage
 * ({@link AlignedVectors}). The object is its own {@link Parallel.RangeBody} and is filled in place
 * before each run, so a step allocates nothing once its largest shape has been seen; one instance
 * serves one thread of control (each model instance has its own).
 */
public final class ParallelGemv implements Parallel.RangeBody {
    /** Rows below which a share is not worth a thread. */
    static final int MIN_ROWS = 64;
    private static final int MAX_PARTS = 4;

    private final DecodeKernels k;
    private final WeightMatrix[] w = new WeightMatrix[MAX_PARTS];
    private final float[][] bias = new float[MAX_PARTS][], y = new float[MAX_PARTS][];
    private final int[] yOff = new int[MAX_PARTS], ldy = new int[MAX_PARTS], start = new int[MAX_PARTS + 1];
    private final boolean[] acc = new boolean[MAX_PARTS];
    private int parts;
    private final AlignedVectors aligned = new AlignedVectors();
    private float[] x;
    private int xOff, ldx, m;

    /**
     * A driver over the given kernels.
     *
     * @param k the decode kernels
     */
    public ParallelGemv(DecodeKernels k) {
        this.k = k;
    }

    /**
     * Starts a new step with no matrices.
     *
     * @return this
     */
    public ParallelGemv clear() {
        parts = 0;
        return this;
    }

    /**
     * Adds a matrix whose rows continue the step's row space:
     * {@code y[yOff + i·ldy + r] (+)= W[r]·x_i + bias[r]}.
     *
     * @param weights the matrix; its row length must be the other matrices'
     * @param b its bias, or null
     * @param out the destination array
     * @param outOff the index of vector 0's row-0 output
     * @param ldOut the distance between output vectors
     * @param accumulate true to add to the destination (a residual connection)
     * @return this
     * @throws IllegalArgumentException if more than four matrices are added or the row lengths differ
     */
    public ParallelGemv add(WeightMatrix weights, float[] b, float[] out, int outOff, int ldOut, boolean accumulate) {
        if (parts == MAX_PARTS) throw new IllegalArgumentException("ParallelGemv: at most " + MAX_PARTS + " matrices per step");
        if (parts > 0 && weights.cols != w[0].cols)
            throw new IllegalArgumentException("ParallelGemv: row length " + weights.cols + " differs from " + w[0].cols);
        w[parts] = weights;
        bias[parts] = b;
        y[parts] = out;
        yOff[parts] = outOff;
        ldy[parts] = ldOut;
        acc[parts] = accumulate;
        start[parts + 1] = start[parts] + weights.rows;
        parts++;
        return this;
    }

    /**
     * Runs the step for {@code m} input vectors, split over the worker threads.
     *
     * @param in the inputs, vector {@code i} at {@code inOff + i·ldIn}
     * @param inOff the index of vector 0
     * @param ldIn the distance between input vectors
     * @param count the number of vectors
     */
    public void run(float[] in, int inOff, int ldIn, int count) {
        if (parts == 0) return;
        // the kernels read x from a copy whose vectors start on cache lines (see AlignedVectors)
        int cols = w[0].cols;
        x = aligned.load(in, inOff, ldIn, count, cols);
        xOff = AlignedVectors.OFFSET;
        ldx = AlignedVectors.stride(cols);
        m = count;
        Parallel.forRange(start[parts], MIN_ROWS, this);
        x = null;
    }

    // One thread's share of the concatenated rows.
    @Override
    public void run(int s, int e) {
        for (int p = 0; p < parts; p++) {
            int lo = Math.max(s, start[p]) - start[p], hi = Math.min(e, start[p + 1]) - start[p];
            if (lo < hi) w[p].gemv(k, lo, hi, m, x, xOff, ldx, bias[p], y[p], yOff[p], ldy[p], acc[p]);
        }
    }
}
