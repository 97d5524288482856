package dev.scratchllm.kernels;

import java.lang.reflect.Constructor;
import java.util.logging.Logger;

/**
 * The hot loops of decoding (one new token per sequence): matrix-vector products that stream
 * each weight row once for up to a few input vectors, in float32, bfloat16 and 8-bit block
 * (Q8_0) storage, and single-query attention over a key/value cache.
 *
 * <p>Like {@link Kernels}, two implementations share this contract: {@link ScalarDecodeKernels}
 * (plain loops, accumulating in double: the reference) and a Vector API one chosen at run time
 * when {@code jdk.incubator.vector} is present ({@link #get()}). It is a separate interface from
 * {@link Kernels} because only the inference path ({@code dev.scratchllm.infer}) uses it.
 * Nothing here splits work over threads: callers hand each thread a range of output rows (or of
 * heads), so one call is one thread's share.
 *
 * <p>Layouts. A weight matrix has {@code rows × cols} elements, row {@code r} at
 * {@code wOff + r·cols} (PyTorch's {@code nn.Linear.weight}, {@code (out_features, in_features)}).
 * Input vector {@code i} (of {@code m}) is {@code x[xOff + i·ldx …]}, {@code cols} long; the
 * output of row {@code r} for vector {@code i} goes to {@code y[yOff + i·ldy + r]} (rows are
 * absolute indices, so a thread's share {@code [r0, r1)} writes the matching columns of y).
 *
 * <p>Rounding. The Vector API implementation sums each (row, vector) pair in the same order
 * whatever {@code m} and whatever the row range, so one sequence decoded alone or inside a batch
 * gets bit-identical outputs. It agrees with the scalar reference to float rounding.
 */
public interface DecodeKernels {
    /** Weights per Q8_0 block: each block of 32 consecutive weights of a row shares one scale. */
    int Q8_BLOCK = 32;
    /**
     * The scratch length {@link #attend} needs, in floats, and the positions per block of its
     * online softmax: the keys, then the values, of a block are each read as one run (64 KiB
     * for a 64-float head in a head-major cache). With blocks of 64 the runs were 16 KiB and
     * one thread's attention of GPT-2 124M at 225 positions took 1.5 ms per token instead of 1.2.
     */
    int ATTEND_SCRATCH = 256;

    /**
     * A short name for logs and benchmarks.
     *
     * @return {@code "scalar"} or {@code "simd"}
     */
    String name();

    /**
     * {@code y[i][r] = (accumulate ? y[i][r] : 0) + (Σ_c w[r][c]·x[i][c] + bias[r])} for rows
     * {@code r0 ≤ r < r1} and vectors {@code 0 ≤ i < m}, float32 weights. The bias is added to the
     * dot product before the old value of y, as {@code shortcut + linear(x)} does.
     *
     * @param cols the row length (input size)
     * @param r0 the first output row, inclusive
     * @param r1 the last output row, exclusive
     * @param w the weights, row-major
     * @param wOff the index of {@code w[0][0]}
     * @param m the number of input vectors, at least 1
     * @param x the input vectors
     * @param xOff the index of vector 0's first element
     * @param ldx the distance between input vectors
     * @param bias the bias ({@code bias[bOff + r]}), or null for none
     * @param bOff the index of the bias of row 0
     * @param y the outputs
     * @param yOff the index of vector 0's row-0 output
     * @param ldy the distance between output vectors
     * @param accumulate true to add to y's values, false to overwrite them
     */
    void gemvF32(int cols, int r0, int r1, float[] w, int wOff, int m, float[] x, int xOff, int ldx,
                 float[] bias, int bOff, float[] y, int yOff, int ldy, boolean accumulate);

