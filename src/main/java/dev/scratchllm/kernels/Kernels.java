package dev.scratchllm.kernels;

/**
 * The hot loops of the library, over plain {@code float[]} arrays with offsets.
 *
 * <p>Two implementations share this contract: {@link ScalarKernels}, plain Java loops that
 * serve as the reference, and a Vector API implementation that is used when the JVM runs with
 * {@code --add-modules jdk.incubator.vector}. {@link KernelProvider#get()} chooses at run time.
 * Nothing here knows about tensors, shapes or autograd: callers pass contiguous row-major data.
 *
 * <p>Conventions: every array argument is followed by its start offset, the index of its first
 * element; a vector of {@code n} elements at offset {@code off} is {@code x[off]} …
 * {@code x[off + n - 1]}. A {@code rows × cols} block is row-major and contiguous: element
 * {@code [r][c]} is at {@code off + r·cols + c}. Per-column parameters ({@code scale},
 * {@code shift} and their gradients) and per-row outputs ({@code mean}, {@code rstd},
 * {@code lse}) take no offset and start at index 0. Output arrays may be the same array as an
 * input only where a method says so, and then only in place (same array, same offset).
 * A backward kernel with an {@code accumulate} flag adds its gradient to the values already in
 * the output when the flag is true ({@code dx += g}, written {@code (+)=} below) and overwrites
 * them when it is false ({@code dx = g}). Row-wise kernels (softmax, layer norm, cross
 * entropy) may split rows over threads; element-wise kernels may split large ranges.
 * Ranges that do not fit in their arrays surface as an {@link IndexOutOfBoundsException}
 * unless a method says it checks its arguments.
 */
public interface Kernels {

    /**
     * A short name for logs and benchmarks.
     *
     * @return the implementation's name, {@code "scalar"} for {@link ScalarKernels} and
     *         {@code "simd"} for the Vector API implementation
     */
    String name();

    // ------------------------------------------------------------------ matrix multiply

    /**
     * General matrix multiply {@code C = op(A)·op(B)} (or {@code C += …} when {@code accumulate}),
     * row-major. {@code op(A)} is {@code m×k}: stored as {@code m×k} with row stride {@code lda}
     * when {@code transA} is false, or as {@code k×m} (row stride {@code lda}) when true; likewise
     * {@code op(B)} is {@code k×n}, stored {@code k×n} or, when {@code transB}, {@code n×k}.
     * {@code C} is {@code m×n} with row stride {@code ldc} and must not overlap A or B.
     * With {@code k = 0} the product is zero (C is cleared, or left as it is when accumulating).
     * Uses up to {@link Parallel#numThreads()} threads.
     *
     * @param transA whether A is stored transposed ({@code k×m}, so that {@code op(A) = Aᵀ})
     * @param transB whether B is stored transposed ({@code n×k}, so that {@code op(B) = Bᵀ})
     * @param m the number of rows of {@code op(A)} and of C
     * @param n the number of columns of {@code op(B)} and of C
     * @param k the inner dimension: columns of {@code op(A)}, rows of {@code op(B)}
     * @param a the array holding A
     * @param aOff the index of A's element {@code [0][0]} in {@code a}
     * @param lda the row stride of A as stored, at least its row length ({@code k}, or
     *        {@code m} when {@code transA})
     * @param b the array holding B
     * @param bOff the index of B's element {@code [0][0]} in {@code b}
     * @param ldb the row stride of B as stored, at least its row length ({@code n}, or
     *        {@code k} when {@code transB})
     * @param c the array receiving C, row {@code i} at {@code cOff + i·ldc}
     * @param cOff the index of C's element {@code [0][0]} in {@code c}
     * @param ldc the row stride of C, at least {@code n}; elements between rows are not touched
     * @param accumulate true to add the product to C's current values, false to overwrite C
     *        (its previous contents, NaN included, are then ignored)
     * @throws IllegalArgumentException if a size is negative or, for a non-empty C, a stride is
     *         shorter than its matrix's row or a matrix does not fit in its array at its offset
     */
    void gemm(boolean transA, boolean transB, int m, int n, int k,
              float[] a, int aOff, int lda,
              float[] b, int bOff, int ldb,
              float[] c, int cOff, int ldc,
              boolean accumulate);

