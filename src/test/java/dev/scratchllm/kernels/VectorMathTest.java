package dev.scratchllm.kernels;

import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link VectorMath}: exp and tanh against the double-precision {@code Math.exp}/{@code Math.tanh}
 * (in float ulps of the exact value), special values, the one-lane versions bit for bit equal to
 * the vector lanes, {@code StrictMath} in the tails, and the lane sum's fixed pairwise order.
 */
class VectorMathTest {

    static final int L = VectorMath.S.length();

    /** |got − want| in units of the float spacing at want (the subnormal spacing below the normals). */
    static double ulps(float got, double want) {
        float w = (float) want;
        if (Float.isInfinite(w) || Float.isInfinite(got)) return got == w ? 0 : Double.POSITIVE_INFINITY;
        double ulp = Math.ulp(Math.max(Math.abs(w), Float.MIN_NORMAL));
        if (Math.abs(w) >= Float.MIN_NORMAL && Math.abs(want) < Math.abs(w)) ulp = Math.ulp(Math.nextDown(Math.abs(w)));
        return Math.abs(got - want) / ulp;
    }

    static float[] inputs(float lo, float hi) {
        Random r = new Random(11);
        float[] x = new float[1 << 20];
        for (int i = 0; i < x.length; i++) x[i] = lo + (hi - lo) * r.nextFloat();
        // and every float in a few narrow windows where the formulas switch
        float[] edges = {0f, 0.625f, -0.625f, 88.7f, -87.3f, -103.9f, 1e-20f, 0.3465f, -0.3465f};
        for (int e = 0; e < edges.length; e++) {
            float v = edges[e];
            for (int j = 0; j < 1000; j++, v = Math.nextUp(v)) x[e * 1000 + j] = v;
        }
        return x;
    }

    static float[] expOf(float[] x) {
        float[] out = new float[x.length];
        VectorMath.expSum(x, 0, 0f, out, 0, x.length);
        return out;
    }

    static float[] tanhOf(float[] x) {
        float[] out = new float[x.length];
        VectorMath.tanh(x, 0, out, 0, x.length);
        return out;
    }

    @Test
    void expIsWithinOneUlpAndTheScalarTwinGivesTheSameBits() {
        float[] x = inputs(-104f, 89f);
        float[] v = expOf(x);
        double worst = 0;
        for (int i = 0; i < x.length; i++) {
            float s = VectorMath.exp(x[i]);
            assertThat(Float.floatToRawIntBits(s)).as("exp(%s): scalar %s, vector %s", x[i], s, v[i]).isEqualTo(Float.floatToRawIntBits(v[i]));
            worst = Math.max(worst, ulps(s, Math.exp(x[i])));
        }
        System.out.println("exp worst ulps " + worst);
        assertThat(worst).isLessThanOrEqualTo(1.0);
    }

    @Test
    void tanhIsWithinOneAndAHalfUlpsAndTheScalarTwinGivesTheSameBits() {
        float[] x = inputs(-12f, 12f);
        float[] v = tanhOf(x);
        double worst = 0;
        for (int i = 0; i < x.length; i++) {
            float s = VectorMath.tanh(x[i]);
            assertThat(Float.floatToRawIntBits(s)).as("tanh(%s): scalar %s, vector %s", x[i], s, v[i]).isEqualTo(Float.floatToRawIntBits(v[i]));
            worst = Math.max(worst, ulps(s, Math.tanh(x[i])));
        }
        System.out.println("tanh worst ulps " + worst);
        assertThat(worst).isLessThanOrEqualTo(1.5);
    }

