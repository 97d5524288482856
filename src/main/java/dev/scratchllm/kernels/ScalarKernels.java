package dev.scratchllm.kernels;

/**
 * The reference implementation of {@link Kernels}: plain Java loops, written for clarity.
 * Every fast path is tested against this class. Row-wise ops accumulate sums in double.
 * Matrix multiply: {@link #gemmReference} is the plain i-k-j loop (the reference);
 * {@link #gemm} runs a cache-blocked version of it split over rows between threads
 * (about 20 GFLOP/s on one AVX-512 core, a fifth of the Vector API kernel). It does not use SIMD
 * explicitly and never touches {@code jdk.incubator.vector}.
 */
public class ScalarKernels implements Kernels {

    /**
     * Creates the scalar kernels. The object holds no state, so one instance can serve all
     * threads; {@link KernelProvider#get()} is the usual way to obtain kernels.
     */
    public ScalarKernels() {
    }

    @Override
    public String name() {
        return "scalar";
    }

    // ------------------------------------------------------------------ matrix multiply

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k,
                     float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                     float[] c, int cOff, int ldc, boolean accumulate) {
        checkGemm("gemm", transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        if (m == 0 || n == 0) return;
        long work = (long) m * n * k;
        if (work < 32L * 32 * 32) {
            gemmReference(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
            return;
        }
        int threads = Parallel.inWorker() ? 1 : Parallel.numThreads();
        int minRows = work < 64L * 64 * 64 ? m : Math.max(1, (m + threads - 1) / threads);
        Parallel.forRange(m, minRows, (r0, r1) ->
                gemmBlocked(transA, transB, r0, r1, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate));
    }

    /**
     * Checks gemm's sizes, strides and offsets against the arrays; throws
     * {@link IllegalArgumentException} naming the op, the sizes and the offending matrix.
     */
    static void checkGemm(String op, boolean transA, boolean transB, int m, int n, int k,
                          float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                          float[] c, int cOff, int ldc) {
        if (m < 0 || n < 0 || k < 0)
            throw new IllegalArgumentException(op + ": negative size m=" + m + " n=" + n + " k=" + k);
        if (m == 0 || n == 0) return;
        int aRows = transA ? k : m, aCols = transA ? m : k;
        int bRows = transB ? n : k, bCols = transB ? k : n;
        if (k > 0) {
            if (lda < aCols || aOff < 0 || (long) aOff + (long) (aRows - 1) * lda + aCols > a.length)
                throw new IllegalArgumentException(op + ": A (" + aRows + "×" + aCols + ", lda=" + lda + ", offset "
                        + aOff + ") does not fit in an array of " + a.length + " for m=" + m + " n=" + n + " k=" + k);
            if (ldb < bCols || bOff < 0 || (long) bOff + (long) (bRows - 1) * ldb + bCols > b.length)
                throw new IllegalArgumentException(op + ": B (" + bRows + "×" + bCols + ", ldb=" + ldb + ", offset "
                        + bOff + ") does not fit in an array of " + b.length + " for m=" + m + " n=" + n + " k=" + k);
        }
        if (ldc < n || cOff < 0 || (long) cOff + (long) (m - 1) * ldc + n > c.length)
            throw new IllegalArgumentException(op + ": C (" + m + "×" + n + ", ldc=" + ldc + ", offset "
                    + cOff + ") does not fit in an array of " + c.length + " for m=" + m + " k=" + k);
    }

    /** Checks that the offset arrays of gemmBatched hold {@code batch} entries. */
    static void checkBatch(int batch, int[] aOffs, int[] bOffs, int[] cOffs) {
        if (batch < 0 || aOffs.length < batch || bOffs.length < batch || cOffs.length < batch)
            throw new IllegalArgumentException("gemmBatched: batch " + batch + " but offset arrays have lengths "
                    + aOffs.length + ", " + bOffs.length + ", " + cOffs.length);
    }

    /**
     * The simple reference product, single-threaded: for each row of C an i-k-j loop in float.
     * Kept deliberately plain; the fast paths are tested against it. It computes what
     * {@link Kernels#gemm} computes, with the same layout, but does not check its arguments
     * (a range outside its array throws {@link ArrayIndexOutOfBoundsException}). Each row of C
     * is built in a temporary row and then copied, so with {@code k = 0} C becomes zero (or is
     * left as it is when accumulating).
     *
     * @param transA whether A is stored transposed ({@code k×m}, so that {@code op(A) = Aᵀ})
     * @param transB whether B is stored transposed ({@code n×k}, so that {@code op(B) = Bᵀ})
     * @param m the number of rows of {@code op(A)} and of C
     * @param n the number of columns of {@code op(B)} and of C
     * @param k the inner dimension: columns of {@code op(A)}, rows of {@code op(B)}
     * @param a the array holding A
     * @param aOff the index of A's element {@code [0][0]} in {@code a}
     * @param lda the row stride of A as stored
     * @param b the array holding B
     * @param bOff the index of B's element {@code [0][0]} in {@code b}
     * @param ldb the row stride of B as stored
     * @param c the array receiving C, {@code m×n}, row {@code i} at {@code cOff + i·ldc}
     * @param cOff the index of C's element {@code [0][0]} in {@code c}
     * @param ldc the row stride of C
     * @param accumulate true to add the product to C's current values, false to overwrite C
     */
    public static void gemmReference(boolean transA, boolean transB, int m, int n, int k,
                                     float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                                     float[] c, int cOff, int ldc, boolean accumulate) {
        float[] row = new float[n];
        for (int i = 0; i < m; i++) {
            int ci = cOff + i * ldc;
            if (accumulate) System.arraycopy(c, ci, row, 0, n);
            else java.util.Arrays.fill(row, 0f);
            for (int p = 0; p < k; p++) {
                float av = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
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

    /** Column and depth block of the blocked scalar product: a 256×256 op(B) block is 256 KB. */
    private static final int SB_N = 256, SB_K = 256;

    /**
     * Rows {@code [r0, r1)} of C, blocked: op(B) is copied block by block into a dense buffer
     * (which absorbs transB), then each row of the block of C is accumulated in a temporary row
     * with an i-k-j loop over two distinct arrays, which C2 auto-vectorises.
     */
    static void gemmBlocked(boolean transA, boolean transB, int r0, int r1, int n, int k,
                            float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                            float[] c, int cOff, int ldc, boolean accumulate) {
        if (k == 0) {
            if (!accumulate) for (int i = r0; i < r1; i++) java.util.Arrays.fill(c, cOff + i * ldc, cOff + i * ldc + n, 0f);
            return;
        }
        // op(B)'s block as separate row arrays: the inner loop then reads and writes two distinct
        // arrays from index 0, the form C2's auto-vectoriser handles (a shared flat array with
        // offsets is not vectorised, as the offsets might alias).
        float[][] bp = new float[Math.min(SB_K, k)][Math.min(SB_N, n)];
        float[] row = new float[Math.min(SB_N, n)];
        for (int jc = 0; jc < n; jc += SB_N) {
            int nb = Math.min(SB_N, n - jc);
            for (int pc = 0; pc < k; pc += SB_K) {
                int kb = Math.min(SB_K, k - pc);
                for (int p = 0; p < kb; p++) {
                    float[] bRow = bp[p];
                    if (!transB) System.arraycopy(b, bOff + (pc + p) * ldb + jc, bRow, 0, nb);
                    else for (int j = 0; j < nb; j++) bRow[j] = b[bOff + (jc + j) * ldb + pc + p];
                }
                boolean load = accumulate || pc > 0;
                for (int i = r0; i < r1; i++) {
                    int ci = cOff + i * ldc + jc;
                    if (load) System.arraycopy(c, ci, row, 0, nb);
                    else java.util.Arrays.fill(row, 0, nb, 0f);
                    int p = 0;
                    for (; p + 4 <= kb; p += 4) {
                        int ai = transA ? aOff + (pc + p) * lda + i : aOff + i * lda + pc + p;
                        int as = transA ? lda : 1;
                        axpy4Row(a[ai], a[ai + as], a[ai + 2 * as], a[ai + 3 * as],
                                bp[p], bp[p + 1], bp[p + 2], bp[p + 3], row, nb);
                    }
                    for (; p < kb; p++) {
                        float av = transA ? a[aOff + (pc + p) * lda + i] : a[aOff + i * lda + pc + p];
                        axpyRow(av, bp[p], row, nb);
                    }
                    System.arraycopy(row, 0, c, ci, nb);
                }
            }
        }
    }

    /** Four axpys at once (one load and store of {@code row} per four multiply-adds). */
    private static void axpy4Row(float a0, float a1, float a2, float a3,
                                 float[] b0, float[] b1, float[] b2, float[] b3, float[] row, int n) {
        for (int j = 0; j < n; j++) row[j] += a0 * b0[j] + a1 * b1[j] + a2 * b2[j] + a3 * b3[j];
    }

    /** {@code row[j] += av·src[j]} for {@code j < n}: two arrays from index 0, auto-vectorised by C2. */
    private static void axpyRow(float av, float[] src, float[] row, int n) {
        for (int j = 0; j < n; j++) row[j] += av * src[j];
    }

    @Override
    public void gemmBatched(boolean transA, boolean transB, int batch, int m, int n, int k,
                            float[] a, int[] aOffs, int lda, float[] b, int[] bOffs, int ldb,
                            float[] c, int[] cOffs, int ldc, boolean accumulate) {
        checkBatch(batch, aOffs, bOffs, cOffs);
        if (batch >= Parallel.numThreads() && batch > 1) {
            Parallel.forRange(batch, 1, (s, e) -> {
                for (int i = s; i < e; i++)
                    gemm(transA, transB, m, n, k, a, aOffs[i], lda, b, bOffs[i], ldb, c, cOffs[i], ldc, accumulate);
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
    public void causalSoftmaxRows(float[] x, int xOff, float[] out, int oOff, int matrices, int rows, int cols, float divisor) {
        checkCausal("causalSoftmaxRows", rows, cols);
        for (int r = 0; r < matrices * rows; r++) {
            int visible = r % rows + cols - rows + 1;     // keys 0 … visible-1
            int xr = xOff + r * cols, orow = oOff + r * cols;
            float max = Float.NEGATIVE_INFINITY;
            for (int c = 0; c < visible; c++) max = Math.max(max, x[xr + c] / divisor);
            double s = 0;
            for (int c = 0; c < visible; c++) {
                float e = (float) Math.exp(x[xr + c] / divisor - max);
                out[orow + c] = e;
                s += e;
            }
            float inv = (float) (1.0 / s);
            for (int c = 0; c < visible; c++) out[orow + c] *= inv;
            java.util.Arrays.fill(out, orow + visible, orow + cols, 0f);
        }
    }

    @Override
    public void causalSoftmaxBackwardRows(float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff,
                                          int matrices, int rows, int cols, float divisor) {
        checkCausal("causalSoftmaxBackwardRows", rows, cols);
        for (int r = 0; r < matrices * rows; r++) {
            int visible = r % rows + cols - rows + 1;
            int yr = yOff + r * cols, dyr = dyOff + r * cols, dxr = dxOff + r * cols;
            double dotv = 0;
            for (int c = 0; c < visible; c++) dotv += (double) dy[dyr + c] * y[yr + c];
            float d = (float) dotv;
            for (int c = 0; c < visible; c++) dx[dxr + c] = y[yr + c] * (dy[dyr + c] - d) / divisor;
            java.util.Arrays.fill(dx, dxr + visible, dxr + cols, 0f);
        }
    }

    /** Rejects blocks with more queries than keys (the first rows would see no key). */
    static void checkCausal(String op, int rows, int cols) {
        if (rows > cols)
            throw new IllegalArgumentException(op + ": a causal block needs rows <= cols, got " + rows + " x " + cols);
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