    /**
     * {@code batch} independent products, matrix {@code i} at offsets {@code aOffs[i]},
     * {@code bOffs[i]}, {@code cOffs[i]} (offsets may repeat for A and B — broadcasting — but
     * the C blocks must be distinct and non-overlapping). Same layout rules as {@link #gemm}:
     * every entry has the same sizes, transposes and strides. Implementations may run the batch
     * entries in parallel.
     *
     * @param transA whether every A is stored transposed ({@code k×m})
     * @param transB whether every B is stored transposed ({@code n×k})
     * @param batch the number of products; entries of the offset arrays past {@code batch} are ignored
     * @param m the number of rows of each {@code op(A)} and C
     * @param n the number of columns of each {@code op(B)} and C
     * @param k the inner dimension of each product
     * @param a the array holding all the A matrices
     * @param aOffs the index of each A's element {@code [0][0]} in {@code a}, at least {@code batch} entries
     * @param lda the row stride of every A as stored
     * @param b the array holding all the B matrices
     * @param bOffs the index of each B's element {@code [0][0]} in {@code b}, at least {@code batch} entries
     * @param ldb the row stride of every B as stored
     * @param c the array receiving all the C matrices
     * @param cOffs the index of each C's element {@code [0][0]} in {@code c}, at least {@code batch} entries
     * @param ldc the row stride of every C
     * @param accumulate true to add each product to its C, false to overwrite every C
     * @throws IllegalArgumentException if {@code batch} is negative, an offset array has fewer
     *         than {@code batch} entries, or an entry fails {@link #gemm}'s checks
     */
    void gemmBatched(boolean transA, boolean transB, int batch, int m, int n, int k,
                     float[] a, int[] aOffs, int lda,
                     float[] b, int[] bOffs, int ldb,
                     float[] c, int[] cOffs, int ldc,
                     boolean accumulate);

    // ------------------------------------------------------------------ element-wise, contiguous

    /**
     * {@code out[i] = a[i] + b[i]} for {@code n} elements; {@code out} may be {@code a} or
     * {@code b} in place.
     *
     * @param a the first operand's array
     * @param aOff the index of the first operand's first element
     * @param b the second operand's array
     * @param bOff the index of the second operand's first element
     * @param out the array receiving the sums
     * @param oOff the index where the first sum is written
     * @param n the number of elements
     */
    void add(float[] a, int aOff, float[] b, int bOff, float[] out, int oOff, int n);

    /**
     * {@code out[i] = a[i] - b[i]} for {@code n} elements; {@code out} may be {@code a} or
     * {@code b} in place.
     *
     * @param a the minuend's array
     * @param aOff the index of the minuend's first element
     * @param b the subtrahend's array
     * @param bOff the index of the subtrahend's first element
     * @param out the array receiving the differences
     * @param oOff the index where the first difference is written
     * @param n the number of elements
     */
    void sub(float[] a, int aOff, float[] b, int bOff, float[] out, int oOff, int n);

    /**
     * {@code out[i] = a[i] * b[i]} for {@code n} elements; {@code out} may be {@code a} or
     * {@code b} in place.
     *
     * @param a the first factor's array
     * @param aOff the index of the first factor's first element
     * @param b the second factor's array
     * @param bOff the index of the second factor's first element
     * @param out the array receiving the products
     * @param oOff the index where the first product is written
     * @param n the number of elements
     */
    void mul(float[] a, int aOff, float[] b, int bOff, float[] out, int oOff, int n);

