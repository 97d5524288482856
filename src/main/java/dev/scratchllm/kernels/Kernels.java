package dev.scratchllm.kernels;

/**
 * The hot loops of the library, over plain {@code float[]} arrays with offsets.
 *
 * <p>Two implementations share this contract: {@link ScalarKernels}, plain Java loops that
 * serve as the reference, and a Vector API implementation that is used when the JVM runs with
 * {@code --add-modules jdk.incubator.vector}. {@link KernelProvider#get()} chooses at run time.
 * Nothing here knows about tensors, shapes or autograd: callers pass contiguous row-major data.
 *
 * <p>Conventions: every array argument is followed by its start offset; {@code rows × cols}
 * blocks are contiguous with row stride {@code cols}; output arrays may be the same array as
 * an input only where a method says so. Row-wise kernels (softmax, layer norm, cross entropy)
 * may split rows over threads.
 */
public interface Kernels {

    /** A short name for logs and benchmarks, for example {@code "scalar"} or {@code "simd"}. */
    String name();

    // ------------------------------------------------------------------ matrix multiply

    /**
     * General matrix multiply {@code C = op(A)·op(B)} (or {@code C += …} when {@code accumulate}),
     * row-major. {@code op(A)} is {@code m×k}: stored as {@code m×k} with row stride {@code lda}
     * when {@code transA} is false, or as {@code k×m} (row stride {@code lda}) when true; likewise
     * {@code op(B)} is {@code k×n}, stored {@code k×n} or, when {@code transB}, {@code n×k}.
     * {@code C} is {@code m×n} with row stride {@code ldc} and must not overlap A or B.
     * Uses up to {@link Parallel#numThreads()} threads.
     */
    void gemm(boolean transA, boolean transB, int m, int n, int k,
              float[] a, int aOff, int lda,
              float[] b, int bOff, int ldb,
              float[] c, int cOff, int ldc,
              boolean accumulate);

    /**
     * {@code batch} independent products, matrix {@code i} at offsets {@code aOffs[i]},
     * {@code bOffs[i]}, {@code cOffs[i]} (offsets may repeat for A and B — broadcasting — but
     * the C blocks must be distinct and non-overlapping). Same layout rules as {@link #gemm}.
     * Implementations may run the batch entries in parallel.
     */
    void gemmBatched(boolean transA, boolean transB, int batch, int m, int n, int k,
                     float[] a, int[] aOffs, int lda,
                     float[] b, int[] bOffs, int ldb,
                     float[] c, int[] cOffs, int ldc,
                     boolean accumulate);

    // ------------------------------------------------------------------ element-wise, contiguous

    /** {@code out[i] = a[i] + b[i]}, {@code n} elements; {@code out} may alias {@code a} or {@code b}. */
    void add(float[] a, int aOff, float[] b, int bOff, float[] out, int oOff, int n);

    /** {@code out[i] = a[i] - b[i]}; may alias. */
    void sub(float[] a, int aOff, float[] b, int bOff, float[] out, int oOff, int n);

    /** {@code out[i] = a[i] * b[i]}; may alias. */
    void mul(float[] a, int aOff, float[] b, int bOff, float[] out, int oOff, int n);

    /** {@code out[i] = a[i] / b[i]}; may alias. */
    void div(float[] a, int aOff, float[] b, int bOff, float[] out, int oOff, int n);

    /** {@code out[i] = a[i] * s + t}; may alias. */
    void scaleShift(float[] a, int aOff, float s, float t, float[] out, int oOff, int n);

