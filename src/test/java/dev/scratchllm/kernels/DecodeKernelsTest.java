package dev.scratchllm.kernels;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@link DecodeKernels}: both implementations against double-precision loops written here,
 * over every vector tail of the row length (1 … 3·16+1 columns; Q8_0 over 1 … 9 blocks: two rounds of the four block accumulators and every tail), 1 … 9
 * input vectors (the 4-vector blocks and their remainders), partial row ranges, nonzero offsets,
 * with and without bias and accumulation; attention over 1 … 2·64+3 positions (the 64-position
 * blocks and their tails) and head sizes with tails. Tolerance {@code 1e-5} relative to the sum
 * of |products| (the float32 rounding of a reordered sum). Also: the Vector API version gives a
 * row the same bits whatever the number of vectors and the row range (what keeps batched
 * decoding identical to one sequence at a time).
 */
class DecodeKernelsTest {
    static final int OFF = 3;

    static DecodeKernels[] impls() {
        DecodeKernels simd = DecodeKernels.simdOrNull();
        return simd == null ? new DecodeKernels[] {new ScalarDecodeKernels()} : new DecodeKernels[] {new ScalarDecodeKernels(), simd};
    }

    static float[] rnd(Random r, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) r.nextGaussian();
        return x;
    }

    interface Weight {
        double at(int r, int c);
    }

    interface Gemv {
        void run(DecodeKernels k, int r0, int r1, int m, float[] x, int ldx, float[] bias, float[] y, int ldy, boolean acc);
    }

    /** Checks one kernel against the double-precision formula for one (rows, cols) shape. */
    static void check(String what, DecodeKernels k, int rows, int cols, Weight w, Gemv g, Random rnd) {
        for (int m : new int[] {1, 2, 3, 4, 5, 8, 9}) {
            int ldx = cols + 2, ldy = rows + 5;
            float[] x = rnd(rnd, OFF + m * ldx);
            float[] bias = rnd(rnd, OFF + rows);
            for (boolean acc : new boolean[] {false, true}) {
                for (boolean withBias : new boolean[] {false, true}) {
                    float[] y0 = rnd(rnd, OFF + m * ldy);
                    float[] y = y0.clone();
                    int r0 = rows > 2 ? 1 : 0, r1 = rows;
                    g.run(k, r0, r1, m, x, ldx, withBias ? bias : null, y, ldy, acc);
                    for (int i = 0; i < m; i++) {
                        for (int r = 0; r < rows; r++) {
                            int yi = OFF + i * ldy + r;
                            if (r < r0) {
                                assertThat(y[yi]).as("%s untouched row", what).isEqualTo(y0[yi]);
                                continue;
                            }
                            double s = 0, mag = 0;
                            for (int c = 0; c < cols; c++) {
                                double p = w.at(r, c) * x[OFF + i * ldx + c];
                                s += p;
                                mag += Math.abs(p);
                            }
                            if (withBias) s += bias[OFF + r];
                            if (acc) s += y0[yi];
                            double tol = 1e-5 * (mag + Math.abs(s) + 1e-3);
                            if (Math.abs(y[yi] - s) > tol)
                                fail(what + " " + k.name() + " rows=" + rows + " cols=" + cols + " m=" + m + " acc=" + acc
                                        + " bias=" + withBias + " [" + i + "][" + r + "]: got " + y[yi] + ", want " + s);
                        }
                    }
                }
            }
        }
    }

    @Test
    void gemvF32MatchesDoubleLoops() {
        Random rnd = new Random(1);
        for (DecodeKernels k : impls()) {
            for (int cols = 1; cols <= 49; cols++) {
                int rows = 1 + cols % 7, c = cols;
                float[] w = rnd(rnd, OFF + rows * cols);
                check("gemvF32", k, rows, cols, (r, cc) -> w[OFF + r * c + cc],
                        (kk, r0, r1, m, x, ldx, b, y, ldy, acc) -> kk.gemvF32(c, r0, r1, w, OFF, m, x, OFF, ldx, b, OFF, y, OFF, ldy, acc), rnd);
            }
        }
    }

    @Test
    void gemvBF16MatchesDoubleLoops() {
        Random rnd = new Random(2);
        for (DecodeKernels k : impls()) {
            for (int cols = 1; cols <= 49; cols++) {
                int rows = 1 + cols % 7, c = cols;
                short[] w = new short[OFF + rows * cols];
                for (int i = 0; i < w.length; i++) w[i] = ScalarDecodeKernels.floatToBf16((float) rnd.nextGaussian());
                check("gemvBF16", k, rows, cols, (r, cc) -> ScalarDecodeKernels.bf16ToFloat(w[OFF + r * c + cc]),
                        (kk, r0, r1, m, x, ldx, b, y, ldy, acc) -> kk.gemvBF16(c, r0, r1, w, OFF, m, x, OFF, ldx, b, OFF, y, OFF, ldy, acc), rnd);
            }
        }
    }

    @Test
    void gemvQ8MatchesDoubleLoops() {
        Random rnd = new Random(3);
        for (DecodeKernels k : impls()) {
            for (int blocks = 1; blocks <= 9; blocks++) {
                int cols = blocks * 32, rows = 1 + blocks % 4, nb = blocks;
                byte[] q = new byte[OFF + rows * cols];
                for (int i = 0; i < q.length; i++) q[i] = (byte) (rnd.nextInt(255) - 127);
                float[] s = rnd(rnd, OFF + rows * blocks);
                check("gemvQ8", k, rows, cols, (r, cc) -> q[OFF + r * cols + cc] * (double) s[OFF + r * nb + cc / 32],
                        (kk, r0, r1, m, x, ldx, b, y, ldy, acc) -> kk.gemvQ8(cols, r0, r1, q, OFF, s, OFF, m, x, OFF, ldx, b, OFF, y, OFF, ldy, acc), rnd);
            }
            assertThatThrownBy(() -> k.gemvQ8(33, 0, 1, new byte[33], 0, new float[2], 0, 1, new float[33], 0, 33, null, 0, new float[1], 0, 1, false))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("33");
        }
    }

    @Test
    void bf16RoundsToNearestEven() {
        assertThat(ScalarDecodeKernels.floatToBf16(1f)).isEqualTo((short) 0x3F80);
        // 1 + 2^-8 is halfway between bf16 1 and 1 + 2^-7: ties to even (1)
        assertThat(ScalarDecodeKernels.floatToBf16(Float.intBitsToFloat(0x3F808000))).isEqualTo((short) 0x3F80);
        // 1 + 3·2^-8 is halfway between 1 + 2^-7 (odd) and 1 + 2^-6: up to even
        assertThat(ScalarDecodeKernels.floatToBf16(Float.intBitsToFloat(0x3F818000))).isEqualTo((short) 0x3F82);
        assertThat(ScalarDecodeKernels.floatToBf16(Float.intBitsToFloat(0x3F808001))).isEqualTo((short) 0x3F81);
        assertThat(ScalarDecodeKernels.bf16ToFloat((short) 0xC040)).isEqualTo(-3f);
        assertThat(Float.isNaN(ScalarDecodeKernels.bf16ToFloat(ScalarDecodeKernels.floatToBf16(Float.NaN)))).isTrue();
    }

    @Test
    void simdRowsAreBitIdenticalWhateverTheBatchAndRange() {
        DecodeKernels k = DecodeKernels.simdOrNull();
        org.junit.jupiter.api.Assumptions.assumeTrue(k != null, "needs --add-modules jdk.incubator.vector");
        Random rnd = new Random(4);
        int rows = 11, cols = 96 + 5, m = 7;
        float[] w = rnd(rnd, rows * cols), x = rnd(rnd, m * cols), bias = rnd(rnd, rows);
        short[] wb = new short[w.length];
        for (int i = 0; i < w.length; i++) wb[i] = ScalarDecodeKernels.floatToBf16(w[i]);
        float[] all = new float[m * rows], one = new float[rows], allB = new float[m * rows], oneB = new float[rows];
        k.gemvF32(cols, 0, rows, w, 0, m, x, 0, cols, bias, 0, all, 0, rows, false);
        k.gemvBF16(cols, 0, rows, wb, 0, m, x, 0, cols, bias, 0, allB, 0, rows, false);
        for (int i = 0; i < m; i++) {
            for (int r = 0; r < rows; r++) {
                k.gemvF32(cols, r, r + 1, w, 0, 1, x, i * cols, cols, bias, 0, one, 0, rows, false);
                k.gemvBF16(cols, r, r + 1, wb, 0, 1, x, i * cols, cols, bias, 0, oneB, 0, rows, false);
            }
            for (int r = 0; r < rows; r++) {
                assertThat(Float.floatToRawIntBits(one[r])).as("f32 [%d][%d]", i, r).isEqualTo(Float.floatToRawIntBits(all[i * rows + r]));
                assertThat(Float.floatToRawIntBits(oneB[r])).as("bf16 [%d][%d]", i, r).isEqualTo(Float.floatToRawIntBits(allB[i * rows + r]));
            }
        }
        // Q8_0 over 1 … 9 blocks: the four block accumulators, two rounds of them, and every tail
        for (int nb = 1; nb <= 9; nb++) {
            int qc = nb * 32, ld = 9 * 32;
            byte[] q = new byte[rows * qc];
            for (int i = 0; i < q.length; i++) q[i] = (byte) (rnd.nextInt(255) - 127);
            float[] s = rnd(rnd, rows * nb), xq = rnd(rnd, m * ld);
            float[] allQ = new float[m * rows], oneQ = new float[rows];
            k.gemvQ8(qc, 0, rows, q, 0, s, 0, m, xq, 0, ld, bias, 0, allQ, 0, rows, false);
            for (int i = 0; i < m; i++) {
                for (int r = 0; r < rows; r++) k.gemvQ8(qc, r, r + 1, q, 0, s, 0, 1, xq, i * ld, ld, bias, 0, oneQ, 0, rows, false);
                for (int r = 0; r < rows; r++)
                    assertThat(Float.floatToRawIntBits(oneQ[r])).as("q8 %d blocks [%d][%d]", nb, i, r).isEqualTo(Float.floatToRawIntBits(allQ[i * rows + r]));
            }
        }
    }

    @Test
    void attendMatchesSoftmaxThenWeightedSum() {
        Random rnd = new Random(5);
        for (DecodeKernels k : impls()) {
            for (int headDim : new int[] {1, 7, 16, 17, 64, 67, 80, 95, 128}) {
                for (int n : new int[] {1, 2, 15, 63, 64, 65, 255, 256, 257, 511, 513, 700}) {
                    int stride = headDim * 3 + 1;
                    float[] q = rnd(rnd, OFF + headDim), kk = rnd(rnd, OFF + n * stride), v = rnd(rnd, OFF + n * stride);
                    // a growing trend in the scores makes the running maximum change from block to block
                    for (int j = 0; j < n; j++) kk[OFF + j * stride] += 0.05f * j * Math.signum(q[OFF]);
                    float scale = (float) (1 / Math.sqrt(headDim));
                    float[] out = new float[OFF + headDim + 2];
                    out[OFF + headDim] = 42f;
                    k.attend(q, OFF, kk, v, OFF, stride, n, headDim, scale, out, OFF, new float[DecodeKernels.ATTEND_SCRATCH]);
                    double[] p = new double[n];
                    double max = Double.NEGATIVE_INFINITY, sum = 0;
                    for (int j = 0; j < n; j++) {
                        double s = 0;
                        for (int d = 0; d < headDim; d++) s += (double) q[OFF + d] * kk[OFF + j * stride + d];
                        p[j] = s * scale;
                        max = Math.max(max, p[j]);
                    }
                    for (int j = 0; j < n; j++) sum += p[j] = Math.exp(p[j] - max);
                    for (int d = 0; d < headDim; d++) {
                        double o = 0, mag = 0;
                        for (int j = 0; j < n; j++) {
                            o += p[j] / sum * v[OFF + j * stride + d];
                            mag += Math.abs(p[j] / sum * v[OFF + j * stride + d]);
                        }
                        if (Math.abs(out[OFF + d] - o) > 1e-5 * (mag + 1e-3))
                            fail("attend " + k.name() + " headDim=" + headDim + " n=" + n + " d=" + d + ": got " + out[OFF + d] + ", want " + o);
                    }
                    assertThat(out[OFF + headDim]).as("past the output").isEqualTo(42f);
                }
            }
        }
    }

    @Test
    void attendBF16ReadsTheWidenedValues() {
        // each implementation's BF16 attention equals its float32 attention over the widened keys and
        // values, bit for bit (the same arithmetic on the same floats), over every loop tail and block edge
        Random rnd = new Random(6);
        for (DecodeKernels k : impls()) {
            for (int headDim : new int[] {1, 7, 16, 17, 32, 64, 67, 80, 95, 128}) {
                for (int n : new int[] {1, 15, 16, 255, 256, 257, 600}) {
                    int stride = headDim + 2;
                    float[] q = rnd(rnd, OFF + headDim), kf = rnd(rnd, OFF + n * stride), vf = rnd(rnd, OFF + n * stride);
                    for (int j = 0; j < n; j++) kf[OFF + j * stride] += 0.05f * j * Math.signum(q[OFF]);
                    short[] kh = new short[kf.length], vh = new short[vf.length];
                    for (int i = 0; i < kf.length; i++) {
                        kh[i] = ScalarDecodeKernels.floatToBf16(kf[i]);
                        vh[i] = ScalarDecodeKernels.floatToBf16(vf[i]);
                        kf[i] = ScalarDecodeKernels.bf16ToFloat(kh[i]);
                        vf[i] = ScalarDecodeKernels.bf16ToFloat(vh[i]);
                    }
                    float scale = (float) (1 / Math.sqrt(headDim));
                    float[] want = new float[OFF + headDim + 1], got = new float[OFF + headDim + 1];
                    got[OFF + headDim] = 42f;
                    k.attend(q, OFF, kf, vf, OFF, stride, n, headDim, scale, want, OFF, new float[DecodeKernels.ATTEND_SCRATCH]);
                    k.attendBF16(q, OFF, kh, vh, OFF, stride, n, headDim, scale, got, OFF, new float[DecodeKernels.ATTEND_SCRATCH]);
                    for (int d = 0; d < headDim; d++)
                        assertThat(Float.floatToRawIntBits(got[OFF + d])).as("%s headDim=%d n=%d d=%d", k.name(), headDim, n, d)
                                .isEqualTo(Float.floatToRawIntBits(want[OFF + d]));
                    assertThat(got[OFF + headDim]).as("past the output").isEqualTo(42f);
                }
            }
        }
    }
}
