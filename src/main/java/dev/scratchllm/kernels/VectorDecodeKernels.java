package dev.scratchllm.kernels;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API implementation of {@link DecodeKernels}, loaded reflectively when the JVM runs
 * with {@code --add-modules jdk.incubator.vector} (with {@link VectorKernels} and {@link VectorMath},
 * the only classes that import the incubator module).
 *
 * <p>Matrix-vector products: each weight row is read once per call and kept in L1 while it is
 * multiplied with up to four input vectors at a time (more vectors read the row again from L1,
 * not from memory). Every (row, vector) pair is summed the same way in every variant: two vector
 * accumulators taking alternate chunks of {@code L} weights (four taking every fourth 32-weight
 * block for Q8_0), their lane-wise sum reduced across lanes in a fixed order ({@link VectorMath#sumLanes},
 * the same bits in the interpreter, C1 and C2), then the row's last {@code cols mod L}
 * products added one by one in float. So a row's result does not depend on {@code m} or on the
 * row range, which keeps batched decoding bit-identical to decoding one sequence at a time.
 * bfloat16 weights are widened by a 16-bit shift; Q8_0 bytes are converted to float and each
 * block's partial sum is multiplied by its scale.
 *
 * <p>Attention: scores for a block of {@value DecodeKernels#ATTEND_SCRATCH} positions, their
 * exponentials ({@code VectorKernels.sumExp}, JIT-independent) relative to the running maximum, and the
 * weighted sum of the block's values, with the running sum rescaled when the maximum grows: one
 * pass over the keys and values.
 */
public final class VectorDecodeKernels extends ScalarDecodeKernels {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();
    static final VectorSpecies<Short> SS = VectorSpecies.of(short.class, VectorShape.forBitSize(L * 16));
    static final VectorSpecies<Integer> IS = VectorSpecies.of(int.class, S.vectorShape());
    /** Bytes of one float vector's worth of Q8 weights; null below 8 lanes (no 32-bit byte shape). */
    static final VectorSpecies<Byte> BS = L >= 8 ? VectorSpecies.of(byte.class, VectorShape.forBitSize(L * 8)) : null;
    static final int CHUNKS_PER_BLOCK = Q8_BLOCK / L;
    /**
     * Four vectors' lanes per thread: the four-vector loops sum their lanes from memory
     * ({@link VectorMath#sumStoredLanes(float[], int)}, the same bits as {@code sumLanes}). In
     * registers, C2 gave up inlining the last folds in those big loops (NodeCountInliningCutoff)
     * and boxed the vectors: 12.8 MB per batched BF16 step and 77 MB per Q8_0 step (124M, four
     * sequences).
     */
    private static final ThreadLocal<float[]> X4_LANES = ThreadLocal.withInitial(() -> new float[4 * L]);

    /** Public for reflection in {@link DecodeKernels#get()}. */
    public VectorDecodeKernels() {
    }

    @Override
    public String name() {
        return "simd";
    }

    // ================================================================== float32

    @Override
    public void gemvF32(int cols, int r0, int r1, float[] w, int wOff, int m, float[] x, int xOff, int ldx,
                        float[] bias, int bOff, float[] y, int yOff, int ldy, boolean accumulate) {
        float[] lanes = m >= 4 ? X4_LANES.get() : null;
        for (int r = r0; r < r1; r++) {
            int wr = wOff + r * cols, yr = yOff + r;
            int i = 0;
            for (; i + 4 <= m; i += 4)
                f32x4(cols, w, wr, x, xOff + i * ldx, ldx, bias, bOff + r, y, yr + i * ldy, ldy, accumulate, lanes);
            for (; i < m; i++)
                store(y, yr + i * ldy, f32x1(cols, w, wr, x, xOff + i * ldx), bias, bOff + r, accumulate);
        }
    }

    private static float f32x1(int cols, float[] w, int wi, float[] x, int xi) {
        FloatVector a0 = FloatVector.zero(S), a1 = FloatVector.zero(S);
        int c = 0;
        for (; c + 2 * L <= cols; c += 2 * L) {
            a0 = FloatVector.fromArray(S, w, wi + c).fma(FloatVector.fromArray(S, x, xi + c), a0);
            a1 = FloatVector.fromArray(S, w, wi + c + L).fma(FloatVector.fromArray(S, x, xi + c + L), a1);
        }
        if (c + L <= cols) {
            a0 = FloatVector.fromArray(S, w, wi + c).fma(FloatVector.fromArray(S, x, xi + c), a0);
            c += L;
        }
        float s = VectorMath.sumLanes(a0.add(a1));
        for (; c < cols; c++) s += w[wi + c] * x[xi + c];
        return s;
    }

    private static void f32x4(int cols, float[] w, int wi, float[] x, int xi, int ldx, float[] bias, int bi,
                              float[] y, int yi, int ldy, boolean accumulate, float[] lanes) {
        FloatVector a0 = FloatVector.zero(S), a1 = a0, b0 = a0, b1 = a0, c0 = a0, c1 = a0, d0 = a0, d1 = a0;
        int x0 = xi, x1 = xi + ldx, x2 = xi + 2 * ldx, x3 = xi + 3 * ldx;
        int c = 0;
        for (; c + 2 * L <= cols; c += 2 * L) {
            FloatVector w0 = FloatVector.fromArray(S, w, wi + c), w1 = FloatVector.fromArray(S, w, wi + c + L);
            a0 = w0.fma(FloatVector.fromArray(S, x, x0 + c), a0);
            a1 = w1.fma(FloatVector.fromArray(S, x, x0 + c + L), a1);
            b0 = w0.fma(FloatVector.fromArray(S, x, x1 + c), b0);
            b1 = w1.fma(FloatVector.fromArray(S, x, x1 + c + L), b1);
            c0 = w0.fma(FloatVector.fromArray(S, x, x2 + c), c0);
            c1 = w1.fma(FloatVector.fromArray(S, x, x2 + c + L), c1);
            d0 = w0.fma(FloatVector.fromArray(S, x, x3 + c), d0);
            d1 = w1.fma(FloatVector.fromArray(S, x, x3 + c + L), d1);
        }
        if (c + L <= cols) {
            FloatVector w0 = FloatVector.fromArray(S, w, wi + c);
            a0 = w0.fma(FloatVector.fromArray(S, x, x0 + c), a0);
            b0 = w0.fma(FloatVector.fromArray(S, x, x1 + c), b0);
            c0 = w0.fma(FloatVector.fromArray(S, x, x2 + c), c0);
            d0 = w0.fma(FloatVector.fromArray(S, x, x3 + c), d0);
            c += L;
        }
        a0.add(a1).intoArray(lanes, 0);
        b0.add(b1).intoArray(lanes, L);
        c0.add(c1).intoArray(lanes, 2 * L);
        d0.add(d1).intoArray(lanes, 3 * L);
        float sa = VectorMath.sumStoredLanes(lanes, 0), sb = VectorMath.sumStoredLanes(lanes, L);
        float sc = VectorMath.sumStoredLanes(lanes, 2 * L), sd = VectorMath.sumStoredLanes(lanes, 3 * L);
        for (; c < cols; c++) {
            float wc = w[wi + c];
            sa += wc * x[x0 + c];
            sb += wc * x[x1 + c];
            sc += wc * x[x2 + c];
            sd += wc * x[x3 + c];
        }
        store(y, yi, sa, bias, bi, accumulate);
        store(y, yi + ldy, sb, bias, bi, accumulate);
        store(y, yi + 2 * ldy, sc, bias, bi, accumulate);
        store(y, yi + 3 * ldy, sd, bias, bi, accumulate);
    }

    // ================================================================== bfloat16

    /** {@code L} bfloat16 weights widened to float32: shift each 16-bit pattern into the upper half. */
    private static FloatVector bf16(short[] w, int i) {
        return ((IntVector) ShortVector.fromArray(SS, w, i).convertShape(VectorOperators.S2I, IS, 0))
                .lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
    }

    @Override
    public void gemvBF16(int cols, int r0, int r1, short[] w, int wOff, int m, float[] x, int xOff, int ldx,
                         float[] bias, int bOff, float[] y, int yOff, int ldy, boolean accumulate) {
        float[] lanes = m >= 4 ? X4_LANES.get() : null;
        for (int r = r0; r < r1; r++) {
            int wr = wOff + r * cols, yr = yOff + r;
            int i = 0;
            for (; i + 4 <= m; i += 4)
                bf16x4(cols, w, wr, x, xOff + i * ldx, ldx, bias, bOff + r, y, yr + i * ldy, ldy, accumulate, lanes);
            for (; i < m; i++)
                store(y, yr + i * ldy, bf16x1(cols, w, wr, x, xOff + i * ldx), bias, bOff + r, accumulate);
        }
    }

    private static float bf16x1(int cols, short[] w, int wi, float[] x, int xi) {
        FloatVector a0 = FloatVector.zero(S), a1 = FloatVector.zero(S);
        int c = 0;
        for (; c + 2 * L <= cols; c += 2 * L) {
            a0 = bf16(w, wi + c).fma(FloatVector.fromArray(S, x, xi + c), a0);
            a1 = bf16(w, wi + c + L).fma(FloatVector.fromArray(S, x, xi + c + L), a1);
        }
        if (c + L <= cols) {
            a0 = bf16(w, wi + c).fma(FloatVector.fromArray(S, x, xi + c), a0);
            c += L;
        }
        float s = VectorMath.sumLanes(a0.add(a1));
        for (; c < cols; c++) s += bf16ToFloat(w[wi + c]) * x[xi + c];
        return s;
    }

    private static void bf16x4(int cols, short[] w, int wi, float[] x, int xi, int ldx, float[] bias, int bi,
                               float[] y, int yi, int ldy, boolean accumulate, float[] lanes) {
        FloatVector a0 = FloatVector.zero(S), a1 = a0, b0 = a0, b1 = a0, c0 = a0, c1 = a0, d0 = a0, d1 = a0;
        int x0 = xi, x1 = xi + ldx, x2 = xi + 2 * ldx, x3 = xi + 3 * ldx;
        int c = 0;
        for (; c + 2 * L <= cols; c += 2 * L) {
            FloatVector w0 = bf16(w, wi + c), w1 = bf16(w, wi + c + L);
            a0 = w0.fma(FloatVector.fromArray(S, x, x0 + c), a0);
            a1 = w1.fma(FloatVector.fromArray(S, x, x0 + c + L), a1);
            b0 = w0.fma(FloatVector.fromArray(S, x, x1 + c), b0);
            b1 = w1.fma(FloatVector.fromArray(S, x, x1 + c + L), b1);
            c0 = w0.fma(FloatVector.fromArray(S, x, x2 + c), c0);
            c1 = w1.fma(FloatVector.fromArray(S, x, x2 + c + L), c1);
            d0 = w0.fma(FloatVector.fromArray(S, x, x3 + c), d0);
            d1 = w1.fma(FloatVector.fromArray(S, x, x3 + c + L), d1);
        }
        if (c + L <= cols) {
            FloatVector w0 = bf16(w, wi + c);
            a0 = w0.fma(FloatVector.fromArray(S, x, x0 + c), a0);
            b0 = w0.fma(FloatVector.fromArray(S, x, x1 + c), b0);
            c0 = w0.fma(FloatVector.fromArray(S, x, x2 + c), c0);
            d0 = w0.fma(FloatVector.fromArray(S, x, x3 + c), d0);
            c += L;
        }
        a0.add(a1).intoArray(lanes, 0);
        b0.add(b1).intoArray(lanes, L);
        c0.add(c1).intoArray(lanes, 2 * L);
        d0.add(d1).intoArray(lanes, 3 * L);
        float sa = VectorMath.sumStoredLanes(lanes, 0), sb = VectorMath.sumStoredLanes(lanes, L);
        float sc = VectorMath.sumStoredLanes(lanes, 2 * L), sd = VectorMath.sumStoredLanes(lanes, 3 * L);
        for (; c < cols; c++) {
            float wc = bf16ToFloat(w[wi + c]);
            sa += wc * x[x0 + c];
            sb += wc * x[x1 + c];
            sc += wc * x[x2 + c];
            sd += wc * x[x3 + c];
        }
        store(y, yi, sa, bias, bi, accumulate);
        store(y, yi + ldy, sb, bias, bi, accumulate);
        store(y, yi + 2 * ldy, sc, bias, bi, accumulate);
        store(y, yi + 3 * ldy, sd, bias, bi, accumulate);
    }

    // ================================================================== Q8_0

    /** {@code L} signed bytes converted to float32. */
    private static FloatVector q8(byte[] q, int i) {
        return (FloatVector) ByteVector.fromArray(BS, q, i).convertShape(VectorOperators.B2F, S, 0);
    }

    @Override
    public void gemvQ8(int cols, int r0, int r1, byte[] q, int qOff, float[] scales, int sOff, int m,
                       float[] x, int xOff, int ldx, float[] bias, int bOff, float[] y, int yOff, int ldy,
                       boolean accumulate) {
        if (BS == null) {
            super.gemvQ8(cols, r0, r1, q, qOff, scales, sOff, m, x, xOff, ldx, bias, bOff, y, yOff, ldy, accumulate);
            return;
        }
        checkQ8Cols(cols);
        int blocks = cols / Q8_BLOCK;
        float[] lanes = m >= 4 ? X4_LANES.get() : null;
        for (int r = r0; r < r1; r++) {
            int qr = qOff + r * cols, sr = sOff + r * blocks, yr = yOff + r;
            int i = 0;
            for (; i + 4 <= m; i += 4)
                q8x4(blocks, q, qr, scales, sr, x, xOff + i * ldx, ldx, bias, bOff + r, y, yr + i * ldy, ldy, accumulate, lanes);
            for (; i < m; i++)
                store(y, yr + i * ldy, q8x1(blocks, q, qr, scales, sr, x, xOff + i * ldx), bias, bOff + r, accumulate);
        }
    }

    /**
     * One row times one vector. Four accumulators take blocks {@code b mod 4}: with two, each
     * block waited on the scale's multiply-add two blocks back (4 cycles of latency). GPT-2
     * 124M, one thread, three alternating processes: Q8_0 ÷ F32 3.01–3.15 against 2.79–2.94.
     */
    private static float q8x1(int blocks, byte[] q, int qi, float[] scales, int si, float[] x, int xi) {
        FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
        // one block per iteration, no call returning a vector: C2 inlines only small methods at
        // the tail's cold call sites, and a vector returned by a call that is not inlined is boxed
        for (int b = 0; b < blocks; b++) {
            int o = b * Q8_BLOCK;
            FloatVector s = q8(q, qi + o).mul(FloatVector.fromArray(S, x, xi + o));
            for (int j = 1; j < CHUNKS_PER_BLOCK; j++)
                s = q8(q, qi + o + j * L).fma(FloatVector.fromArray(S, x, xi + o + j * L), s);
            FloatVector vs = FloatVector.broadcast(S, scales[si + b]);
            switch (b & 3) {
                case 0 -> a0 = s.fma(vs, a0);
                case 1 -> a1 = s.fma(vs, a1);
                case 2 -> a2 = s.fma(vs, a2);
                default -> a3 = s.fma(vs, a3);
            }
        }
        return VectorMath.sumLanes(a0.add(a1).add(a2.add(a3)));
    }

    /** One row times four vectors, each summed exactly as {@link #q8x1} sums it (16 accumulators). */
    private static void q8x4(int blocks, byte[] q, int qi, float[] scales, int si, float[] x, int xi, int ldx,
                             float[] bias, int bi, float[] y, int yi, int ldy, boolean accumulate, float[] lanes) {
        FloatVector z = FloatVector.zero(S);
        FloatVector a0 = z, a1 = z, a2 = z, a3 = z, b0 = z, b1 = z, b2 = z, b3 = z;
        FloatVector c0 = z, c1 = z, c2 = z, c3 = z, d0 = z, d1 = z, d2 = z, d3 = z;
        int x0 = xi, x1 = xi + ldx, x2 = xi + 2 * ldx, x3 = xi + 3 * ldx;
        for (int b = 0; b < blocks; b++) {
            int o = b * Q8_BLOCK;
            FloatVector w0 = q8(q, qi + o);
            FloatVector sa = w0.mul(FloatVector.fromArray(S, x, x0 + o));
            FloatVector sb = w0.mul(FloatVector.fromArray(S, x, x1 + o));
            FloatVector sc = w0.mul(FloatVector.fromArray(S, x, x2 + o));
            FloatVector sd = w0.mul(FloatVector.fromArray(S, x, x3 + o));
            for (int j = 1; j < CHUNKS_PER_BLOCK; j++) {
                int oj = o + j * L;
                FloatVector wv = q8(q, qi + oj);
                sa = wv.fma(FloatVector.fromArray(S, x, x0 + oj), sa);
                sb = wv.fma(FloatVector.fromArray(S, x, x1 + oj), sb);
                sc = wv.fma(FloatVector.fromArray(S, x, x2 + oj), sc);
                sd = wv.fma(FloatVector.fromArray(S, x, x3 + oj), sd);
            }
            FloatVector vs = FloatVector.broadcast(S, scales[si + b]);
            switch (b & 3) {
                case 0 -> { a0 = sa.fma(vs, a0); b0 = sb.fma(vs, b0); c0 = sc.fma(vs, c0); d0 = sd.fma(vs, d0); }
                case 1 -> { a1 = sa.fma(vs, a1); b1 = sb.fma(vs, b1); c1 = sc.fma(vs, c1); d1 = sd.fma(vs, d1); }
                case 2 -> { a2 = sa.fma(vs, a2); b2 = sb.fma(vs, b2); c2 = sc.fma(vs, c2); d2 = sd.fma(vs, d2); }
                default -> { a3 = sa.fma(vs, a3); b3 = sb.fma(vs, b3); c3 = sc.fma(vs, c3); d3 = sd.fma(vs, d3); }
            }
        }
        a0.add(a1).add(a2.add(a3)).intoArray(lanes, 0);
        b0.add(b1).add(b2.add(b3)).intoArray(lanes, L);
        c0.add(c1).add(c2.add(c3)).intoArray(lanes, 2 * L);
        d0.add(d1).add(d2.add(d3)).intoArray(lanes, 3 * L);
        store(y, yi, VectorMath.sumStoredLanes(lanes, 0), bias, bi, accumulate);
        store(y, yi + ldy, VectorMath.sumStoredLanes(lanes, L), bias, bi, accumulate);
        store(y, yi + 2 * ldy, VectorMath.sumStoredLanes(lanes, 2 * L), bias, bi, accumulate);
        store(y, yi + 3 * ldy, VectorMath.sumStoredLanes(lanes, 3 * L), bias, bi, accumulate);
    }

    // ================================================================== attention

    @Override
    public void attend(float[] q, int qOff, float[] k, float[] v, int kvOff, int stride, int n, int headDim,
                       float scale, float[] out, int oOff, float[] scratch) {
        attend(q, qOff, k, null, v, null, kvOff, stride, n, headDim, scale, out, oOff, scratch);
    }

    @Override
    public void attendBF16(float[] q, int qOff, short[] k, short[] v, int kvOff, int stride, int n, int headDim,
                           float scale, float[] out, int oOff, float[] scratch) {
        attend(q, qOff, null, k, null, v, kvOff, stride, n, headDim, scale, out, oOff, scratch);
    }

    /** Keys and values in float32 ({@code kf}, {@code vf}) or bfloat16 ({@code kh}, {@code vh}); the other pair null. */
    private static void attend(float[] q, int qOff, float[] kf, short[] kh, float[] vf, short[] vh, int kvOff, int stride,
                               int n, int headDim, float scale, float[] out, int oOff, float[] scratch) {
        java.util.Arrays.fill(out, oOff, oOff + headDim, 0f);
        float max = Float.NEGATIVE_INFINITY;
        double sum = 0;
        for (int j0 = 0; j0 < n; j0 += ATTEND_SCRATCH) {
            int nb = Math.min(ATTEND_SCRATCH, n - j0);
            float blockMax = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < nb; j++) {
                int kj = kvOff + (j0 + j) * stride;
                float s = (kh == null ? VectorKernels.dotF(q, qOff, kf, kj, headDim) : dotBF16(q, qOff, kh, kj, headDim)) * scale;
                scratch[j] = s;
                blockMax = Math.max(blockMax, s);
            }
            float newMax = Math.max(max, blockMax);
            double blockSum = VectorKernels.sumExp(scratch, 0, newMax, scratch, 0, nb); // scratch = exp(s - max)
            if (max != newMax && max != Float.NEGATIVE_INFINITY) {
                float corr = (float) Math.exp(max - newMax);
                sum *= corr;
                VectorKernels.scaleRange(out, oOff, corr, headDim);
            }
            sum += blockSum;
            max = newMax;
            if (vh == null) weightedSum(scratch, nb, vf, kvOff + j0 * stride, stride, headDim, out, oOff);
            else weightedSumBF16(scratch, nb, vh, kvOff + j0 * stride, stride, headDim, out, oOff);
        }
        VectorKernels.scaleRange(out, oOff, (float) (1.0 / sum), headDim);
    }

    /** {@code q·k} with bfloat16 k, summed as {@link VectorKernels#dotF} sums. */
    private static float dotBF16(float[] q, int qi, short[] k, int ki, int n) {
        FloatVector acc0 = FloatVector.zero(S), acc1 = FloatVector.zero(S);
        int i = 0;
        for (; i + 2 * L <= n; i += 2 * L) {
            acc0 = FloatVector.fromArray(S, q, qi + i).fma(bf16(k, ki + i), acc0);
            acc1 = FloatVector.fromArray(S, q, qi + i + L).fma(bf16(k, ki + i + L), acc1);
        }
        for (; i + L <= n; i += L)
            acc0 = FloatVector.fromArray(S, q, qi + i).fma(bf16(k, ki + i), acc0);
        float s = VectorMath.sumLanes(acc0.add(acc1));
        for (; i < n; i++) s += q[qi + i] * bf16ToFloat(k[ki + i]);
        return s;
    }

    /**
     * {@code out += Σ_j p[j]·v_j} over {@code nb} positions. Four vectors of out are held across
     * the positions, so four multiply-add chains run side by side (one chain waits out the FMA
     * latency at every position); each output element still sums its positions in order, from
     * the value it had, so the bits are those of one vector at a time.
     */
    private static void weightedSum(float[] p, int nb, float[] v, int vi, int stride, int headDim, float[] out, int oi) {
        int d = 0;
        for (; d + 4 * L <= headDim; d += 4 * L) {
            FloatVector a0 = FloatVector.fromArray(S, out, oi + d), a1 = FloatVector.fromArray(S, out, oi + d + L);
            FloatVector a2 = FloatVector.fromArray(S, out, oi + d + 2 * L), a3 = FloatVector.fromArray(S, out, oi + d + 3 * L);
            for (int j = 0, vj = vi + d; j < nb; j++, vj += stride) {
                FloatVector pj = FloatVector.broadcast(S, p[j]);
                a0 = FloatVector.fromArray(S, v, vj).fma(pj, a0);
                a1 = FloatVector.fromArray(S, v, vj + L).fma(pj, a1);
                a2 = FloatVector.fromArray(S, v, vj + 2 * L).fma(pj, a2);
                a3 = FloatVector.fromArray(S, v, vj + 3 * L).fma(pj, a3);
            }
            a0.intoArray(out, oi + d);
            a1.intoArray(out, oi + d + L);
            a2.intoArray(out, oi + d + 2 * L);
            a3.intoArray(out, oi + d + 3 * L);
        }
        for (; d + L <= headDim; d += L) {
            FloatVector acc = FloatVector.fromArray(S, out, oi + d);
            for (int j = 0; j < nb; j++)
                acc = FloatVector.fromArray(S, v, vi + j * stride + d).fma(FloatVector.broadcast(S, p[j]), acc);
            acc.intoArray(out, oi + d);
        }
        for (; d < headDim; d++) {
            float acc = out[oi + d];
            for (int j = 0; j < nb; j++) acc += p[j] * v[vi + j * stride + d];
            out[oi + d] = acc;
        }
    }

    /** {@link #weightedSum} over bfloat16 values. */
    private static void weightedSumBF16(float[] p, int nb, short[] v, int vi, int stride, int headDim, float[] out, int oi) {
        int d = 0;
        for (; d + 4 * L <= headDim; d += 4 * L) {
            FloatVector a0 = FloatVector.fromArray(S, out, oi + d), a1 = FloatVector.fromArray(S, out, oi + d + L);
            FloatVector a2 = FloatVector.fromArray(S, out, oi + d + 2 * L), a3 = FloatVector.fromArray(S, out, oi + d + 3 * L);
            for (int j = 0, vj = vi + d; j < nb; j++, vj += stride) {
                FloatVector pj = FloatVector.broadcast(S, p[j]);
                a0 = bf16(v, vj).fma(pj, a0);
                a1 = bf16(v, vj + L).fma(pj, a1);
                a2 = bf16(v, vj + 2 * L).fma(pj, a2);
                a3 = bf16(v, vj + 3 * L).fma(pj, a3);
            }
            a0.intoArray(out, oi + d);
            a1.intoArray(out, oi + d + L);
            a2.intoArray(out, oi + d + 2 * L);
            a3.intoArray(out, oi + d + 3 * L);
        }
        for (; d + L <= headDim; d += L) {
            FloatVector acc = FloatVector.fromArray(S, out, oi + d);
            for (int j = 0; j < nb; j++)
                acc = bf16(v, vi + j * stride + d).fma(FloatVector.broadcast(S, p[j]), acc);
            acc.intoArray(out, oi + d);
        }
        for (; d < headDim; d++) {
            float acc = out[oi + d];
            for (int j = 0; j < nb; j++) acc += p[j] * bf16ToFloat(v[vi + j * stride + d]);
            out[oi + d] = acc;
        }
    }

    // ================================================================== element-wise steps of RoPE models

    @Override
    public void rmsNorm(float[] x, int xOff, float[] w, int wOff, float eps, float[] out, int oOff, int n) {
        int ub = S.loopBound(n), i = 0;
        FloatVector acc = FloatVector.zero(S);
        for (; i < ub; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, xOff + i);
            acc = v.fma(v, acc);
        }
        double ss = VectorMath.sumLanes(acc);
        for (; i < n; i++) ss += (double) x[xOff + i] * x[xOff + i];
        float r = rsqrt((float) (ss / n), eps);
        for (i = 0; i < ub; i += L)
            FloatVector.fromArray(S, x, xOff + i).mul(r).mul(FloatVector.fromArray(S, w, wOff + i)).intoArray(out, oOff + i);
        for (; i < n; i++) out[oOff + i] = (x[xOff + i] * r) * w[wOff + i];
    }

    @Override
    public void siluMul(float[] g, int gOff, float[] u, int uOff, float[] out, int oOff, int n) {
        int ub = S.loopBound(n), i = 0;
        for (; i < ub; i += L) FloatVector.fromArray(S, g, gOff + i).neg().intoArray(out, oOff + i);
        VectorMath.expSum(out, oOff, 0f, out, oOff, ub);                 // out = e^-g
        for (i = 0; i < ub; i += L) {
            FloatVector gv = FloatVector.fromArray(S, g, gOff + i);
            gv.div(FloatVector.fromArray(S, out, oOff + i).add(1f)).mul(FloatVector.fromArray(S, u, uOff + i)).intoArray(out, oOff + i);
        }
        if (i < n) super.siluMul(g, gOff + i, u, uOff + i, out, oOff + i, n - i);
    }

    @Override
    public void rope(float[] x, int xOff, float[] cos, float[] sin, int tOff, int headDim) {
        int half = headDim / 2, ub = S.loopBound(half), i = 0;
        for (; i < ub; i += L) {
            FloatVector x1 = FloatVector.fromArray(S, x, xOff + i), x2 = FloatVector.fromArray(S, x, xOff + half + i);
            x1.mul(FloatVector.fromArray(S, cos, tOff + i)).add(x2.neg().mul(FloatVector.fromArray(S, sin, tOff + i))).intoArray(x, xOff + i);
            x2.mul(FloatVector.fromArray(S, cos, tOff + half + i)).add(x1.mul(FloatVector.fromArray(S, sin, tOff + half + i)))
                    .intoArray(x, xOff + half + i);
        }
        for (; i < half; i++) {
            float x1 = x[xOff + i], x2 = x[xOff + half + i];
            x[xOff + i] = x1 * cos[tOff + i] + (-x2) * sin[tOff + i];
            x[xOff + half + i] = x2 * cos[tOff + half + i] + x1 * sin[tOff + half + i];
        }
    }
}