    /**
     * {@link #gemvF32} with bfloat16 weights: element {@code w[r][c]} is the upper 16 bits of a
     * float32 ({@code Float.intBitsToFloat(w << 16)}), widened exactly inside the loop.
     *
     * @param cols the row length
     * @param r0 the first output row, inclusive
     * @param r1 the last output row, exclusive
     * @param w the bfloat16 weights, row-major
     * @param wOff the index of {@code w[0][0]}
     * @param m the number of input vectors
     * @param x the input vectors
     * @param xOff the index of vector 0's first element
     * @param ldx the distance between input vectors
     * @param bias the float32 bias, or null
     * @param bOff the index of the bias of row 0
     * @param y the outputs
     * @param yOff the index of vector 0's row-0 output
     * @param ldy the distance between output vectors
     * @param accumulate true to add to y's values, false to overwrite them
     */
    void gemvBF16(int cols, int r0, int r1, short[] w, int wOff, int m, float[] x, int xOff, int ldx,
                  float[] bias, int bOff, float[] y, int yOff, int ldy, boolean accumulate);

    /**
     * {@link #gemvF32} with Q8_0 weights: {@code w[r][c] = q[r][c] · scale[r][c / 32]} with
     * signed bytes {@code q} (row {@code r} at {@code qOff + r·cols}) and one float32 scale per
     * block of {@value #Q8_BLOCK} ({@code scales[sOff + r·cols/32 + c/32]}). Each block's dot
     * product is formed first and then multiplied by its scale.
     *
     * @param cols the row length, a multiple of 32
     * @param r0 the first output row, inclusive
     * @param r1 the last output row, exclusive
     * @param q the quantized weights, row-major
     * @param qOff the index of {@code q[0][0]}
     * @param scales the block scales, row-major ({@code cols / 32} per row)
     * @param sOff the index of row 0's first scale
     * @param m the number of input vectors
     * @param x the input vectors
     * @param xOff the index of vector 0's first element
     * @param ldx the distance between input vectors
     * @param bias the float32 bias, or null
     * @param bOff the index of the bias of row 0
     * @param y the outputs
     * @param yOff the index of vector 0's row-0 output
     * @param ldy the distance between output vectors
     * @param accumulate true to add to y's values, false to overwrite them
     * @throws IllegalArgumentException if {@code cols} is not a multiple of 32
     */
    void gemvQ8(int cols, int r0, int r1, byte[] q, int qOff, float[] scales, int sOff, int m,
                float[] x, int xOff, int ldx, float[] bias, int bOff, float[] y, int yOff, int ldy,
                boolean accumulate);

    /**
     * One query against {@code n} cached positions of one head, fused:
     * {@code out = Σ_j softmax_j(scale · q·k_j) · v_j}, with key {@code j} at
     * {@code k[kvOff + j·stride …]} and value {@code j} at {@code v[kvOff + j·stride …]}, each
     * {@code headDim} long. The Vector API version reads every key and value once, in blocks
     * of {@value #ATTEND_SCRATCH} positions, rescaling its running sum when the running maximum
     * grows (the online softmax); the reference computes all scores, the softmax, then the sum.
     * The caller applies the causal mask by passing only the visible positions.
     *
     * @param q the query's array
     * @param qOff the index of the query's first element
     * @param k the keys' array
     * @param v the values' array
     * @param kvOff the index of position 0's key (and value) in its array
     * @param stride the distance between consecutive positions' keys (and values)
     * @param n the number of positions, at least 1
     * @param headDim the vector length
     * @param scale the factor on each score ({@code 1/sqrt(head_dim)})
     * @param out the array receiving the {@code headDim} outputs
     * @param oOff the index of the first output
     * @param scratch at least {@value #ATTEND_SCRATCH} floats this call may overwrite
     */
    void attend(float[] q, int qOff, float[] k, float[] v, int kvOff, int stride, int n, int headDim,
                float scale, float[] out, int oOff, float[] scratch);

    /**
     * {@link #attend} over bfloat16 keys and values (a cache stored in BF16), each widened to
     * float32 exactly as it is read; otherwise the same arithmetic, in the same order.
     *
     * @param q the query's array
     * @param qOff the index of the query's first element
     * @param k the keys' bfloat16 bits
     * @param v the values' bfloat16 bits
     * @param kvOff the index of position 0's key (and value) in its array
     * @param stride the distance between consecutive positions' keys (and values)
     * @param n the number of positions, at least 1
     * @param headDim the vector length
     * @param scale the factor on each score
     * @param out the array receiving the {@code headDim} outputs
     * @param oOff the index of the first output
     * @param scratch at least {@value #ATTEND_SCRATCH} floats this call may overwrite
     */
    void attendBF16(float[] q, int qOff, short[] k, short[] v, int kvOff, int stride, int n, int headDim,
                    float scale, float[] out, int oOff, float[] scratch);

