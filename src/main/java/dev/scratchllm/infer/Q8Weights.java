package dev.scratchllm.infer;

import dev.scratchllm.kernels.DecodeKernels;

/**
 * Q8_0 weights: each block of 32 consecutive weights of a row as signed bytes
 * {@code q = round(w / scale)} with {@code scale = max|w| / 127} (0 for an all-zero block),
 * so {@code w ≈ q·scale} with an error of at most {@code scale / 2}.
 */
final class Q8Weights extends WeightMatrix {
    /** Weights per block: {@link DecodeKernels#Q8_BLOCK}. */
    static final int BLOCK = DecodeKernels.Q8_BLOCK;
    final byte[] q;
    final float[] scales;

    Q8Weights(int rows, int cols, byte[] q, float[] scales) {
        super(rows, cols);
        this.q = q;
        this.scales = scales;
    }

    static Q8Weights quantize(int rows, int cols, float[] data) {
        if (cols % DecodeKernels.Q8_BLOCK != 0)
            throw new IllegalArgumentException("Q8_0: the row length " + cols + " is not a multiple of " + DecodeKernels.Q8_BLOCK);
        byte[] q = new byte[rows * cols];
        float[] scales = new float[rows * cols / DecodeKernels.Q8_BLOCK];
        for (int b = 0; b < scales.length; b++) {
            int o = b * DecodeKernels.Q8_BLOCK;
            float amax = 0;
            for (int j = 0; j < DecodeKernels.Q8_BLOCK; j++) amax = Math.max(amax, Math.abs(data[o + j]));
            float scale = amax / 127f;
            float inv = scale == 0 ? 0 : 1f / scale;
            scales[b] = scale;
            for (int j = 0; j < DecodeKernels.Q8_BLOCK; j++)
                q[o + j] = (byte) Math.max(-127, Math.min(127, Math.round(data[o + j] * inv)));
        }
        return new Q8Weights(rows, cols, q, scales);
    }

    @Override
    public WeightFormat format() {
        return WeightFormat.Q8_0;
    }

    @Override
    public long bytes() {
        return (long) rows * cols + 4L * scales.length;
    }

    @Override
    public void gemv(DecodeKernels k, int r0, int r1, int m, float[] x, int xOff, int ldx,
                     float[] bias, float[] y, int yOff, int ldy, boolean accumulate) {
        k.gemvQ8(cols, r0, r1, q, 0, scales, 0, m, x, xOff, ldx, bias, 0, y, yOff, ldy, accumulate);
    }

    @Override
    public void toFloat(int r0, int r1, float[] dst, int dOff) {
        for (int i = r0 * cols, e = r1 * cols; i < e; i++) dst[dOff++] = q[i] * scales[i / DecodeKernels.Q8_BLOCK];
    }
}