    @Test
    void specialValues() {
        float[] x = {Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY, Float.NaN, -0f, 0f, -1000f, 1000f, 88.72283f, 88.72284f, -103.97208f, -87.33655f, Float.MIN_VALUE, -Float.MAX_VALUE, Float.MAX_VALUE};
        float[] xs = new float[((x.length + L - 1) / L) * L];
        System.arraycopy(x, 0, xs, 0, x.length);
        float[] ve = expOf(xs), vt = tanhOf(xs);
        for (int i = 0; i < x.length; i++) {
            double we = Math.exp(x[i]), wt = Math.tanh(x[i]);
            assertThat(Float.floatToRawIntBits(ve[i])).as("exp(%s)", x[i]).isEqualTo(Float.floatToRawIntBits(VectorMath.exp(x[i])));
            assertThat(Float.floatToRawIntBits(vt[i])).as("tanh(%s)", x[i]).isEqualTo(Float.floatToRawIntBits(VectorMath.tanh(x[i])));
            if (Double.isNaN(we)) assertThat(ve[i]).isNaN();
            else assertThat(ulps(ve[i], we)).as("exp(%s) = %s, want %s", x[i], ve[i], we).isLessThanOrEqualTo(1.0);
            if (Double.isNaN(wt)) assertThat(vt[i]).isNaN();
            else assertThat(ulps(vt[i], wt)).as("tanh(%s) = %s, want %s", x[i], vt[i], wt).isLessThanOrEqualTo(1.5);
        }
        assertThat(VectorMath.exp(Float.NEGATIVE_INFINITY)).isEqualTo(0f);
        assertThat(VectorMath.exp(Float.POSITIVE_INFINITY)).isEqualTo(Float.POSITIVE_INFINITY);
        assertThat(Float.floatToRawIntBits(VectorMath.tanh(-0f))).isEqualTo(Float.floatToRawIntBits(-0f));
        assertThat(VectorMath.tanh(Float.NEGATIVE_INFINITY)).isEqualTo(-1f);
    }

    @Test
    void theLaneSumAndExpSumAddInAFixedOrder() {
        Random r = new Random(5);
        for (int n : new int[] {1, L - 1, L, L + 3, 1000, 1024, 1025, 3000 + L / 2}) {
            float[] x = new float[n + 2];
            for (int i = 0; i < x.length; i++) x[i] = (float) (r.nextGaussian() * 4);
            float shift = 1.25f;
            float[] out = new float[n + 1];
            double got = VectorMath.expSum(x, 2, shift, out, 1, n);
            // the order written out: per block of 1024, float lanes (element i in lane i mod L),
            // the lanes folded upper half onto lower half, the tail and the blocks added in double
            double want = 0;
            for (int b = 0; b < n; b += VectorMath.SUM_BLOCK) {
                int e = Math.min(n, b + VectorMath.SUM_BLOCK), vecEnd = b + (e - b) / L * L;
                float[] lanes = new float[L];
                for (int i = b; i < vecEnd; i++) lanes[(i - b) % L] += out[1 + i];
                for (int h = L / 2; h >= 1; h /= 2) for (int i = 0; i < h; i++) lanes[i] = lanes[i] + lanes[i + h];
                double s = lanes[0];
                for (int i = vecEnd; i < e; i++) s += out[1 + i];
                want += s;
            }
            assertThat(got).as("n=%d", n).isEqualTo(want);
            // the lanes: VectorMath.exp; past the last whole vector of each block: StrictMath.exp
            for (int i = 0; i < n; i++) {
                int b = i / VectorMath.SUM_BLOCK * VectorMath.SUM_BLOCK, e = Math.min(n, b + VectorMath.SUM_BLOCK);
                boolean lane = i < b + (e - b) / L * L;
                float want1 = lane ? VectorMath.exp(x[2 + i] - shift) : (float) StrictMath.exp(x[2 + i] - shift);
                assertThat(Float.floatToRawIntBits(out[1 + i])).as("n=%d, i=%d", n, i).isEqualTo(Float.floatToRawIntBits(want1));
            }
            assertThat(out[0]).isEqualTo(0f); // nothing written before oi
            assertThat(VectorMath.expSum(x, 2, shift, null, 0, n)).isEqualTo(want);
        }
    }

    @Test
    void sumLanesFoldsTheUpperHalfOntoTheLowerHalf() {
        Random r = new Random(6);
        float[] x = new float[L];
        for (int rep = 0; rep < 1000; rep++) {
            for (int i = 0; i < L; i++) x[i] = (float) (r.nextGaussian() * Math.pow(10, r.nextInt(7) - 3));
            float[] t = x.clone();
            for (int h = L / 2; h >= 1; h /= 2) for (int i = 0; i < h; i++) t[i] = t[i] + t[i + h];
            float got = VectorMath.sumLanes(FloatVector.fromArray(VectorMath.S, x, 0));
            assertThat(Float.floatToRawIntBits(got)).as("rep %d", rep).isEqualTo(Float.floatToRawIntBits(t[0]));
        }
    }
}