    /** {@code y[i] += alpha * x[i]} (gradient accumulation). {@code x} and {@code y} must not overlap unless equal. */
    void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n);

    /**
     * {@code out[r][c] = x[r][c] + bias[c]} for a {@code rows × cols} block (the bias of a linear
     * layer, broadcast over rows); {@code out} may alias {@code x}.
     */
    void addRowVector(float[] x, int xOff, float[] bias, int bOff, float[] out, int oOff, int rows, int cols);

    /** {@code out[c] (+)= Σ_r x[r][c]}: column sums of a {@code rows × cols} block (bias gradients). */
    void sumRows(float[] x, int xOff, int rows, int cols, float[] out, int oOff, boolean accumulate);

    /** Σ x[i] accumulated in double. */
    double sum(float[] x, int xOff, int n);

    /** Σ x[i]·y[i] accumulated in double. */
    double dot(float[] x, int xOff, float[] y, int yOff, int n);

    // ------------------------------------------------------------------ activations

    /** {@code out[i] = max(x[i], 0)}; may alias. */
    void relu(float[] x, int xOff, float[] out, int oOff, int n);

    /** {@code dx[i] (+)= x[i] > 0 ? dy[i] : 0}. */
    void reluBackward(float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff, int n, boolean accumulate);

    /**
     * GELU, tanh approximation as in the book:
     * {@code 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))}; may alias.
     */
    void gelu(float[] x, int xOff, float[] out, int oOff, int n);

    /** {@code dx[i] (+)= dy[i] · GELU'(x[i])} for the tanh form. */
    void geluBackward(float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff, int n, boolean accumulate);

    /** {@code out[i] = exp(x[i])}; may alias. */
    void exp(float[] x, int xOff, float[] out, int oOff, int n);

    /** {@code out[i] = tanh(x[i])}; may alias. */
    void tanh(float[] x, int xOff, float[] out, int oOff, int n);

    // ------------------------------------------------------------------ row-wise fused ops

    /**
     * Softmax over each row of a {@code rows × cols} block, numerically stable (subtract the row
     * maximum). Rows that are all {@code -∞} give NaN, as PyTorch does. {@code out} may alias {@code x}.
     */
    void softmaxRows(float[] x, int xOff, float[] out, int oOff, int rows, int cols);

    /**
     * Softmax backward from the output: {@code dx = y ⊙ (dy − Σ_c dy·y)} per row;
     * {@code dx (+)=} when {@code accumulate}.
     */
    void softmaxBackwardRows(float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff,
                             int rows, int cols, boolean accumulate);

    /** Log-softmax over each row; {@code out} may alias {@code x}. */
    void logSoftmaxRows(float[] x, int xOff, float[] out, int oOff, int rows, int cols);

    /** Log-softmax backward from the output: {@code dx = dy − exp(y)·Σ_c dy} per row. */
    void logSoftmaxBackwardRows(float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff,
                                int rows, int cols, boolean accumulate);

    /**
     * The book's layer norm over each row: {@code (x − mean)/sqrt(var + eps)·scale + shift}
     * with the biased variance. Writes the row means and reciprocal standard deviations
     * ({@code 1/sqrt(var+eps)}) to {@code mean} and {@code rstd} (length {@code rows}, offset 0)
     * for the backward pass. {@code scale}/{@code shift} have length {@code cols}; either may be
     * null (treated as 1 and 0).
     */
    void layerNormRows(float[] x, int xOff, float[] scale, float[] shift, float eps,
                       float[] out, int oOff, float[] mean, float[] rstd, int rows, int cols);

    /**
     * Layer-norm backward. Given the forward input, {@code scale} (nullable), the saved
     * {@code mean}/{@code rstd} and {@code dy}: accumulates {@code dx} (when non-null;
     * {@code +=} when {@code accumulate}, else overwritten), and adds the parameter gradients
     * to {@code dScale}/{@code dShift} (always {@code +=}; either may be null).
     */
    void layerNormBackwardRows(float[] x, int xOff, float[] scale, float[] mean, float[] rstd,
                               float[] dy, int dyOff, float[] dx, int dxOff,
                               float[] dScale, float[] dShift, int rows, int cols, boolean accumulate);

    /**
     * Cross entropy of each row of logits against an integer target. Rows whose target equals
     * {@code ignoreIndex} contribute nothing. Writes each row's log-sum-exp into {@code lse}
     * (length {@code rows}) and returns the sum of the per-row losses
     * {@code lse − logit[target]} over the rows that count (in double). A target outside
     * {@code [0, cols)} other than {@code ignoreIndex} throws {@link IllegalArgumentException}.
     */
    double crossEntropyRows(float[] logits, int lOff, long[] targets, int tOff, int rows, int cols,
                            long ignoreIndex, float[] lse);

    /**
     * Cross-entropy backward: {@code dlogits[r] (+)= scale·(softmax(logits[r]) − onehot(target[r]))},
     * using the saved {@code lse}; rows with the ignore index get zero (or nothing added).
     */
    void crossEntropyBackwardRows(float[] logits, int lOff, long[] targets, int tOff, float[] lse,
                                  int rows, int cols, long ignoreIndex, float scale,
                                  float[] dlogits, int dOff, boolean accumulate);

    // ------------------------------------------------------------------ optimizer

    /**
     * One fused AdamW update over {@code n} parameters, PyTorch's algorithm:
     * {@code p *= 1 − lr·wd; m = β1·m + (1−β1)·g; v = β2·v + (1−β2)·g²;
     * p −= (lr/bc1) · m / (sqrt(v)/sqrt(bc2) + eps)} with bias corrections
     * {@code bc1 = 1 − β1^t}, {@code bc2 = 1 − β2^t} computed by the caller.
     */
    void adamW(float[] p, int pOff, float[] g, int gOff, float[] m, int mOff, float[] v, int vOff, int n,
               float lr, float beta1, float beta2, float eps, float weightDecay, float bc1, float bc2);
}
