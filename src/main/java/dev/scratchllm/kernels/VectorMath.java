package dev.scratchllm.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@code exp}, {@code tanh} and the sum of a vector's lanes for {@link VectorKernels}, written so
 * that they give the same bits whichever way the JVM runs them: interpreted, compiled by C1 or
 * compiled by C2.
 *
 * <p>Why: the Vector API's own {@code lanewise(EXP)}, {@code lanewise(TANH)} and
 * {@code reduceLanes(ADD)} do not. C2 compiles the first two to a vector math library and the
 * third to a tree of shuffles, while the interpreter and C1 run the Java fallback ({@code Math.exp}
 * and {@code Math.tanh} per lane, lanes added left to right). The same forward pass then gave
 * logits up to 1e-6 apart before and after the JIT had compiled the kernels, and two identical
 * training runs wrote different checkpoints. Here every step is one IEEE operation that each tier
 * computes exactly the same way: add, multiply, {@code fma} (exact everywhere: {@code Math.fma}
 * in the fallback, the FMA instruction when compiled), min/max, bit moves and constant shuffles.
 * The elements past the last whole vector (a loop's tail, and whole rows shorter than a vector,
 * like the book's 6-token softmax) take {@code StrictMath.exp}/{@code StrictMath.tanh}, which
 * give the same bits everywhere by specification and are nearly correctly rounded, so short rows
 * keep the values (and the book's printed digits) they had. {@link #exp(float)} and
 * {@link #tanh(float)} compute one lane of the vector loops, for the tests.
 *
 * <p>What it does not do: it is not correctly rounded. {@code exp} is the Cephes single-precision
 * polynomial (at most 2 ulp from the exact value over the float range, subnormal results
 * included), {@code tanh} Cephes' {@code tanhf} (an odd polynomial below 0.625, else
 * {@code 1 - 2/(e^2|x| + 1)}; at most 3 ulp). {@link ScalarKernels} keeps {@code Math.exp} and
 * {@code Math.tanh} (HotSpot runs them through the same stub in every tier) as the reference;
 * the tests hold both to the same tolerances. See {@code docs/determinism.md}.
 */
final class VectorMath {

    private VectorMath() {
    }

    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private static FloatVector bc(float c) {
        return FloatVector.broadcast(S, c);
    }

    /** 2²³: (k + 127)·2²³ are the bits of the float 2^k. */
    private static final int EXP_ONE = 1 << 23;

    // ---------------------------------------------------------------- exp

    /** Below this, e^x is under half the smallest subnormal: 0. */
    private static final float EXP_LO = -104f;
    /** Above this, e^x overflows: +∞. */
    private static final float EXP_HI = 89f;
    private static final float LOG2E = 1.44269504088896341f;
    /** 1.5·2²³: adding it rounds to an integer and leaves that integer in the low mantissa bits. */
    private static final float ROUND_MAGIC = 12582912f;
    private static final int ROUND_MAGIC_BITS = 0x4B400000;
    /** ln 2 in two parts (Cephes): C1 has few bits, so x − n·C1 − n·C2 keeps the residual's bits. */
    private static final float LN2_C1 = 0.693359375f, LN2_C2 = -2.12194440e-4f;
    private static final float P0 = 1.9875691500e-4f, P1 = 1.3981999507e-3f, P2 = 8.3334519073e-3f,
            P3 = 4.1665795894e-2f, P4 = 1.6666665459e-1f, P5 = 5.0000001201e-1f;
    // the same constants as vectors: fewer nodes for the JIT than a broadcast in the loop
    private static final FloatVector V_LN2_C1 = bc(-LN2_C1), V_LN2_C2 = bc(-LN2_C2),
            V_P2 = bc(P2), V_P3 = bc(P3), V_P4 = bc(P4), V_P5 = bc(P5);

    /** Elements summed in float vector lanes per block of this many, then added into a double. */
    static final int SUM_BLOCK = 1024;

    /** One vector's lanes per thread, for {@link #sumStoredLanes}. */
    private static final ThreadLocal<float[]> LANES = ThreadLocal.withInitial(() -> new float[L]);

    /**
     * The sum of {@code t[0 … L)} in {@link #sumLanes}'s order (lane i + h into lane i for
     * h = L/2 … 1; lanes at or above h never reach lane 0), so the same bits; overwrites t.
     *
     * @param t one vector's lanes
     * @return their sum
     */
    static float sumStoredLanes(float[] t) {
        return sumStoredLanes(t, 0);
    }

    /**
     * {@link #sumStoredLanes(float[])} over {@code t[off … off + L)}.
     *
     * @param t holds one vector's lanes from {@code off}
     * @param off the first lane's index
     * @return their sum
     */
    static float sumStoredLanes(float[] t, int off) {
        for (int h = L / 2; h >= 1; h >>= 1)
            for (int i = 0; i < h; i++) t[off + i] += t[off + i + h];
        return t[off];
    }

    /**
     * {@code out[oi+c] = e^(x[xi+c] − shift)} for c in [0, n) (skipped when out is null; out may be
     * x itself) and their sum: float lanes over each block of {@link #SUM_BLOCK} elements, the
     * lanes added in the {@link #HALVES} tree, the blocks and the scalar tail added in double.
     * The tail past the last whole vector takes {@code StrictMath.exp}. The loop is written out here rather than
     * calling a vector-valued helper: a helper the JIT does not inline passes its vectors as
     * heap objects, many times slower.
     *
     * @param x the arguments
     * @param xi the first argument's index
     * @param shift subtracted from every argument first
     * @param out where e^(x − shift) goes, or null
     * @param oi the first result's index
     * @param n how many elements
     * @return Σ e^(x − shift)
     */
    static double expSum(float[] x, int xi, float shift, float[] out, int oi, int n) {
        double total = 0;
        int c = 0;
        while (c < n) {
            int e = Math.min(n, c + SUM_BLOCK), ub = c + S.loopBound(e - c);
            FloatVector acc = FloatVector.zero(S);
            for (; c < ub; c += L) {
                FloatVector v = FloatVector.fromArray(S, x, xi + c).sub(shift).max(EXP_LO).min(EXP_HI);
                // n = round(v·log2 e), exactly, and its integer from the bits of t
                FloatVector t = v.fma(LOG2E, ROUND_MAGIC);
                FloatVector nf = t.sub(ROUND_MAGIC);
                IntVector ni = t.viewAsIntegralLanes().sub(ROUND_MAGIC_BITS);
                // r = v − n·ln 2 in [−0.35, 0.35]
                FloatVector r = nf.fma(V_LN2_C1, v);
                r = nf.fma(V_LN2_C2, r);
                FloatVector p = r.fma(P0, P1);
                p = p.fma(r, V_P2);
                p = p.fma(r, V_P3);
                p = p.fma(r, V_P4);
                p = p.fma(r, V_P5);
                FloatVector y = p.fma(r.mul(r), r).add(1f);
                // y·2ⁿ as y·2^n1·2^(n−n1), n1 = round(n/2): both factors are normal floats for n in [−150, 129]
                IntVector n1 = nf.fma(0.5f, ROUND_MAGIC).viewAsIntegralLanes().sub(ROUND_MAGIC_BITS);
                FloatVector s1 = n1.add(127).mul(EXP_ONE).viewAsFloatingLanes();
                FloatVector s2 = ni.sub(n1).add(127).mul(EXP_ONE).viewAsFloatingLanes();
                y = y.mul(s1).mul(s2);
                if (out != null) y.intoArray(out, oi + c);
                acc = acc.add(y);
            }
            // sumLanes's tree on the stored lanes: the loop above is big enough that C2 stops inlining
            // (NodeCountInliningCutoff) inside sumLanes, and the vector would go to the heap
            float[] lanes = LANES.get();
            acc.intoArray(lanes, 0);
            double sum = sumStoredLanes(lanes);
            for (; c < e; c++) {
                float y = (float) StrictMath.exp(x[xi + c] - shift);
                if (out != null) out[oi + c] = y;
                sum += y;
            }
            total += sum;
        }
        return total;
    }

    /**
     * e^x with the operations of {@link #expSum}'s vector loop, one lane at a time: the same bits
     * (the tests check the lanes with it).
     *
     * @param x the argument
     * @return e^x
     */
    static float exp(float x) {
        x = Math.min(Math.max(x, EXP_LO), EXP_HI);
        float t = Math.fma(x, LOG2E, ROUND_MAGIC);
        float n = t - ROUND_MAGIC;
        int ni = Float.floatToRawIntBits(t) - ROUND_MAGIC_BITS;
        float r = Math.fma(n, -LN2_C1, x);
        r = Math.fma(n, -LN2_C2, r);
        float p = Math.fma(r, P0, P1);
        p = Math.fma(p, r, P2);
        p = Math.fma(p, r, P3);
        p = Math.fma(p, r, P4);
        p = Math.fma(p, r, P5);
        float y = Math.fma(p, r * r, r) + 1f;
        int n1 = Float.floatToRawIntBits(Math.fma(n, 0.5f, ROUND_MAGIC)) - ROUND_MAGIC_BITS;
        float s1 = Float.intBitsToFloat((n1 + 127) * EXP_ONE), s2 = Float.intBitsToFloat((ni - n1 + 127) * EXP_ONE);
        return y * s1 * s2;
    }

    // ---------------------------------------------------------------- tanh

    /** Below this |x| the odd polynomial, above it 1 − 2/(e^2|x| + 1) (Cephes tanhf). */
    private static final float TANH_SMALL = 0.625f;
    private static final float T0 = -5.70498872745e-3f, T1 = 2.06390887954e-2f, T2 = -5.37397155531e-2f,
            T3 = 1.33314422036e-1f, T4 = -3.33332819422e-1f;
    private static final int SIGN = 0x80000000;
    private static final FloatVector V_T2 = bc(T2), V_T3 = bc(T3), V_T4 = bc(T4), V_ONE = bc(1f), V_TWO = bc(2f);
    /** tanh works through a scratch chunk of this many elements. */
    private static final int TANH_CHUNK = 256;

    /**
     * {@code out[oi+c] = tanh(x[xi+c])} for c in [0, n) (out may be x itself), with
     * {@code tanh(±∞) = ±1}, {@code tanh(−0) = −0}, NaN for NaN. The exp of the large branch is
     * {@link #expSum}'s.
     *
     * @param x the arguments
     * @param xi the first argument's index
     * @param out where the results go
     * @param oi the first result's index
     * @param n how many elements
     */
    static void tanh(float[] x, int xi, float[] out, int oi, int n) {
        float[] e = new float[Math.min(n, TANH_CHUNK)];
        for (int c0 = 0; c0 < n; c0 += TANH_CHUNK) {
            int len = Math.min(TANH_CHUNK, n - c0), xc = xi + c0, oc = oi + c0;
            // e = e^(2|x|), by expSum (three short loops: one long loop body is more than the JIT
            // compiles well, and a vector-valued helper is not always inlined)
            int c = 0, ub = S.loopBound(len);
            for (; c < ub; c += L) {
                FloatVector a = FloatVector.fromArray(S, x, xc + c).abs();
                a.add(a).intoArray(e, c);
            }
            for (; c < len; c++) {
                float a = Math.abs(x[xc + c]);
                e[c] = a + a;
            }
            expSum(e, 0, 0f, e, 0, len);
            for (c = 0; c < ub; c += L) {
                IntVector xb = FloatVector.fromArray(S, x, xc + c).viewAsIntegralLanes();
                FloatVector a = xb.and(~SIGN).viewAsFloatingLanes();   // |x|
                FloatVector big = V_ONE.sub(V_TWO.div(FloatVector.fromArray(S, e, c).add(1f)));
                FloatVector z = a.mul(a);                               // small: a + a·z·P(z)
                FloatVector q = z.fma(T0, T1);
                q = q.fma(z, V_T2);
                q = q.fma(z, V_T3);
                q = q.fma(z, V_T4);
                FloatVector small = q.mul(z).fma(a, a);
                FloatVector res = small.blend(big, a.compare(VectorOperators.GT, TANH_SMALL));
                res.viewAsIntegralLanes().or(xb.and(SIGN)).viewAsFloatingLanes().intoArray(out, oc + c);
            }
            for (; c < len; c++) out[oc + c] = (float) StrictMath.tanh(x[xc + c]);
        }
    }

    /**
     * tanh(x) with the operations of the vector loop of {@link #tanh(float[], int, float[], int, int)},
     * one lane at a time: the same bits (the tests check the lanes with it).
     *
     * @param x the argument
     * @return tanh(x)
     */
    static float tanh(float x) {
        int xb = Float.floatToRawIntBits(x);
        float a = Float.intBitsToFloat(xb & ~SIGN);
        float r;
        if (a > TANH_SMALL) {
            float e = exp(a + a);
            r = 1f - 2f / (e + 1f);
        } else {
            float z = a * a;
            float p = Math.fma(z, T0, T1);
            p = Math.fma(p, z, T2);
            p = Math.fma(p, z, T3);
            p = Math.fma(p, z, T4);
            r = Math.fma(p * z, a, a);
        }
        return Float.intBitsToFloat(Float.floatToRawIntBits(r) | (xb & SIGN));
    }

    // ---------------------------------------------------------------- sum of lanes

    /** Shuffles that bring lane i + h to lane i (wrapping); null where h is not below L. */
    private static final VectorShuffle<Float> H8 = shift(8), H4 = shift(4), H2 = shift(2), H1 = shift(1);

    private static VectorShuffle<Float> shift(int h) {
        return h < L ? VectorShuffle.iota(S, h, 1, true) : null;
    }

    /**
     * The sum of the lanes in a fixed order: lane i + L/2 is added to lane i, then i + L/4 … (for
     * 8 lanes ((v0+v4) + (v2+v6)) + ((v1+v5) + (v3+v7))), in every tier the same. It replaces
     * {@code v.reduceLanes(ADD)}, whose order differs between C2 and the fallback. Every method on
     * this path is under the JIT's trivial-inlining size (35 bytes of bytecode) and the shuffles
     * are constants, so the vector stays in a register (a vector passed to a method the JIT does
     * not inline becomes a heap object, and a shuffle loaded from an array is not intrinsified).
     *
     * @param v the vector
     * @return the sum of its lanes
     */
    static float sumLanes(FloatVector v) {
        return fold1(fold2(fold4(fold8(foldWide(v))))).lane(0);
    }

    private static FloatVector foldWide(FloatVector v) {
        return L > 16 ? foldWideSteps(v) : v;
    }

    /** The steps h = L/2 … 16 for vectors wider than 16 lanes (no such x86 CPU; not tuned). */
    private static FloatVector foldWideSteps(FloatVector v) {
        for (int h = L / 2; h >= 16; h /= 2) v = v.add(v.rearrange(VectorShuffle.iota(S, h, 1, true)));
        return v;
    }

    private static FloatVector fold8(FloatVector v) {
        return L >= 16 ? v.add(v.rearrange(H8)) : v;
    }

    private static FloatVector fold4(FloatVector v) {
        return L >= 8 ? v.add(v.rearrange(H4)) : v;
    }

    private static FloatVector fold2(FloatVector v) {
        return L >= 4 ? v.add(v.rearrange(H2)) : v;
    }

    private static FloatVector fold1(FloatVector v) {
        return L >= 2 ? v.add(v.rearrange(H1)) : v;
    }
}
