package dev.scratchllm.infer;

import dev.scratchllm.kernels.DecodeKernels;
import dev.scratchllm.kernels.ScalarDecodeKernels;

/** Bfloat16 weights: each float32 rounded to its upper 16 bits (nearest, ties to even). */
final class BF16Weights extends WeightMatrix {
    final short[] w;

    BF16Weights(int rows, int cols, short[] w) {
        super(rows, cols);
        this.w = w;
    }

    static BF16Weights quantize(int rows, int cols, float[] data) {
        short[] w = new short[rows * cols];
        for (int i = 0; i < w.length; i++) w[i] = ScalarDecodeKernels.floatToBf16(data[i]);
        return new BF16Weights(rows, cols, w);
    }

    @Override
    public WeightFormat format() {
        return WeightFormat.BF16;
    }

    @Override
    public long bytes() {
        return 2L * rows * cols;
    }

    @Override
    public void gemv(DecodeKernels k, int r0, int r1, int m, float[] x, int xOff, int ldx,
                     float[] bias, float[] y, int yOff, int ldy, boolean accumulate) {
        k.gemvBF16(cols, r0, r1, w, 0, m, x, xOff, ldx, bias, 0, y, yOff, ldy, accumulate);
    }

    @Override
    public void toFloat(int r0, int r1, float[] dst, int dOff) {
        for (int i = r0 * cols, e = r1 * cols; i < e; i++) dst[dOff++] = ScalarDecodeKernels.bf16ToFloat(w[i]);
    }
}
