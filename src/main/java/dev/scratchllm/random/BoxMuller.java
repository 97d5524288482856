/*
 * BoxMuller: the arithmetic of PyTorch's normal_ kernels, step for step, so that the results are
 * bit-identical with PyTorch 1.13 on x86-64 at AVX2 dispatch: the float32 16-element blocks of
 * normal_fill_16_AVX2 (Cephes log256_ps / sincos256_ps, with the FMAs GCC fused), and the
 * float64 16-element blocks of normal_fill_16.
 *
 * It does not draw random numbers (Generator fills the uniforms in first), does not pick
 * between the paths (Generator does, by element count and contiguity, as PyTorch does), and
 * does not hold the scalar path with its cached spare (that lives in Generator).
 * Float32 results differ from PyTorch builds that use libm logf/sinf/cosf instead (arm64,
 * non-AVX2 x86) in about 1.5% of values, by 1-3 ulp: see torch-rng.md section 8.
 *
 * It is plain scalar Java, branch-free like the AVX code. A Vector API version (eight lanes)
 * was about twice as fast once compiled, but loading the incubator module and waiting for the
 * JIT cost seconds on first use, more than it saves on a one-off model init, so it was dropped.
 */
package dev.scratchllm.random;

/** Box-Muller transforms matching PyTorch's CPU kernels bit for bit. Package-private. */
final class BoxMuller {
    private BoxMuller() {
    }

    private static float f(int bits) {
        return Float.intBitsToFloat(bits);
    }

    // Cephes logf polynomial, as in avx_mathfun.h (bit patterns from torch-rng.md 5.2)
    private static final float P0 = f(0x3d9021bb);
    private static final float P1 = f(0xbdebd1b8);
    private static final float P2 = f(0x3def251a);
    private static final float P3 = f(0xbdfe5d4f);
    private static final float P4 = f(0x3e11e9bf);
    private static final float P5 = f(0xbe2aae50);
    private static final float P6 = f(0x3e4cceac);
    private static final float P7 = f(0xbe7ffffc);
    private static final float P8 = f(0x3eaaaaaa);
    private static final float Q1 = f(0xb95e8083);
    private static final float Q2 = f(0x3f318000);
    // Cephes sincosf
    private static final float FOPI = f(0x3fa2f983);
    private static final float DP1 = f(0xbf490000);
    private static final float DP2 = f(0xb97da000);
    private static final float DP3 = f(0xb3222169);
    private static final float S0 = f(0xb94ca1f9);
    private static final float S1 = f(0x3c08839e);
    private static final float S2 = f(0xbe2aaaa3);
    private static final float C0 = f(0x37ccf5ce);
    private static final float C1 = f(0xbab6061a);
    private static final float C2 = f(0x3d2aaaa5);
    /** 2π rounded to float (the double 2π rounded), the AVX kernel's angle factor. */
    static final float TWO_PI_F = f(0x40c90fdb);

    /** 2π in double, multiplied first as PyTorch's {@code 2.0 * pi<double> * u} does. */
    static final double TWO_PI = 2.0 * Math.PI;

    /** Cephes SQRTHF, sqrt(1/2) as a float, as bits. */
    private static final int SQRTHF_BITS = 0x3f3504f3;
    private static final int ONE_BITS = 0x3f800000;

    /**
     * {@code log256_ps} for one lane, for x in [2^-24, 1] (the only inputs the normal kernel
     * gives it: {@code 1 - U24}). The AVX code first clamps x to the smallest normal float; no
     * input here is below it, so the clamp is left out. Branch-free, as the vector code is.
     */
    static float logf(float x) {
        int bits = Float.floatToRawIntBits(x);
        int eb = bits >>> 23;
        int mBits = (bits & 0x807FFFFF) | 0x3F000000;
        float m = Float.intBitsToFloat(mBits);
        // lt = all ones when m < SQRTHF (both positive, so the int compare is the float compare)
        int lt = (mBits - SQRTHF_BITS) >> 31;
        float e = ((float) (eb - 127) + 1f) - Float.intBitsToFloat(ONE_BITS & lt);
        float t = (m - 1f) + Float.intBitsToFloat(mBits & lt);
        float z = t * t;
        float y = P0;
        y = Math.fma(y, t, P1);
        y = Math.fma(y, t, P2);
        y = Math.fma(y, t, P3);
        y = Math.fma(y, t, P4);
        y = Math.fma(y, t, P5);
        y = Math.fma(y, t, P6);
        y = Math.fma(y, t, P7);
        y = Math.fma(y, t, P8);
        y = y * t;
        y = Math.fma(y, z, e * Q1);
        y = y - z * 0.5f;
        float r = t + y;
        return r + e * Q2;
    }

