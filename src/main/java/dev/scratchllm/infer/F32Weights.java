package dev.scratchllm.infer;

import dev.scratchllm.kernels.DecodeKernels;
import dev.scratchllm.kernels.Kernels;

/** Float32 weights, usually the model's own array (no copy). */
final class F32Weights extends WeightMatrix {
    final float[] w;

    F32Weights(int rows, int cols, float[] w) {
        super(rows, cols);
        this.w = w;
    }

    @Override
    public WeightFormat format() {
        return WeightFormat.F32;
    }

    @Override
    public long bytes() {
        return 4L * rows * cols;
    }

    @Override
    public void gemv(DecodeKernels k, int r0, int r1, int m, float[] x, int xOff, int ldx,
                     float[] bias, float[] y, int yOff, int ldy, boolean accumulate) {
        k.gemvF32(cols, r0, r1, w, 0, m, x, xOff, ldx, bias, 0, y, yOff, ldy, accumulate);
    }

    @Override
    public void toFloat(int r0, int r1, float[] dst, int dOff) {
        System.arraycopy(w, r0 * cols, dst, dOff, (r1 - r0) * cols);
    }

    @Override
    public void matmul(Kernels kernels, int t, float[] x, int xOff, int ldx, float[] y, int yOff, int ldy, float[] scratch) {
        kernels.gemm(false, true, t, rows, cols, x, xOff, ldx, w, 0, cols, y, yOff, ldy, false); // X·Wᵀ, no copy
    }
}
