package dev.scratchllm.kernels;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.DoubleUnaryOperator;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Every non-gemm method of {@link Kernels}, on both implementations and on 1 and 2 threads,
 * against double-precision loops written here.
 *
 * <p>Tolerances (absolute + relative to the reference value): exact for add/sub/mul/div/
 * scaleShift/relu (the same single IEEE operation); {@code 1e-6 + 1e-6·|ref|} for axpy, exp,
 * tanh and GELU (GELU is the bound the training code relies on: ~1e-6 absolute); {@code 1e-5}
 * relative-to-scale for sums, softmax, layer norm, cross entropy and AdamW, whose float32
 * roundings differ with the order of summation. Sizes hit every vector tail (1…257) and a size
 * above the threading threshold; offsets are nonzero.
 */
class KernelsTest {

    static final int[] SIZES = {1, 2, 3, 7, 15, 16, 17, 31, 33, 63, 64, 65, 100, 127, 129, 255, 257, 70_001};
    static final int OFF = 3;

    static Stream<Arguments> implsAndThreads() {
        List<Arguments> out = new ArrayList<>();
        for (Kernels k : GemmTest.impls()) for (int t : new int[]{1, 2}) out.add(Arguments.of(k, t));
        return out.stream();
    }

    private final int savedThreads = Parallel.numThreads();

    @AfterEach
    void restoreThreads() {
        Parallel.setNumThreads(savedThreads);
    }