    /**
     * One 16-element block of the float32 AVX2 kernel: {@code d[off..off+8)} hold the radius
     * uniforms, {@code d[off+8..off+16)} the angle uniforms; both halves are replaced by normals.
     * Branch-free like the AVX code (the selections and sign flips are bit masks), which also
     * keeps the CPU from mispredicting on random data.
     */
    static void block16Float(float[] d, int off, float mean, float std) {
        for (int j = 0; j < 8; j++) {
            float u1 = 1f - d[off + j];
            float u2 = d[off + j + 8];
            float r = (float) Math.sqrt(-2f * logf(u1));
            sincosStore(d, off + j, r, TWO_PI_F * u2, mean, std);
        }
    }

    /**
     * {@code sincos256_ps} for one lane and the final scaling: with {@code (s, c) = sincos(th)},
     * stores {@code fma(r*c, std, mean)} at {@code d[p]} and {@code fma(r*s, std, mean)} at
     * {@code d[p+8]}.
     */
    static void sincosStore(float[] d, int p, float r, float th, float mean, float std) {
        int thBits = Float.floatToRawIntBits(th);
        float a = Float.intBitsToFloat(thBits & 0x7FFFFFFF);
        int k = (int) (a * FOPI);
        k = (k + 1) & ~1;
        float yk = (float) k;
        a = Math.fma(yk, DP1, a);
        a = Math.fma(yk, DP2, a);
        a = Math.fma(yk, DP3, a);
        int signS = (thBits & 0x80000000) ^ ((k & 4) << 29);
        int signC = (~(k - 2) & 4) << 29;
        float z = a * a;
        float cp = Math.fma(C0, z, C1);
        cp = Math.fma(cp, z, C2);
        cp = cp * z;
        cp = Math.fma(cp, z, -(z * 0.5f));
        cp = cp + 1f;
        float sp = Math.fma(S0, z, S1);
        sp = Math.fma(sp, z, S2);
        sp = sp * z;
        sp = Math.fma(sp, a, a);
        // poly = all ones when (k & 2) == 0: sin takes the sin polynomial, cos the cos one
        int poly = ((k & 2) - 1) >> 31;
        int spBits = Float.floatToRawIntBits(sp);
        int cpBits = Float.floatToRawIntBits(cp);
        // the AVX code adds the two masked halves, i.e. the selected value plus +0
        float s = Float.intBitsToFloat((spBits & poly) | (cpBits & ~poly)) + 0f;
        float c = Float.intBitsToFloat((cpBits & poly) | (spBits & ~poly)) + 0f;
        s = Float.intBitsToFloat(Float.floatToRawIntBits(s) ^ signS);
        c = Float.intBitsToFloat(Float.floatToRawIntBits(c) ^ signC);
        d[p] = Math.fma(r * c, std, mean);
        d[p + 8] = Math.fma(r * s, std, mean);
    }

    /** One 16-element block of the float64 kernel ({@code normal_fill_16<double>}). */
    static void block16Double(double[] d, int off, double mean, double std) {
        for (int j = 0; j < 8; j++) {
            double u1 = 1 - d[off + j];
            double u2 = d[off + j + 8];
            double radius = Math.sqrt(-2 * StrictMath.log(u1));
            double theta = TWO_PI * u2;
            d[off + j] = Math.fma(radius * StrictMath.cos(theta), std, mean);
            d[off + j + 8] = Math.fma(radius * StrictMath.sin(theta), std, mean);
        }
    }
}