    /**
     * {@code out[i] = a[i] / b[i]} for {@code n} elements, IEEE float division (no check for
     * zero); {@code out} may be {@code a} or {@code b} in place.
     *
     * @param a the dividend's array
     * @param aOff the index of the dividend's first element
     * @param b the divisor's array
     * @param bOff the index of the divisor's first element
     * @param out the array receiving the quotients
     * @param oOff the index where the first quotient is written
     * @param n the number of elements
     */
    void div(float[] a, int aOff, float[] b, int bOff, float[] out, int oOff, int n);

    /**
     * {@code out[i] = a[i] * s + t} for {@code n} elements; {@code out} may be {@code a} in place.
     *
     * @param a the input array
     * @param aOff the index of the first input element
     * @param s the factor every element is multiplied by
     * @param t the value added after the multiplication
     * @param out the array receiving the results
     * @param oOff the index where the first result is written
     * @param n the number of elements
     */
    void scaleShift(float[] a, int aOff, float s, float t, float[] out, int oOff, int n);

    /**
     * {@code y[i] += alpha * x[i]} for {@code n} elements (gradient accumulation). {@code x} and
     * {@code y} must not overlap unless they are the same range.
     *
     * @param alpha the factor applied to {@code x}
     * @param x the array added from
     * @param xOff the index of {@code x}'s first element
     * @param y the array updated in place
     * @param yOff the index of {@code y}'s first element
     * @param n the number of elements
     */
    void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n);

    /**
     * {@code out[r][c] = x[r][c] + bias[c]} for a {@code rows × cols} block (the bias of a linear
     * layer, broadcast over rows); {@code out} may be {@code x} in place.
     *
     * @param x the input block's array
     * @param xOff the index of the input's element {@code [0][0]}
     * @param bias the array holding the bias, {@code cols} elements
     * @param bOff the index of {@code bias[0]}
     * @param out the array receiving the output block
     * @param oOff the index of the output's element {@code [0][0]}
     * @param rows the number of rows
     * @param cols the number of columns, also the bias length and the row stride of both blocks
     */
    void addRowVector(float[] x, int xOff, float[] bias, int bOff, float[] out, int oOff, int rows, int cols);

    /**
     * {@code out[c] (+)= Σ_r x[r][c]}: column sums of a {@code rows × cols} block (bias gradients).
     * The sums are formed in double (or in float partial sums combined in double) and rounded to
     * float once, after the old value of {@code out[c]} is added when accumulating.
     *
     * @param x the block's array
     * @param xOff the index of the block's element {@code [0][0]}
     * @param rows the number of rows summed
     * @param cols the number of columns, also the number of sums written
     * @param out the array receiving the {@code cols} column sums
     * @param oOff the index where the sum of column 0 is written
     * @param accumulate true to add the sums to {@code out}'s values, false to overwrite them
     */
    void sumRows(float[] x, int xOff, int rows, int cols, float[] out, int oOff, boolean accumulate);

    /**
     * {@code Σ x[i]} over {@code n} elements. The reference adds in double; an implementation
     * may add float partial sums first and combine them in double, so results agree to float
     * rounding.
     *
     * @param x the array
     * @param xOff the index of the first element
     * @param n the number of elements
     * @return the sum, as a double (0 for {@code n = 0})
     */
    double sum(float[] x, int xOff, int n);

    /**
     * {@code Σ x[i]·y[i]} over {@code n} elements, with the same accumulation rule as {@link #sum}.
     *
     * @param x the first vector's array
     * @param xOff the index of the first vector's first element
     * @param y the second vector's array
     * @param yOff the index of the second vector's first element
     * @param n the number of elements
     * @return the dot product, as a double (0 for {@code n = 0})
     */
    double dot(float[] x, int xOff, float[] y, int yOff, int n);

    // ------------------------------------------------------------------ activations

    /**
     * {@code out[i] = max(x[i], 0)} for {@code n} elements; {@code out} may be {@code x} in place.
     *
     * @param x the input array
     * @param xOff the index of the first input element
     * @param out the array receiving the results
     * @param oOff the index where the first result is written
     * @param n the number of elements
     */
    void relu(float[] x, int xOff, float[] out, int oOff, int n);

    /**
     * ReLU backward: {@code dx[i] (+)= x[i] > 0 ? dy[i] : 0} (the gradient at 0 is 0).
     *
     * @param x the forward input's array
     * @param xOff the index of the first forward input
     * @param dy the array holding the gradient of the output
     * @param dyOff the index of its first element
     * @param dx the array receiving the gradient of the input
     * @param dxOff the index where the first input gradient goes
     * @param n the number of elements
     * @param accumulate true to add to {@code dx}, false to overwrite it
     */
    void reluBackward(float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff, int n, boolean accumulate);

    /**
     * GELU, tanh approximation as in the book:
     * {@code out[i] = 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))} with {@code x = x[i]}, for
     * {@code n} elements; {@code out} may be {@code x} in place.
     *
     * @param x the input array
     * @param xOff the index of the first input element
     * @param out the array receiving the results
     * @param oOff the index where the first result is written
     * @param n the number of elements
     */
    void gelu(float[] x, int xOff, float[] out, int oOff, int n);

    /**
     * GELU backward for the tanh form: {@code dx[i] (+)= dy[i]·GELU'(x[i])} with
     * {@code GELU'(x) = 0.5·(1 + t) + 0.5·x·(1 − t²)·√(2/π)·(1 + 3·0.044715·x²)},
     * {@code t = tanh(√(2/π)·(x + 0.044715·x³))}.
     *
     * @param x the forward input's array
     * @param xOff the index of the first forward input
     * @param dy the array holding the gradient of the output
     * @param dyOff the index of its first element
     * @param dx the array receiving the gradient of the input
     * @param dxOff the index where the first input gradient goes
     * @param n the number of elements
     * @param accumulate true to add to {@code dx}, false to overwrite it
     */
    void geluBackward(float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff, int n, boolean accumulate);

    /**
     * {@code out[i] = exp(x[i])} for {@code n} elements; {@code out} may be {@code x} in place.
     *
     * @param x the input array
     * @param xOff the index of the first input element
     * @param out the array receiving the results
     * @param oOff the index where the first result is written
     * @param n the number of elements
     */
    void exp(float[] x, int xOff, float[] out, int oOff, int n);

    /**
     * {@code out[i] = tanh(x[i])} for {@code n} elements; {@code out} may be {@code x} in place.
     *
     * @param x the input array
     * @param xOff the index of the first input element
     * @param out the array receiving the results
     * @param oOff the index where the first result is written
     * @param n the number of elements
     */
    void tanh(float[] x, int xOff, float[] out, int oOff, int n);

    // ------------------------------------------------------------------ row-wise fused ops

    /**
     * Softmax over each row of a {@code rows × cols} block, numerically stable (subtract the row
     * maximum): {@code out[r][c] = exp(x[r][c] − max_r) / Σ_c' exp(x[r][c'] − max_r)}.
     * Rows that are all {@code -∞} give NaN, as PyTorch does. {@code out} may be {@code x} in place.
     *
     * @param x the input block's array
     * @param xOff the index of the input's element {@code [0][0]}
     * @param out the array receiving the probabilities, same shape
     * @param oOff the index of the output's element {@code [0][0]}
     * @param rows the number of rows, each normalised on its own
     * @param cols the row length (the softmax dimension)
     */
    void softmaxRows(float[] x, int xOff, float[] out, int oOff, int rows, int cols);

    /**
     * Softmax backward from the output: {@code dx[r][c] (+)= y[r][c]·(dy[r][c] − Σ_c' dy[r][c']·y[r][c'])}.
     *
     * @param y the forward output (the probabilities)'s array
     * @param yOff the index of {@code y}'s element {@code [0][0]}
     * @param dy the array holding the gradient of the output
     * @param dyOff the index of {@code dy}'s element {@code [0][0]}
     * @param dx the array receiving the gradient of the input
     * @param dxOff the index of {@code dx}'s element {@code [0][0]}
     * @param rows the number of rows
     * @param cols the row length
     * @param accumulate true to add to {@code dx}, false to overwrite it
     */
    void softmaxBackwardRows(float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff,
                             int rows, int cols, boolean accumulate);

    /**
     * Causal scaled softmax, the attention weights of a decoder in one pass: for each of
     * {@code matrices} blocks of {@code rows × cols} scores (query {@code i}, key {@code j}),
     * {@code out[i][j] = softmax_j(x[i][j] / divisor)} over the keys {@code j < i + cols − rows + 1}
     * and {@code 0} beyond them. The causal mask is aligned to the last key, so with
     * {@code rows == cols} row {@code i} sees keys {@code 0…i}, and with fewer rows (new tokens after
     * {@code cols − rows} cached ones) the last row sees every key. The result equals
     * {@code softmaxRows} applied to {@code x / divisor} with the masked entries set to {@code −∞}
     * (PyTorch's {@code masked_fill(mask, -inf)}, {@code /}, {@code softmax}); the masked entries
     * are neither read nor exponentiated. {@code out} may be {@code x} in place.
     *
     * @param x the scores' array
     * @param xOff the index of the first block's element {@code [0][0]}
     * @param out the array receiving the weights, same layout
     * @param oOff the index of the output's first element
     * @param matrices the number of {@code rows × cols} blocks, stored one after another
     * @param rows the number of queries per block; at most {@code cols}
     * @param cols the number of keys per block
     * @param divisor the scale the scores are divided by ({@code sqrt(head_dim)})
     */
    void causalSoftmaxRows(float[] x, int xOff, float[] out, int oOff, int matrices, int rows, int cols, float divisor);

    /**
     * Backward of {@link #causalSoftmaxRows} from its output: for the visible keys
     * {@code dx[i][j] = y[i][j]·(dy[i][j] − Σ_j' dy[i][j']·y[i][j']) / divisor}, and {@code 0} for
     * the masked ones (the softmax backward, then the division's, then the masked fill's).
     *
     * @param y the forward output's array
     * @param yOff the index of {@code y}'s first element
     * @param dy the array holding the gradient of the output
     * @param dyOff the index of {@code dy}'s first element
     * @param dx the array receiving the gradient of the scores (overwritten)
     * @param dxOff the index of {@code dx}'s first element
     * @param matrices the number of {@code rows × cols} blocks
     * @param rows the number of queries per block; at most {@code cols}
     * @param cols the number of keys per block
     * @param divisor the forward pass's divisor
     */
    void causalSoftmaxBackwardRows(float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff,
                                   int matrices, int rows, int cols, float divisor);

    /**
     * Log-softmax over each row: {@code out[r][c] = x[r][c] − lse_r} with the row's stable
     * log-sum-exp {@code lse_r = max_r + log Σ_c exp(x[r][c] − max_r)}; {@code out} may be
     * {@code x} in place.
     *
     * @param x the input block's array
     * @param xOff the index of the input's element {@code [0][0]}
     * @param out the array receiving the log-probabilities, same shape
     * @param oOff the index of the output's element {@code [0][0]}
     * @param rows the number of rows, each normalised on its own
     * @param cols the row length (the softmax dimension)
     */
    void logSoftmaxRows(float[] x, int xOff, float[] out, int oOff, int rows, int cols);

    /**
     * Log-softmax backward from the output:
     * {@code dx[r][c] (+)= dy[r][c] − exp(y[r][c])·Σ_c' dy[r][c']}.
     *
     * @param y the forward output (the log-probabilities)'s array
     * @param yOff the index of {@code y}'s element {@code [0][0]}
     * @param dy the array holding the gradient of the output
     * @param dyOff the index of {@code dy}'s element {@code [0][0]}
     * @param dx the array receiving the gradient of the input
     * @param dxOff the index of {@code dx}'s element {@code [0][0]}
     * @param rows the number of rows
     * @param cols the row length
     * @param accumulate true to add to {@code dx}, false to overwrite it
     */
    void logSoftmaxBackwardRows(float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff,
                                int rows, int cols, boolean accumulate);

    /**
     * The book's layer norm over each row: {@code (x − mean)/sqrt(var + eps)·scale + shift}
     * with the biased variance (divided by {@code cols}). Writes the row means and reciprocal
     * standard deviations ({@code 1/sqrt(var+eps)}) to {@code mean} and {@code rstd} for the
     * backward pass.
     *
     * @param x the input block's array, {@code rows × cols}
     * @param xOff the index of the input's element {@code [0][0]}
     * @param scale the per-column scale, {@code cols} elements from index 0, or null for 1
     * @param shift the per-column shift, {@code cols} elements from index 0, or null for 0
     * @param eps the value added to the variance before the square root
     * @param out the array receiving the normalised block, same shape
     * @param oOff the index of the output's element {@code [0][0]}
     * @param mean receives each row's mean at index {@code r} (at least {@code rows} elements)
     * @param rstd receives each row's {@code 1/sqrt(var+eps)} at index {@code r} (at least
     *        {@code rows} elements)
     * @param rows the number of rows, each normalised on its own
     * @param cols the row length (the normalised dimension)
     */
    void layerNormRows(float[] x, int xOff, float[] scale, float[] shift, float eps,
                       float[] out, int oOff, float[] mean, float[] rstd, int rows, int cols);

    /**
     * Layer-norm backward. With {@code x̂ = (x − mean)·rstd} and {@code ĝ = dy·scale}, per row:
     * {@code dx (+)= rstd·(ĝ − mean_c(ĝ) − x̂·mean_c(ĝ·x̂))}; and for the parameters, always
     * added: {@code dScale[c] += Σ_r dy[r][c]·x̂[r][c]}, {@code dShift[c] += Σ_r dy[r][c]}.
     *
     * @param x the forward input's array, {@code rows × cols}
     * @param xOff the index of the forward input's element {@code [0][0]}
     * @param scale the scale used in the forward pass ({@code cols} elements from index 0), or
     *        null if there was none
     * @param mean the row means saved by {@link #layerNormRows}, index {@code r}
     * @param rstd the reciprocal standard deviations saved by {@link #layerNormRows}, index {@code r}
     * @param dy the array holding the gradient of the output, same shape as {@code x}
     * @param dyOff the index of {@code dy}'s element {@code [0][0]}
     * @param dx the array receiving the gradient of the input, or null to skip it
     * @param dxOff the index of {@code dx}'s element {@code [0][0]}
     * @param dScale the scale gradient ({@code cols} elements from index 0) the contribution is
     *        added to, or null to skip it
     * @param dShift the shift gradient ({@code cols} elements from index 0) the contribution is
     *        added to, or null to skip it
     * @param rows the number of rows
     * @param cols the row length
     * @param accumulate for {@code dx} only: true to add to it, false to overwrite it
     */
    void layerNormBackwardRows(float[] x, int xOff, float[] scale, float[] mean, float[] rstd,
                               float[] dy, int dyOff, float[] dx, int dxOff,
                               float[] dScale, float[] dShift, int rows, int cols, boolean accumulate);

    /**
     * Cross entropy of each row of logits against an integer target. Rows whose target equals
     * {@code ignoreIndex} contribute nothing. Writes each row's log-sum-exp into {@code lse}
     * (ignored rows included) and returns the sum of the per-row losses
     * {@code lse − logit[target]} over the rows that count; the caller divides by their number
     * for a mean.
     *
     * @param logits the logits' array, {@code rows × cols}
     * @param lOff the index of the logits' element {@code [0][0]}
     * @param targets the class index of each row
     * @param tOff the index of row 0's target in {@code targets}
     * @param rows the number of rows (samples)
     * @param cols the row length (the number of classes)
     * @param ignoreIndex the target value of rows that do not count
     * @param lse receives each row's log-sum-exp at index {@code r} (at least {@code rows} elements)
     * @return the summed loss of the counted rows, accumulated in double (0 if none counts)
     * @throws IllegalArgumentException if a target other than {@code ignoreIndex} lies outside
     *         {@code [0, cols)}; the message names the target and the row
     */
    double crossEntropyRows(float[] logits, int lOff, long[] targets, int tOff, int rows, int cols,
                            long ignoreIndex, float[] lse);

    /**
     * Cross-entropy backward: {@code dlogits[r] (+)= scale·(softmax(logits[r]) − onehot(target[r]))},
     * the softmax taken as {@code exp(logits[r][c] − lse[r])}. Rows with the ignore index get zero
     * (or nothing added). Targets are not checked again (that is {@link #crossEntropyRows}'s job);
     * a target outside {@code [0, cols)} gets no one-hot term.
     *
     * @param logits the forward logits' array, {@code rows × cols}
     * @param lOff the index of the logits' element {@code [0][0]}
     * @param targets the class index of each row
     * @param tOff the index of row 0's target in {@code targets}
     * @param lse the row log-sum-exps written by {@link #crossEntropyRows}, index {@code r}
     * @param rows the number of rows
     * @param cols the row length (the number of classes)
     * @param ignoreIndex the target value of rows that do not count
     * @param scale the factor on every counted row's gradient, for example the upstream gradient
     *        divided by the number of counted rows for a mean loss
     * @param dlogits the array receiving the gradient of the logits, same shape
     * @param dOff the index of {@code dlogits}' element {@code [0][0]}
     * @param accumulate true to add to {@code dlogits} (ignored rows left as they are), false to
     *        overwrite it (ignored rows set to zero)
     */
    void crossEntropyBackwardRows(float[] logits, int lOff, long[] targets, int tOff, float[] lse,
                                  int rows, int cols, long ignoreIndex, float scale,
                                  float[] dlogits, int dOff, boolean accumulate);

    // ------------------------------------------------------------------ optimizer

    /**
     * One fused AdamW update over {@code n} parameters, PyTorch's algorithm:
     * {@code p *= 1 − lr·wd; m = β1·m + (1−β1)·g; v = β2·v + (1−β2)·g²;
     * p −= (lr/bc1) · m / (sqrt(v)/sqrt(bc2) + eps)} with bias corrections
     * {@code bc1 = 1 − β1^t}, {@code bc2 = 1 − β2^t} computed by the caller. {@code p},
     * {@code m} and {@code v} are updated in place; all four ranges are {@code n} long.
     *
     * @param p the parameters' array, updated in place
     * @param pOff the index of the first parameter
     * @param g the gradients' array, read only
     * @param gOff the index of the first parameter's gradient
     * @param m the first-moment estimates' array, updated in place
     * @param mOff the index of the first parameter's first moment
     * @param v the second-moment estimates' array, updated in place
     * @param vOff the index of the first parameter's second moment
     * @param n the number of parameters
     * @param lr the learning rate
     * @param beta1 the decay rate β1 of the first moment
     * @param beta2 the decay rate β2 of the second moment
     * @param eps the term added to the denominator
     * @param weightDecay the decoupled weight-decay coefficient {@code wd}
     * @param bc1 the first bias correction {@code 1 − β1^t}, {@code t} the 1-based step count
     * @param bc2 the second bias correction {@code 1 − β2^t}
     */
    void adamW(float[] p, int pOff, float[] g, int gOff, float[] m, int mOff, float[] v, int vOff, int n,
               float lr, float beta1, float beta2, float eps, float weightDecay, float bc1, float bc2);
}