    /**
     * The implementation in use: the Vector API one when {@code jdk.incubator.vector} is in the
     * boot layer and {@code scratchllm.kernels} is not {@code scalar}, else the reference. Chosen
     * once per JVM.
     *
     * @return the shared instance
     */
    static DecodeKernels get() {
        return Holder.INSTANCE;
    }

    /**
     * The Vector API implementation if this JVM can load it, else null (for tests and benchmarks).
     *
     * @return a new instance, or null without {@code jdk.incubator.vector}
     */
    static DecodeKernels simdOrNull() {
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) return null;
        return Holder.load();
    }

    /** Lazy holder of the chosen instance. */
    final class Holder {
        private static final Logger LOG = Logger.getLogger(DecodeKernels.class.getName());
        static final DecodeKernels INSTANCE = choose();

        private Holder() {
        }

        private static DecodeKernels choose() {
            boolean vector = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
            if (!vector || "scalar".equalsIgnoreCase(System.getProperty("scratchllm.kernels", ""))) {
                return new ScalarDecodeKernels();
            }
            DecodeKernels k = load();
            return k == null ? new ScalarDecodeKernels() : k;
        }

        static DecodeKernels load() {
            try {
                Class<?> c = Class.forName("dev.scratchllm.kernels.VectorDecodeKernels");
                Constructor<?> ctor = c.getDeclaredConstructor();
                return (DecodeKernels) ctor.newInstance();
            } catch (ReflectiveOperationException | LinkageError e) {
                LOG.warning("ScratchLLM: could not load SIMD decode kernels (" + e + "); using scalar ones");
                return null;
            }
        }
    }
    // ------------------------------------------------------------------ element-wise steps of RoPE models

    /**
     * RMSNorm of one row as {@code nn.RMSNorm} computes it in float32:
     * {@code out[i] = (x[i] · rsqrt(mean(x²) + eps)) · w[i]}, normalised first and then multiplied
     * by the weight. {@code out} may be {@code x} itself.
     *
     * @param x the input row
     * @param xOff the index of its first element
     * @param w the weight ({@code weight} or {@code scale}), {@code n} long
     * @param wOff the index of the weight's first element
     * @param eps the constant added to the mean square
     * @param out the output row
     * @param oOff the index of its first element
     * @param n the row length, at least 1
     */
    void rmsNorm(float[] x, int xOff, float[] w, int wOff, float eps, float[] out, int oOff, int n);

    /**
     * The SwiGLU gate: {@code out[i] = silu(g[i]) · u[i]} with {@code silu(g) = g / (1 + e^-g)}
     * (PyTorch's formula). {@code out} must not overlap {@code g} or {@code u}.
     *
     * @param g the gate input ({@code fc1}'s output)
     * @param gOff the index of its first element
     * @param u the other input ({@code fc2}'s output)
     * @param uOff the index of its first element
     * @param out the output
     * @param oOff the index of its first element
     * @param n the number of elements
     */
    void siluMul(float[] g, int gOff, float[] u, int uOff, float[] out, int oOff, int n);

    /**
     * Rotary position embedding of one head in place, the split-halves layout of the Llama 3 and
     * Qwen3 references: with {@code x1}, {@code x2} the two halves,
     * {@code x ← x·cos + cat(−x2, x1)·sin}, each product and sum rounded to float as PyTorch's
     * composed ops round them (no fused multiply-add), with row {@code tOff} of the tables.
     *
     * @param x the head's vector, rotated in place
     * @param xOff the index of its first element
     * @param cos the cosine table
     * @param sin the sine table
     * @param tOff the index of the position's first table entry ({@code position · headDim})
     * @param headDim the head size, even
     */
    void rope(float[] x, int xOff, float[] cos, float[] sin, int tOff, int headDim);
}
