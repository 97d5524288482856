package dev.scratchllm.kernels;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The element-wise decode kernels of the RoPE models ({@link DecodeKernels#rmsNorm},
 * {@link DecodeKernels#siluMul}, {@link DecodeKernels#rope}), both implementations, against
 * double-precision formulas written here, over every vector tail (lengths 1 … 3·16+1; RoPE head
 * sizes 2 … 2·(3·16+1)), with nonzero offsets; elements outside the range stay untouched. RoPE and
 * the scalar RMSNorm round like PyTorch's composed ops, so the Vector API RoPE must give the
 * scalar one's bits.
 */
class RoPEDecodeKernelsTest {
    static final int OFF = 3;

    static float[] rnd(Random r, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) (3 * r.nextGaussian());
        return x;
    }

    static void close(String what, float got, double want, double tol) {
        if (!(Math.abs(got - want) <= tol * (1 + Math.abs(want)))) fail(what + ": got " + got + ", want " + want);
    }

    @Test
    void rmsNorm() {
        Random r = new Random(1);
        for (DecodeKernels k : DecodeKernelsTest.impls()) {
            for (int n = 1; n <= 49; n++) {
                float[] x = rnd(r, OFF + n + 2), w = rnd(r, OFF + n), out = rnd(r, OFF + n + 2), out0 = out.clone();
                float eps = 1e-5f;
                k.rmsNorm(x, OFF, w, OFF, eps, out, OFF, n);
                double ss = 0;
                for (int i = 0; i < n; i++) ss += (double) x[OFF + i] * x[OFF + i];
                double inv = 1 / Math.sqrt(ss / n + eps);
                for (int i = 0; i < n; i++) close(k.name() + " rmsNorm n=" + n + " i=" + i, out[OFF + i], x[OFF + i] * inv * w[OFF + i], 1e-6);
                for (int i = 0; i < OFF; i++) assertThat(out[i]).isEqualTo(out0[i]);
                assertThat(out[OFF + n]).isEqualTo(out0[OFF + n]);
                // in place gives the same values
                float[] y = x.clone();
                k.rmsNorm(y, OFF, w, OFF, eps, y, OFF, n);
                for (int i = 0; i < n; i++) assertThat(y[OFF + i]).isEqualTo(out[OFF + i]);
            }
        }
    }

    @Test
    void siluMul() {
        Random r = new Random(2);
        for (DecodeKernels k : DecodeKernelsTest.impls()) {
            for (int n = 1; n <= 49; n++) {
                float[] g = rnd(r, OFF + n), u = rnd(r, OFF + n), out = rnd(r, OFF + n + 2), out0 = out.clone();
                g[OFF] = n % 2 == 0 ? -120f : 95f;     // beyond exp's range either way
                k.siluMul(g, OFF, u, OFF, out, OFF, n);
                for (int i = 0; i < n; i++) {
                    double a = g[OFF + i];
                    close(k.name() + " siluMul n=" + n + " i=" + i, out[OFF + i], a / (1 + Math.exp(-a)) * u[OFF + i], 1e-6);
                }
                for (int i = 0; i < OFF; i++) assertThat(out[i]).isEqualTo(out0[i]);
                assertThat(out[OFF + n]).isEqualTo(out0[OFF + n]);
            }
        }
    }

    @Test
    void rope() {
        Random r = new Random(3);
        DecodeKernels scalar = new ScalarDecodeKernels();
        for (DecodeKernels k : DecodeKernelsTest.impls()) {
            for (int half = 1; half <= 49; half++) {
                int hd = 2 * half, t = 5;
                float[] x = rnd(r, OFF + hd + 2), cos = new float[(t + 2) * hd], sin = new float[(t + 2) * hd];
                for (int i = 0; i < cos.length; i++) {
                    double ang = r.nextDouble() * 7;
                    cos[i] = (float) Math.cos(ang);
                    sin[i] = (float) Math.sin(ang);
                }
                float[] y = x.clone(), s = x.clone();
                k.rope(y, OFF, cos, sin, t * hd, hd);
                scalar.rope(s, OFF, cos, sin, t * hd, hd);
                for (int i = 0; i < half; i++) {
                    double x1 = x[OFF + i], x2 = x[OFF + half + i];
                    close(k.name() + " rope first half " + i, y[OFF + i], x1 * cos[t * hd + i] - x2 * sin[t * hd + i], 1e-6);
                    close(k.name() + " rope second half " + i, y[OFF + half + i], x2 * cos[t * hd + half + i] + x1 * sin[t * hd + half + i], 1e-6);
                }
                for (int i = 0; i < y.length; i++) assertThat(y[i]).as("%s rope hd=%d bits of element %d", k.name(), hd, i).isEqualTo(s[i]);
                for (int i = 0; i < OFF; i++) assertThat(y[i]).isEqualTo(x[i]);
                assertThat(y[OFF + hd]).isEqualTo(x[OFF + hd]);
            }
        }
    }
}
