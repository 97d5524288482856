package dev.scratchllm.kernels;

/**
 * The reference implementation of {@link Kernels}: plain Java loops, written for clarity.
 * Every fast path is tested against this class. Row-wise ops accumulate sums in double;
 * matrix multiply uses an i-k-j loop per output row, split over rows between threads.
 */
public class ScalarKernels implements Kernels {

    @Override
    public String name() {
        return "scalar";
    }

    // ------------------------------------------------------------------ matrix multiply

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k,
                     float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                     float[] c, int cOff, int ldc, boolean accumulate) {
        long work = (long) m * n * k;
        int minRows = work < 64L * 64 * 64 ? m : Math.max(1, m / Math.max(1, Parallel.numThreads()));
        Parallel.forRange(m, minRows, (r0, r1) ->
                gemmRows(transA, transB, r0, r1, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate));
    }

    /** Rows {@code [r0, r1)} of C: zero or keep, then add {@code op(A)[i][p]·op(B)[p][:]} for each p. */
    static void gemmRows(boolean transA, boolean transB, int r0, int r1, int n, int k,
                         float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                         float[] c, int cOff, int ldc, boolean accumulate) {
        float[] row = new float[n];
        for (int i = r0; i < r1; i++) {
            int ci = cOff + i * ldc;
            if (accumulate) System.arraycopy(c, ci, row, 0, n);
            else java.util.Arrays.fill(row, 0f);
            for (int p = 0; p < k; p++) {
                float av = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                if (av == 0f) continue;
                if (!transB) {
                    int bp = bOff + p * ldb;
                    for (int j = 0; j < n; j++) row[j] += av * b[bp + j];
                } else {
                    int bp = bOff + p;
                    for (int j = 0; j < n; j++) row[j] += av * b[bp + j * ldb];
                }
            }
            System.arraycopy(row, 0, c, ci, n);
        }
    }

    @Override
    public void gemmBatched(boolean transA, boolean transB, int batch, int m, int n, int k,
                            float[] a, int[] aOffs, int lda, float[] b, int[] bOffs, int ldb,
                            float[] c, int[] cOffs, int ldc, boolean accumulate) {
        if (batch >= Parallel.numThreads() && batch > 1) {
            Parallel.forRange(batch, 1, (s, e) -> {
                for (int i = s; i < e; i++)
                    gemmRows(transA, transB, 0, m, n, k, a, aOffs[i], lda, b, bOffs[i], ldb, c, cOffs[i], ldc, accumulate);
            });
        } else {
            for (int i = 0; i < batch; i++)
                gemm(transA, transB, m, n, k, a, aOffs[i], lda, b, bOffs[i], ldb, c, cOffs[i], ldc, accumulate);
        }
    }

    // ------------------------------------------------------------------ element-wise

    @Override
    public void add(float[] a, int aOff, float[] b, int bOff, float[] out, int oOff, int n) {
        for (int i = 0; i < n; i++) out[oOff + i] = a[aOff + i] + b[bOff + i];
    }

    @Override
    public void sub(float[] a, int aOff, float[] b, int bOff, float[] out, int oOff, int n) {
        for (int i = 0; i < n; i++) out[oOff + i] = a[aOff + i] - b[bOff + i];
    }

    @Override
    public void mul(float[] a, int aOff, float[] b, int bOff, float[] out, int oOff, int n) {
        for (int i = 0; i < n; i++) out[oOff + i] = a[aOff + i] * b[bOff + i];
    }

    @Override
    public void div(float[] a, int aOff, float[] b, int bOff, float[] out, int oOff, int n) {
        for (int i = 0; i < n; i++) out[oOff + i] = a[aOff + i] / b[bOff + i];
    }

    @Override
    public void scaleShift(float[] a, int aOff, float s, float t, float[] out, int oOff, int n) {
        for (int i = 0; i < n; i++) out[oOff + i] = a[aOff + i] * s + t;
    }

    @Override
    public void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n) {
        for (int i = 0; i < n; i++) y[yOff + i] += alpha * x[xOff + i];
    }

    @Override
    public void addRowVector(float[] x, int xOff, float[] bias, int bOff, float[] out, int oOff, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            int xr = xOff + r * cols, orow = oOff + r * cols;
            for (int c = 0; c < cols; c++) out[orow + c] = x[xr + c] + bias[bOff + c];
        }
    }

    @Override
    public void sumRows(float[] x, int xOff, int rows, int cols, float[] out, int oOff, boolean accumulate) {
        double[] acc = new double[cols];
        for (int r = 0; r < rows; r++) {
            int xr = xOff + r * cols;
            for (int c = 0; c < cols; c++) acc[c] += x[xr + c];
        }
        for (int c = 0; c < cols; c++) out[oOff + c] = (float) ((accumulate ? out[oOff + c] : 0) + acc[c]);
    }

    @Override
    public double sum(float[] x, int xOff, int n) {
        double s = 0;
        for (int i = 0; i < n; i++) s += x[xOff + i];
        return s;
    }

    @Override
    public double dot(float[] x, int xOff, float[] y, int yOff, int n) {
        double s = 0;
        for (int i = 0; i < n; i++) s += (double) x[xOff + i] * y[yOff + i];
        return s;
    }

    // ------------------------------------------------------------------ activations

    @Override
    public void relu(float[] x, int xOff, float[] out, int oOff, int n) {
        for (int i = 0; i < n; i++) out[oOff + i] = Math.max(x[xOff + i], 0f);
    }

    @Override
    public void reluBackward(float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff, int n, boolean accumulate) {
        for (int i = 0; i < n; i++) {
            float g = x[xOff + i] > 0f ? dy[dyOff + i] : 0f;
            dx[dxOff + i] = accumulate ? dx[dxOff + i] + g : g;
        }
    }

    /** √(2/π), the GELU tanh-approximation constant. */
    static final float GELU_C = (float) Math.sqrt(2.0 / Math.PI);
    static final float GELU_A = 0.044715f;

    @Override
    public void gelu(float[] x, int xOff, float[] out, int oOff, int n) {
        for (int i = 0; i < n; i++) {
            float v = x[xOff + i];
            float inner = GELU_C * (v + GELU_A * v * v * v);
            out[oOff + i] = 0.5f * v * (1f + (float) Math.tanh(inner));
        }
    }

    @Override
    public void geluBackward(float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff, int n, boolean accumulate) {
        for (int i = 0; i < n; i++) {
            float v = x[xOff + i];
            float inner = GELU_C * (v + GELU_A * v * v * v);
            float t = (float) Math.tanh(inner);
            float dInner = GELU_C * (1f + 3f * GELU_A * v * v);
            float d = 0.5f * (1f + t) + 0.5f * v * (1f - t * t) * dInner;
            float g = dy[dyOff + i] * d;
            dx[dxOff + i] = accumulate ? dx[dxOff + i] + g : g;
        }
    }

    @Override
    public void exp(float[] x, int xOff, float[] out, int oOff, int n) {
        for (int i = 0; i < n; i++) out[oOff + i] = (float) Math.exp(x[xOff + i]);
    }

    @Override
    public void tanh(float[] x, int xOff, float[] out, int oOff, int n) {
        for (int i = 0; i < n; i++) out[oOff + i] = (float) Math.tanh(x[xOff + i]);
    }

    // ------------------------------------------------------------------ row-wise

    @Override
    public void softmaxRows(float[] x, int xOff, float[] out, int oOff, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            int xr = xOff + r * cols, orow = oOff + r * cols;
            float max = Float.NEGATIVE_INFINITY;
            for (int c = 0; c < cols; c++) max = Math.max(max, x[xr + c]);
            double s = 0;
            for (int c = 0; c < cols; c++) {
                float e = (float) Math.exp(x[xr + c] - max);
                out[orow + c] = e;
                s += e;
            }
            float inv = (float) (1.0 / s);
            for (int c = 0; c < cols; c++) out[orow + c] *= inv;
        }
    }

    @Override
    public void softmaxBackwardRows(float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff,
                                    int rows, int cols, boolean accumulate) {
        for (int r = 0; r < rows; r++) {
            int yr = yOff + r * cols, dyr = dyOff + r * cols, dxr = dxOff + r * cols;
            double dotv = 0;
            for (int c = 0; c < cols; c++) dotv += (double) dy[dyr + c] * y[yr + c];
            float d = (float) dotv;
            for (int c = 0; c < cols; c++) {
                float g = y[yr + c] * (dy[dyr + c] - d);
                dx[dxr + c] = accumulate ? dx[dxr + c] + g : g;
            }
        }
    }

    @Override
    public void logSoftmaxRows(float[] x, int xOff, float[] out, int oOff, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            int xr = xOff + r * cols, orow = oOff + r * cols;
            float max = Float.NEGATIVE_INFINITY;
            for (int c = 0; c < cols; c++) max = Math.max(max, x[xr + c]);
            double s = 0;
            for (int c = 0; c < cols; c++) s += Math.exp(x[xr + c] - max);
            float lse = (float) (max + Math.log(s));
            for (int c = 0; c < cols; c++) out[orow + c] = x[xr + c] - lse;
        }
    }

    @Override
    public void logSoftmaxBackwardRows(float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff,
                                       int rows, int cols, boolean accumulate) {
        for (int r = 0; r < rows; r++) {
            int yr = yOff + r * cols, dyr = dyOff + r * cols, dxr = dxOff + r * cols;
            double s = 0;
            for (int c = 0; c < cols; c++) s += dy[dyr + c];
            float sf = (float) s;
            for (int c = 0; c < cols; c++) {
                float g = dy[dyr + c] - (float) Math.exp(y[yr + c]) * sf;
                dx[dxr + c] = accumulate ? dx[dxr + c] + g : g;
            }
        }
    }

    @Override
    public void layerNormRows(float[] x, int xOff, float[] scale, float[] shift, float eps,
                              float[] out, int oOff, float[] mean, float[] rstd, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            int xr = xOff + r * cols, orow = oOff + r * cols;
            double s = 0;
            for (int c = 0; c < cols; c++) s += x[xr + c];
            double mu = s / cols;
            double ss = 0;
            for (int c = 0; c < cols; c++) {
                double d = x[xr + c] - mu;
                ss += d * d;
            }
            float m = (float) mu;
            float rs = (float) (1.0 / Math.sqrt(ss / cols + eps));
            mean[r] = m;
            rstd[r] = rs;
            for (int c = 0; c < cols; c++) {
                float v = (x[xr + c] - m) * rs;
                if (scale != null) v *= scale[c];
                if (shift != null) v += shift[c];
                out[orow + c] = v;
            }
        }
    }

    @Override
    public void layerNormBackwardRows(float[] x, int xOff, float[] scale, float[] mean, float[] rstd,
                                      float[] dy, int dyOff, float[] dx, int dxOff,
                                      float[] dScale, float[] dShift, int rows, int cols, boolean accumulate) {
        for (int r = 0; r < rows; r++) {
            int xr = xOff + r * cols, dyr = dyOff + r * cols, dxr = dxOff + r * cols;
            float m = mean[r], rs = rstd[r];
            double sumG = 0, sumGX = 0;
            for (int c = 0; c < cols; c++) {
                float xhat = (x[xr + c] - m) * rs;
                float g = dy[dyr + c];
                if (dShift != null) dShift[c] += g;
                if (dScale != null) dScale[c] += g * xhat;
                float gh = scale != null ? g * scale[c] : g;
                sumG += gh;
                sumGX += (double) gh * xhat;
            }
            if (dx == null) continue;
            float meanG = (float) (sumG / cols), meanGX = (float) (sumGX / cols);
            for (int c = 0; c < cols; c++) {
                float xhat = (x[xr + c] - m) * rs;
                float gh = scale != null ? dy[dyr + c] * scale[c] : dy[dyr + c];
                float v = rs * (gh - meanG - xhat * meanGX);
                dx[dxr + c] = accumulate ? dx[dxr + c] + v : v;
            }
        }
    }

    @Override
    public double crossEntropyRows(float[] logits, int lOff, long[] targets, int tOff, int rows, int cols,
                                   long ignoreIndex, float[] lse) {
        double total = 0;
        for (int r = 0; r < rows; r++) {
            int lr = lOff + r * cols;
            long t = targets[tOff + r];
            float max = Float.NEGATIVE_INFINITY;
            for (int c = 0; c < cols; c++) max = Math.max(max, logits[lr + c]);
            double s = 0;
            for (int c = 0; c < cols; c++) s += Math.exp(logits[lr + c] - max);
            float l = (float) (max + Math.log(s));
            lse[r] = l;
            if (t == ignoreIndex) continue;
            if (t < 0 || t >= cols)
                throw new IllegalArgumentException("cross_entropy: target " + t + " out of range for " + cols + " classes (row " + r + ")");
            total += l - logits[lr + (int) t];
        }
        return total;
    }

    @Override
    public void crossEntropyBackwardRows(float[] logits, int lOff, long[] targets, int tOff, float[] lse,
                                         int rows, int cols, long ignoreIndex, float scale,
                                         float[] dlogits, int dOff, boolean accumulate) {
        for (int r = 0; r < rows; r++) {
            int lr = lOff + r * cols, dr = dOff + r * cols;
            long t = targets[tOff + r];
            if (t == ignoreIndex) {
                if (!accumulate) java.util.Arrays.fill(dlogits, dr, dr + cols, 0f);
                continue;
            }
            float l = lse[r];
            for (int c = 0; c < cols; c++) {
                float g = scale * ((float) Math.exp(logits[lr + c] - l) - (c == t ? 1f : 0f));
                dlogits[dr + c] = accumulate ? dlogits[dr + c] + g : g;
            }
        }
    }

    // ------------------------------------------------------------------ optimizer

    @Override
    public void adamW(float[] p, int pOff, float[] g, int gOff, float[] m, int mOff, float[] v, int vOff, int n,
                      float lr, float beta1, float beta2, float eps, float weightDecay, float bc1, float bc2) {
        float decay = 1f - lr * weightDecay;
        float stepSize = lr / bc1;
        float sqrtBc2 = (float) Math.sqrt(bc2);
        for (int i = 0; i < n; i++) {
            float gi = g[gOff + i];
            float mi = beta1 * m[mOff + i] + (1f - beta1) * gi;
            float vi = v[vOff + i] * beta2 + (1f - beta2) * gi * gi;
            m[mOff + i] = mi;
            v[vOff + i] = vi;
            float denom = (float) Math.sqrt(vi) / sqrtBc2 + eps;
            p[pOff + i] = p[pOff + i] * decay - stepSize * mi / denom;
        }
    }
}
