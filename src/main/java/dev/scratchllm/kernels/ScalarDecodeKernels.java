package dev.scratchllm.kernels;

/**
 * The reference implementation of {@link DecodeKernels}: plain loops that accumulate every dot
 * product in double and round once, and an attention that computes all scores, their softmax and
 * then the weighted sum, as the book's composed attention does. Slow on purpose; it is the
 * oracle of the Vector API version's tests and the fallback without {@code jdk.incubator.vector}.
 */
public class ScalarDecodeKernels implements DecodeKernels {

    /** A new reference implementation (it has no state). */
    public ScalarDecodeKernels() {
    }

    @Override
    public String name() {
        return "scalar";
    }

    @Override
    public void gemvF32(int cols, int r0, int r1, float[] w, int wOff, int m, float[] x, int xOff, int ldx,
                        float[] bias, int bOff, float[] y, int yOff, int ldy, boolean accumulate) {
        for (int r = r0; r < r1; r++) {
            int wr = wOff + r * cols;
            for (int i = 0; i < m; i++) {
                int xi = xOff + i * ldx;
                double s = 0;
                for (int c = 0; c < cols; c++) s += (double) w[wr + c] * x[xi + c];
                store(y, yOff + i * ldy + r, (float) s, bias, bOff + r, accumulate);
            }
        }
    }

    @Override
    public void gemvBF16(int cols, int r0, int r1, short[] w, int wOff, int m, float[] x, int xOff, int ldx,
                         float[] bias, int bOff, float[] y, int yOff, int ldy, boolean accumulate) {
        for (int r = r0; r < r1; r++) {
            int wr = wOff + r * cols;
            for (int i = 0; i < m; i++) {
                int xi = xOff + i * ldx;
                double s = 0;
                for (int c = 0; c < cols; c++) s += (double) bf16ToFloat(w[wr + c]) * x[xi + c];
                store(y, yOff + i * ldy + r, (float) s, bias, bOff + r, accumulate);
            }
        }
    }

    @Override
    public void gemvQ8(int cols, int r0, int r1, byte[] q, int qOff, float[] scales, int sOff, int m,
                       float[] x, int xOff, int ldx, float[] bias, int bOff, float[] y, int yOff, int ldy,
                       boolean accumulate) {
        checkQ8Cols(cols);
        int blocks = cols / Q8_BLOCK;
        for (int r = r0; r < r1; r++) {
            int qr = qOff + r * cols, sr = sOff + r * blocks;
            for (int i = 0; i < m; i++) {
                int xi = xOff + i * ldx;
                double s = 0;
                for (int b = 0; b < blocks; b++) {
                    double bs = 0;
                    for (int j = 0; j < Q8_BLOCK; j++) bs += q[qr + b * Q8_BLOCK + j] * (double) x[xi + b * Q8_BLOCK + j];
                    s += bs * scales[sr + b];
                }
                store(y, yOff + i * ldy + r, (float) s, bias, bOff + r, accumulate);
            }
        }
    }

    @Override
    public void attend(float[] q, int qOff, float[] k, float[] v, int kvOff, int stride, int n, int headDim,
                       float scale, float[] out, int oOff, float[] scratch) {
        attend(q, qOff, i -> k[i], i -> v[i], kvOff, stride, n, headDim, scale, out, oOff);
    }

    @Override
    public void attendBF16(float[] q, int qOff, short[] k, short[] v, int kvOff, int stride, int n, int headDim,
                           float scale, float[] out, int oOff, float[] scratch) {
        attend(q, qOff, i -> bf16ToFloat(k[i]), i -> bf16ToFloat(v[i]), kvOff, stride, n, headDim, scale, out, oOff);
    }

    /** An element of a float32 or bfloat16 array, as float32. */
    private interface FloatAt {
        float at(int i);
    }

    // the reference may allocate; the Vector API version does not
    private static void attend(float[] q, int qOff, FloatAt k, FloatAt v, int kvOff, int stride, int n, int headDim,
                               float scale, float[] out, int oOff) {
        double[] p = new double[n];
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < n; j++) {
            int kj = kvOff + j * stride;
            double s = 0;
            for (int d = 0; d < headDim; d++) s += (double) q[qOff + d] * k.at(kj + d);
            p[j] = s * scale;
            max = Math.max(max, p[j]);
        }
        double sum = 0;
        for (int j = 0; j < n; j++) {
            p[j] = Math.exp(p[j] - max);
            sum += p[j];
        }
        for (int d = 0; d < headDim; d++) {
            double acc = 0;
            for (int j = 0; j < n; j++) acc += p[j] * v.at(kvOff + j * stride + d);
            out[oOff + d] = (float) (acc / sum);
        }
    }

    /** {@code y = (acc ? y : 0) + (dot + bias)}, the rounding order of {@code shortcut + linear(x)}. */
    static void store(float[] y, int yi, float dot, float[] bias, int bi, boolean accumulate) {
        float s = bias == null ? dot : dot + bias[bi];
        y[yi] = accumulate ? y[yi] + s : s;
    }

    static void checkQ8Cols(int cols) {
        if (cols % Q8_BLOCK != 0)
            throw new IllegalArgumentException("gemvQ8: the row length " + cols + " is not a multiple of " + Q8_BLOCK);
    }

    /**
     * A bfloat16 value (the upper half of a float32's bits) widened to float32, exactly.
     *
     * @param h the 16 bits
     * @return the float32 value
     */
    public static float bf16ToFloat(short h) {
        return Float.intBitsToFloat(h << 16);
    }

    /**
     * A float32 rounded to bfloat16, to nearest with ties to even (as PyTorch's
     * {@code .to(torch.bfloat16)}); NaN stays a (quiet) NaN.
     *
     * @param f the value
     * @return the upper 16 bits of the rounded float32
     */
    public static short floatToBf16(float f) {
        int bits = Float.floatToRawIntBits(f);
        if (Float.isNaN(f)) return (short) ((bits >>> 16) | 0x0040);
        int rounded = bits + 0x7FFF + ((bits >>> 16) & 1);
        return (short) (rounded >>> 16);
    }
    // ================================================================== element-wise steps of RoPE models

    @Override
    public void rmsNorm(float[] x, int xOff, float[] w, int wOff, float eps, float[] out, int oOff, int n) {
        double ss = 0;
        for (int i = 0; i < n; i++) ss += (double) x[xOff + i] * x[xOff + i];
        float r = rsqrt((float) (ss / n), eps);
        for (int i = 0; i < n; i++) out[oOff + i] = (x[xOff + i] * r) * w[wOff + i];
    }

    /** {@code rsqrt(mean + eps)} rounded once from double, as the tensor op rounds it. */
    static float rsqrt(float mean, float eps) {
        return (float) (1.0 / Math.sqrt(mean + eps));
    }

    @Override
    public void siluMul(float[] g, int gOff, float[] u, int uOff, float[] out, int oOff, int n) {
        for (int i = 0; i < n; i++) {
            double a = g[gOff + i];
            out[oOff + i] = (float) (a / (1 + Math.exp(-a))) * u[uOff + i];
        }
    }

    @Override
    public void rope(float[] x, int xOff, float[] cos, float[] sin, int tOff, int headDim) {
        int half = headDim / 2;
        for (int i = 0; i < half; i++) {
            float x1 = x[xOff + i], x2 = x[xOff + half + i];
            x[xOff + i] = x1 * cos[tOff + i] + (-x2) * sin[tOff + i];
            x[xOff + half + i] = x2 * cos[tOff + half + i] + x1 * sin[tOff + half + i];
        }
    }
}