    static float[] rnd(Random r, int n, double scale) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) (r.nextGaussian() * scale);
        return x;
    }

    static void close(String what, float got, double want, double abs, double rel) {
        if (Double.isNaN(want) && Float.isNaN(got)) return;
        if (!(Math.abs(got - want) <= abs + rel * Math.abs(want)))
            fail(what + ": got " + got + ", want " + want + " (tol " + (abs + rel * Math.abs(want)) + ")");
    }

    // ------------------------------------------------------------------ element-wise

    @ParameterizedTest(name = "{0} threads={1}")
    @MethodSource("implsAndThreads")
    void binaryOpsAreExact(Kernels k, int threads) {
        Parallel.setNumThreads(threads);
        Random r = new Random(1);
        for (int n : SIZES) {
            float[] a = rnd(r, n + OFF, 1), b = rnd(r, n + OFF, 1);
            for (int i = 0; i < b.length; i++) if (b[i] == 0f) b[i] = 1f;
            float[] out = new float[n + 2 * OFF];
            k.add(a, OFF, b, OFF, out, 2 * OFF, n);
            for (int i = 0; i < n; i++) assertThat(out[2 * OFF + i]).isEqualTo(a[OFF + i] + b[OFF + i]);
            k.sub(a, OFF, b, OFF, out, 2 * OFF, n);
            for (int i = 0; i < n; i++) assertThat(out[2 * OFF + i]).isEqualTo(a[OFF + i] - b[OFF + i]);
            k.mul(a, OFF, b, OFF, out, 2 * OFF, n);
            for (int i = 0; i < n; i++) assertThat(out[2 * OFF + i]).isEqualTo(a[OFF + i] * b[OFF + i]);
            k.div(a, OFF, b, OFF, out, 2 * OFF, n);
            for (int i = 0; i < n; i++) assertThat(out[2 * OFF + i]).isEqualTo(a[OFF + i] / b[OFF + i]);
            k.scaleShift(a, OFF, 1.5f, -0.25f, out, 2 * OFF, n);
            for (int i = 0; i < n; i++) assertThat(out[2 * OFF + i]).isEqualTo(a[OFF + i] * 1.5f - 0.25f);
            k.relu(a, OFF, out, 2 * OFF, n);
            for (int i = 0; i < n; i++) assertThat(out[2 * OFF + i]).isEqualTo(Math.max(a[OFF + i], 0f));
            assertThat(out[0]).isEqualTo(0f);   // nothing before the output range
            // in place (out aliases a)
            float[] a2 = a.clone();
            k.add(a2, OFF, b, OFF, a2, OFF, n);
            for (int i = 0; i < n; i++) assertThat(a2[OFF + i]).isEqualTo(a[OFF + i] + b[OFF + i]);
            // axpy: fused or not, within one rounding
            float[] y = rnd(r, n + OFF, 1), y0 = y.clone();
            k.axpy(0.7f, a, OFF, y, OFF, n);
            for (int i = 0; i < n; i++) close("axpy", y[OFF + i], y0[OFF + i] + 0.7 * a[OFF + i], 1e-6, 1e-6);
        }
    }

    @ParameterizedTest(name = "{0} threads={1}")
    @MethodSource("implsAndThreads")
    void reductionsAndBroadcasts(Kernels k, int threads) {
        Parallel.setNumThreads(threads);
        Random r = new Random(2);
        for (int n : SIZES) {
            float[] x = rnd(r, n + OFF, 1), y = rnd(r, n + OFF, 1);
            double s = 0, d = 0, sAbs = 0, dAbs = 0;
            for (int i = 0; i < n; i++) {
                s += x[OFF + i];
                sAbs += Math.abs(x[OFF + i]);
                d += (double) x[OFF + i] * y[OFF + i];
                dAbs += Math.abs((double) x[OFF + i] * y[OFF + i]);
            }
            assertThat(Math.abs(k.sum(x, OFF, n) - s)).isLessThanOrEqualTo(1e-6 * sAbs + 1e-9);
            assertThat(Math.abs(k.dot(x, OFF, y, OFF, n) - d)).isLessThanOrEqualTo(1e-6 * dAbs + 1e-9);
        }
        int[][] shapes = {{1, 1}, {3, 7}, {5, 16}, {4, 17}, {33, 31}, {2, 257}, {300, 129}, {513, 64}, {8, 5000}};
        for (int[] sh : shapes) {
            int rows = sh[0], cols = sh[1];
            float[] x = rnd(r, OFF + rows * cols, 1), bias = rnd(r, OFF + cols, 1);
            float[] out = new float[OFF + rows * cols];
            k.addRowVector(x, OFF, bias, OFF, out, OFF, rows, cols);
            for (int i = 0; i < rows; i++)
                for (int j = 0; j < cols; j++)
                    assertThat(out[OFF + i * cols + j]).isEqualTo(x[OFF + i * cols + j] + bias[OFF + j]);
            for (boolean acc : new boolean[]{false, true}) {
                float[] sums = rnd(r, OFF + cols, 1), sums0 = sums.clone();
                k.sumRows(x, OFF, rows, cols, sums, OFF, acc);
                for (int j = 0; j < cols; j++) {
                    double want = acc ? sums0[OFF + j] : 0, abs = Math.abs(want);
                    for (int i = 0; i < rows; i++) {
                        want += x[OFF + i * cols + j];
                        abs += Math.abs(x[OFF + i * cols + j]);
                    }
                    close("sumRows " + rows + "x" + cols, sums[OFF + j], want, 1e-6 * abs + 1e-6, 0);
                }
                for (int j = 0; j < OFF; j++) assertThat(sums[j]).isEqualTo(sums0[j]);
            }
        }
    }

    @ParameterizedTest(name = "{0} threads={1}")
    @MethodSource("implsAndThreads")
    void activations(Kernels k, int threads) {
        Parallel.setNumThreads(threads);
        Random r = new Random(3);
        double c = Math.sqrt(2 / Math.PI);
        DoubleUnaryOperator gelu = v -> 0.5 * v * (1 + Math.tanh(c * (v + 0.044715 * v * v * v)));
        DoubleUnaryOperator dgelu = v -> {
            double t = Math.tanh(c * (v + 0.044715 * v * v * v));
            return 0.5 * (1 + t) + 0.5 * v * (1 - t * t) * c * (1 + 3 * 0.044715 * v * v);
        };
        for (int n : SIZES) {
            float[] x = rnd(r, n + OFF, 3), dy = rnd(r, n + OFF, 1), out = new float[n + OFF];
            if (n > 4) {
                x[OFF] = 0f;
                x[OFF + 1] = -12f;
                x[OFF + 2] = 12f;
                x[OFF + 3] = -80f;
            }
            k.gelu(x, OFF, out, OFF, n);
            for (int i = 0; i < n; i++) close("gelu(" + x[OFF + i] + ")", out[OFF + i], gelu.applyAsDouble(x[OFF + i]), 1e-6, 1e-6);
            k.tanh(x, OFF, out, OFF, n);
            for (int i = 0; i < n; i++) close("tanh(" + x[OFF + i] + ")", out[OFF + i], Math.tanh(x[OFF + i]), 1e-7, 1e-6);
            k.exp(x, OFF, out, OFF, n);
            for (int i = 0; i < n; i++) close("exp(" + x[OFF + i] + ")", out[OFF + i], Math.exp(x[OFF + i]), 1e-30, 1e-6);
            for (boolean acc : new boolean[]{false, true}) {
                float[] dx = rnd(r, n + OFF, 1), dx0 = dx.clone();
                k.geluBackward(x, OFF, dy, OFF, dx, OFF, n, acc);
                for (int i = 0; i < n; i++) {
                    double want = (acc ? dx0[OFF + i] : 0) + dy[OFF + i] * dgelu.applyAsDouble(x[OFF + i]);
                    close("geluBackward(" + x[OFF + i] + ")", dx[OFF + i], want, 2e-6, 2e-6);
                }
                dx = dx0.clone();
                k.reluBackward(x, OFF, dy, OFF, dx, OFF, n, acc);
                for (int i = 0; i < n; i++) {
                    float g = x[OFF + i] > 0 ? dy[OFF + i] : 0f;
                    assertThat(dx[OFF + i]).isEqualTo(acc ? dx0[OFF + i] + g : g);
                }
                assertThat(dx[0]).isEqualTo(dx0[0]);
            }
        }
    }

    // ------------------------------------------------------------------ row-wise

    static final int[][] ROW_SHAPES = {{1, 1}, {2, 3}, {3, 15}, {4, 16}, {5, 17}, {3, 31}, {2, 33}, {7, 64},
            {3, 65}, {6, 100}, {2, 255}, {3, 257}, {300, 129}, {4, 50257}};

    @ParameterizedTest(name = "{0} threads={1}")
    @MethodSource("implsAndThreads")
    void softmaxAndLogSoftmaxForwardAndBackward(Kernels k, int threads) {
        Parallel.setNumThreads(threads);
        Random r = new Random(4);
        for (int[] sh : ROW_SHAPES) {
            int rows = sh[0], cols = sh[1], n = rows * cols;
            float[] x = rnd(r, OFF + n, 4);
            if (rows > 1) for (int j = 0; j < cols; j++) x[OFF + cols + j] = Float.NEGATIVE_INFINITY; // row 1: all -inf
            float[] y = new float[OFF + n], ly = new float[OFF + n];
            k.softmaxRows(x, OFF, y, OFF, rows, cols);
            k.logSoftmaxRows(x, OFF, ly, OFF, rows, cols);
            float[] dy = rnd(r, OFF + n, 1);
            float[] dx = rnd(r, OFF + n, 1), dx0 = dx.clone(), ldx = dx.clone();
            k.softmaxBackwardRows(y, OFF, dy, OFF, dx, OFF, rows, cols, true);
            float[] ly2 = ly.clone();
            if (rows > 1) for (int j = 0; j < cols; j++) ly2[OFF + cols + j] = 0f; // keep the backward finite
            k.logSoftmaxBackwardRows(ly2, OFF, dy, OFF, ldx, OFF, rows, cols, false);
            for (int i = 0; i < rows; i++) {
                int o = OFF + i * cols;
                double max = Double.NEGATIVE_INFINITY, s = 0;
                for (int j = 0; j < cols; j++) max = Math.max(max, x[o + j]);
                for (int j = 0; j < cols; j++) s += Math.exp(x[o + j] - max);
                double lse = max + Math.log(s);
                double dot = 0, sdy = 0;
                for (int j = 0; j < cols; j++) {
                    dot += (double) dy[o + j] * y[o + j];
                    sdy += dy[o + j];
                }
                for (int j = 0; j < cols; j++) {
                    String at = rows + "x" + cols + " [" + i + "][" + j + "]";
                    if (rows > 1 && i == 1) {
                        assertThat(y[o + j]).as("softmax of an all -inf row is NaN").isNaN();
                        continue;
                    }
                    double p = Math.exp(x[o + j] - lse);
                    close("softmax " + at, y[o + j], p, 1e-7, 1e-5);
                    close("logSoftmax " + at, ly[o + j], x[o + j] - lse, 1e-5, 1e-6);
                    close("softmaxBackward " + at, dx[o + j], dx0[o + j] + y[o + j] * (dy[o + j] - dot), 1e-5, 1e-5);
                    close("logSoftmaxBackward " + at, ldx[o + j], dy[o + j] - Math.exp(ly2[o + j]) * sdy, 1e-5, 1e-5);
                }
            }
        }
    }

    @ParameterizedTest(name = "{0} threads={1}")
    @MethodSource("implsAndThreads")
    void causalSoftmaxForwardAndBackward(Kernels k, int threads) {
        Parallel.setNumThreads(threads);
        Random r = new Random(14);
        // (matrices, rows, cols): square blocks and fewer queries than keys, across the vector tails
        int[][] shapes = {{1, 1, 1}, {2, 3, 3}, {3, 5, 7}, {2, 16, 16}, {2, 17, 17}, {1, 1, 33}, {4, 31, 31}, {2, 2, 65},
                {3, 64, 64}, {1, 100, 129}, {24, 256, 256}};
        for (int[] sh : shapes) {
            int mats = sh[0], rows = sh[1], cols = sh[2], n = mats * rows * cols;
            float div = 1.7f;
            float[] x = rnd(r, OFF + n, 3), y = rnd(r, OFF + n, 1), dy = rnd(r, OFF + n, 1), dx = rnd(r, OFF + n, 1);
            k.causalSoftmaxRows(x, OFF, y, OFF, mats, rows, cols, div);
            k.causalSoftmaxBackwardRows(y, OFF, dy, OFF, dx, OFF, mats, rows, cols, div);
            for (int m = 0; m < mats; m++)
                for (int i = 0; i < rows; i++) {
                    int o = OFF + (m * rows + i) * cols, visible = i + cols - rows + 1;
                    double max = Double.NEGATIVE_INFINITY, s = 0, dot = 0;
                    for (int j = 0; j < visible; j++) max = Math.max(max, x[o + j] / div);
                    for (int j = 0; j < visible; j++) s += Math.exp(x[o + j] / div - max);
                    for (int j = 0; j < visible; j++) dot += (double) dy[o + j] * y[o + j];
                    for (int j = 0; j < cols; j++) {
                        String at = mats + "x" + rows + "x" + cols + " [" + m + "][" + i + "][" + j + "]";
                        if (j >= visible) {
                            assertThat(y[o + j]).as("masked weight " + at).isEqualTo(0f);
                            assertThat(dx[o + j]).as("masked gradient " + at).isEqualTo(0f);
                            continue;
                        }
                        close("causalSoftmax " + at, y[o + j], Math.exp(x[o + j] / div - max) / s, 1e-7, 1e-5);
                        close("causalSoftmaxBackward " + at, dx[o + j], y[o + j] * (dy[o + j] - dot) / div, 1e-5, 1e-5);
                    }
                }
        }
        assertThatThrownBy(() -> k.causalSoftmaxRows(new float[6], 0, new float[6], 0, 1, 3, 2, 1f))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("causalSoftmaxRows").hasMessageContaining("3 x 2");
    }

    @ParameterizedTest(name = "{0} threads={1}")
    @MethodSource("implsAndThreads")
    void layerNormForwardAndBackward(Kernels k, int threads) {
        Parallel.setNumThreads(threads);
        Random r = new Random(5);
        for (int[] sh : ROW_SHAPES) {
            int rows = sh[0], cols = Math.min(sh[1], 3000), n = rows * cols;
            for (int variant = 0; variant < 3; variant++) {
                boolean withParams = variant != 1, withDx = variant != 2;
                float[] x = rnd(r, OFF + n, 2);
                for (int i = 0; i < n; i++) x[OFF + i] += 3f;   // a nonzero mean
                float[] scale = withParams ? rnd(r, cols, 1) : null, shift = withParams ? rnd(r, cols, 1) : null;
                float[] out = new float[OFF + n], mean = new float[rows], rstd = new float[rows];
                float eps = 1e-5f;
                k.layerNormRows(x, OFF, scale, shift, eps, out, OFF, mean, rstd, rows, cols);
                float[] dy = rnd(r, OFF + n, 1);
                float[] dx = withDx ? rnd(r, OFF + n, 1) : null, dx0 = withDx ? dx.clone() : null;
                float[] dScale = withParams ? rnd(r, cols, 1) : null, dShift = withParams ? rnd(r, cols, 1) : null;
                float[] dScale0 = withParams ? dScale.clone() : null, dShift0 = withParams ? dShift.clone() : null;
                k.layerNormBackwardRows(x, OFF, scale, mean, rstd, dy, OFF, dx, OFF, dScale, dShift, rows, cols, true);
                double[] wantDScale = new double[cols], wantDShift = new double[cols];
                double[] absD = new double[cols];
                for (int i = 0; i < rows; i++) {
                    int o = OFF + i * cols;
                    double mu = 0, var = 0;
                    for (int j = 0; j < cols; j++) mu += x[o + j];
                    mu /= cols;
                    for (int j = 0; j < cols; j++) var += (x[o + j] - mu) * (x[o + j] - mu);
                    var /= cols;
                    double rs = 1 / Math.sqrt(var + eps);
                    String at = rows + "x" + cols + " row " + i;
                    close("mean " + at, mean[i], mu, 1e-6, 1e-6);
                    close("rstd " + at, rstd[i], rs, 0, 1e-5);
                    double sg = 0, sgx = 0;
                    for (int j = 0; j < cols; j++) {
                        double xh = (x[o + j] - mu) * rs;
                        double want = xh * (withParams ? scale[j] : 1) + (withParams ? shift[j] : 0);
                        close("layerNorm " + at + " col " + j, out[o + j], want, 2e-5, 1e-5);
                        double g = dy[o + j], gh = g * (withParams ? scale[j] : 1);
                        wantDShift[j] += g;
                        wantDScale[j] += g * xh;
                        absD[j] += Math.abs(g * xh) + Math.abs(g);
                        sg += gh;
                        sgx += gh * xh;
                    }
                    if (!withDx) continue;
                    for (int j = 0; j < cols; j++) {
                        double xh = (x[o + j] - mu) * rs, gh = dy[o + j] * (withParams ? scale[j] : 1);
                        double want = dx0[o + j] + rs * (gh - sg / cols - xh * sgx / cols);
                        close("layerNormBackward dx " + at + " col " + j, dx[o + j], want, 1e-4, 1e-4);
                    }
                }
                if (withParams)
                    for (int j = 0; j < cols; j++) {
                        close("dShift col " + j, dShift[j], dShift0[j] + wantDShift[j], 1e-5 * absD[j] + 1e-5, 0);
                        close("dScale col " + j, dScale[j], dScale0[j] + wantDScale[j], 1e-5 * absD[j] + 1e-5, 0);
                    }
            }
        }
    }

    @ParameterizedTest(name = "{0} threads={1}")
    @MethodSource("implsAndThreads")
    void crossEntropyForwardAndBackward(Kernels k, int threads) {
        Parallel.setNumThreads(threads);
        Random r = new Random(6);
        long ignore = -100;
        for (int[] sh : ROW_SHAPES) {
            int rows = sh[0], cols = sh[1], n = rows * cols;
            float[] logits = rnd(r, OFF + n, 3);
            long[] targets = new long[OFF + rows];
            for (int i = 0; i < rows; i++) targets[OFF + i] = i % 3 == 2 ? ignore : r.nextInt(cols);
            float[] lse = new float[rows];
            double total = k.crossEntropyRows(logits, OFF, targets, OFF, rows, cols, ignore, lse);
            double want = 0;
            float scale = 0.37f;
            for (boolean acc : new boolean[]{false, true}) {
                float[] d = rnd(r, OFF + n, 1), d0 = d.clone();
                k.crossEntropyBackwardRows(logits, OFF, targets, OFF, lse, rows, cols, ignore, scale, d, OFF, acc);
                want = 0;
                for (int i = 0; i < rows; i++) {
                    int o = OFF + i * cols;
                    double max = Double.NEGATIVE_INFINITY, s = 0;
                    for (int j = 0; j < cols; j++) max = Math.max(max, logits[o + j]);
                    for (int j = 0; j < cols; j++) s += Math.exp(logits[o + j] - max);
                    double l = max + Math.log(s);
                    close("lse row " + i, lse[i], l, 1e-5, 1e-6);
                    long t = targets[OFF + i];
                    if (t != ignore) want += l - logits[o + (int) t];
                    for (int j = 0; j < cols; j++) {
                        double g = t == ignore ? 0 : scale * (Math.exp(logits[o + j] - l) - (j == t ? 1 : 0));
                        close("crossEntropyBackward " + rows + "x" + cols + " [" + i + "][" + j + "]", d[o + j],
                                (acc ? d0[o + j] : 0) + g, 1e-6, 1e-5);
                    }
                }
            }
            close("crossEntropy total " + rows + "x" + cols, (float) total, want, 1e-4, 1e-5);
        }
        float[] logits = new float[6];
        long[] bad = {0, 3};
        assertThatThrownBy(() -> k.crossEntropyRows(logits, 0, bad, 0, 2, 3, ignore, new float[2]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cross_entropy").hasMessageContaining("3");
    }

    // ------------------------------------------------------------------ optimizer

    @ParameterizedTest(name = "{0} threads={1}")
    @MethodSource("implsAndThreads")
    void adamWMatchesPyTorchAlgorithm(Kernels k, int threads) {
        Parallel.setNumThreads(threads);
        Random r = new Random(7);
        float lr = 4e-4f, b1 = 0.9f, b2 = 0.999f, eps = 1e-8f, wd = 0.1f;
        for (int n : SIZES) {
            float[] p = rnd(r, OFF + n, 1), g = rnd(r, OFF + n, 0.1), m = rnd(r, OFF + n, 0.01), v = new float[OFF + n];
            for (int i = 0; i < v.length; i++) v[i] = (float) Math.abs(r.nextGaussian() * 1e-3);
            float[] p0 = p.clone(), m0 = m.clone(), v0 = v.clone();
            int step = 3;
            float bc1 = (float) (1 - Math.pow(b1, step)), bc2 = (float) (1 - Math.pow(b2, step));
            k.adamW(p, OFF, g, OFF, m, OFF, v, OFF, n, lr, b1, b2, eps, wd, bc1, bc2);
            for (int i = OFF; i < OFF + n; i++) {
                double mi = b1 * (double) m0[i] + (1 - b1) * (double) g[i];
                double vi = b2 * (double) v0[i] + (1 - b2) * (double) g[i] * g[i];
                double pi = p0[i] * (1 - (double) lr * wd) - (lr / bc1) * mi / (Math.sqrt(vi) / Math.sqrt(bc2) + eps);
                close("adamW m[" + i + "]", m[i], mi, 1e-8, 1e-5);
                close("adamW v[" + i + "]", v[i], vi, 1e-10, 1e-5);
                // the update is lr-sized: compare the change of p to ~1e-4 of lr
                close("adamW p[" + i + "]", p[i], pi, 1e-4 * lr + 1e-7 * Math.abs(p0[i]), 0);
            }
            for (int i = 0; i < OFF; i++) assertThat(p[i]).isEqualTo(p0[i]);
        }
    }
}
