package dev.scratchllm.tensor;

import dev.scratchllm.autograd.GradMode;
import dev.scratchllm.kernels.KernelProvider;

import java.util.Arrays;

import static dev.scratchllm.tensor.Tensor.record;

/**
 * Reductions (sum, mean, var, max) over one dimension or over everything, softmax and
 * log-softmax, and {@link #sumToShape}, which folds a broadcast gradient back onto an input's
 * shape. Sums accumulate in double. Reductions over a dimension view the contiguous input as
 * {@code (outer, len, inner)}.
 */
final class Reductions {
    private Reductions() {
    }

    /** The reduced shape: {@code dim} removed, or set to 1 with keepDim. */
    private static int[] reducedShape(int[] shape, int d, boolean keepDim) {
        if (keepDim) {
            int[] s = shape.clone();
            s[d] = 1;
            return s;
        }
        int[] s = new int[shape.length - 1];
        for (int i = 0, j = 0; i < shape.length; i++) if (i != d) s[j++] = shape[i];
        return s;
    }

    private static int prod(int[] shape, int from, int to) {
        int p = 1;
        for (int i = from; i < to; i++) p *= shape[i];
        return p;
    }

    /** Broadcasts a gradient of the reduced shape back over {@code dim} of {@code shape}. */
    private static Tensor expandBack(Tensor g, int[] shape, int d, boolean keepDim) {
        Tensor gk = keepDim || shape.length == 0 ? g : g.unsqueeze(d);
        return gk.expand(shape);
    }

    // ------------------------------------------------------------------ sum / mean

    static Tensor sumAll(Tensor t) {
        if (t.dtype != DType.FLOAT32) {
            long s = 0;
            for (long v : t.toLongArray()) s += v;
            return Tensor.ofLongs(new long[] {s});
        }
        Tensor c = t.contiguous();
        float s = (float) KernelProvider.get().sum(c.data, c.offset, c.numel());
        int[] shape = t.shape;
        return record(Tensor.scalar(s), "SumBackward0", g -> new Tensor[] {g.expand(shape)}, t);
    }

    static Tensor meanAll(Tensor t) {
        t.requireDType("mean", DType.FLOAT32);
        Tensor c = t.contiguous();
        int n = t.numel();
        float s = (float) (KernelProvider.get().sum(c.data, c.offset, n) / n);
        int[] shape = t.shape;
        return record(Tensor.scalar(s), "MeanBackward0", g -> new Tensor[] {g.div((float) n).expand(shape)}, t);
    }

    static Tensor sum(Tensor t, int dim, boolean keepDim) {
        if (t.dim() == 0) return t.sum();
        int d = Shape.wrapDim("sum", dim, t.dim());
        if (t.dtype != DType.FLOAT32) return sumLong(t, d, keepDim);
        Tensor out = reduceSum(t, d, keepDim, 1.0);
        int[] shape = t.shape;
        return record(out, "SumBackward1", g -> new Tensor[] {expandBack(g, shape, d, keepDim)}, t);
    }

    static Tensor mean(Tensor t, int dim, boolean keepDim) {
        t.requireDType("mean", DType.FLOAT32);
        if (t.dim() == 0) return t.mean();
        int d = Shape.wrapDim("mean", dim, t.dim());
        int n = t.shape[d];
        Tensor out = reduceSum(t, d, keepDim, 1.0 / n);
        int[] shape = t.shape;
        return record(out, "MeanBackward1", g -> new Tensor[] {expandBack(g.div((float) n), shape, d, keepDim)}, t);
    }

    private static Tensor reduceSum(Tensor t, int d, boolean keepDim, double scale) {
        Tensor c = t.contiguous();
        int outer = prod(t.shape, 0, d), len = t.shape[d], inner = prod(t.shape, d + 1, t.dim());
        float[] o = new float[outer * inner];
        double[] acc = new double[inner];
        for (int a = 0; a < outer; a++) {
            Arrays.fill(acc, 0);
            int base = c.offset + a * len * inner;
            for (int l = 0; l < len; l++) {
                int row = base + l * inner;
                for (int i = 0; i < inner; i++) acc[i] += c.data[row + i];
            }
            for (int i = 0; i < inner; i++) o[a * inner + i] = (float) (acc[i] * scale);
        }
        return Tensor.of(o, reducedShape(t.shape, d, keepDim));
    }

    private static Tensor sumLong(Tensor t, int d, boolean keepDim) {
        Tensor c = t.toLong().contiguous();
        int outer = prod(t.shape, 0, d), len = t.shape[d], inner = prod(t.shape, d + 1, t.dim());
        long[] o = new long[outer * inner];
        for (int a = 0; a < outer; a++)
            for (int l = 0; l < len; l++)
                for (int i = 0; i < inner; i++) o[a * inner + i] += c.ldata[c.offset + (a * len + l) * inner + i];
        return Tensor.ofLongs(o, reducedShape(t.shape, d, keepDim));
    }

    // ------------------------------------------------------------------ var

    static Tensor var(Tensor t, int dim, boolean unbiased, boolean keepDim) {
        t.requireDType("var", DType.FLOAT32);
        int d = Shape.wrapDim("var", dim, t.dim());
        Tensor c = t.contiguous();
        int outer = prod(t.shape, 0, d), len = t.shape[d], inner = prod(t.shape, d + 1, t.dim());
        int denom = unbiased ? len - 1 : len;
        float[] o = new float[outer * inner];
        float[] means = new float[outer * inner];
        for (int a = 0; a < outer; a++) {
            for (int i = 0; i < inner; i++) {
                int base = c.offset + a * len * inner + i;
                double s = 0;
                for (int l = 0; l < len; l++) s += c.data[base + l * inner];
                double mu = s / len;
                double ss = 0;
                for (int l = 0; l < len; l++) {
                    double dv = c.data[base + l * inner] - mu;
                    ss += dv * dv;
                }
                o[a * inner + i] = denom <= 0 ? Float.NaN : (float) (ss / denom);
                means[a * inner + i] = (float) mu;
            }
        }
        Tensor out = Tensor.of(o, reducedShape(t.shape, d, keepDim));
        int[] shape = t.shape;
        Tensor meanT = Tensor.of(means, reducedShape(t.shape, d, true));
        return record(out, "VarBackward0", g -> {
            Tensor gk = keepDim ? g : g.unsqueeze(d);
            Tensor dx = c.sub(meanT).mul(gk).mul(2f / denom);
            return new Tensor[] {dx.expand(shape)};
        }, t);
    }

    // ------------------------------------------------------------------ max

    static Tensor maxAll(Tensor t) {
        if (t.numel() == 0) throw new IllegalArgumentException("max(): expected a non-empty tensor (shape " + Shape.str(t.shape) + ")");
        if (t.dtype == DType.INT64) {
            long m = Long.MIN_VALUE;
            for (long v : t.toLongArray()) m = Math.max(m, v);
            return Tensor.ofLongs(new long[] {m});
        }
        float[] v = t.toFloatArray();
        float m = Float.NEGATIVE_INFINITY;
        boolean nan = false;
        for (float x : v) {
            if (Float.isNaN(x)) nan = true;
            m = Math.max(m, x);
        }
        float mf = nan ? Float.NaN : m;
        Tensor out = t.dtype == DType.BOOL ? new Tensor(DType.BOOL, new float[] {mf}, null, new int[0], new int[0], 0) : Tensor.scalar(mf);
        int[] shape = t.shape;
        return record(out, "MaxBackward1", g -> {
            int count = 0;
            for (float x : v) if (x == mf) count++;
            float[] mask = new float[v.length];
            for (int i = 0; i < v.length; i++) if (v[i] == mf) mask[i] = 1f / count;
            return new Tensor[] {Tensor.of(mask, shape).mul(g)};
        }, t);
    }

    static ValuesIndices max(Tensor t, int dim, boolean keepDim) {
        if (t.dim() == 0) return new ValuesIndices(t, Tensor.ofLongs(new long[] {0}));
        int d = Shape.wrapDim("max", dim, t.dim());
        if (t.shape[d] == 0) throw new IllegalArgumentException("max(): cannot reduce over a zero-size dimension " + d + " (shape " + Shape.str(t.shape) + ")");
        Tensor c = t.toFloat().contiguous();
        int outer = prod(t.shape, 0, d), len = t.shape[d], inner = prod(t.shape, d + 1, t.dim());
        float[] vals = new float[outer * inner];
        long[] idx = new long[outer * inner];
        for (int a = 0; a < outer; a++) {
            for (int i = 0; i < inner; i++) {
                int base = c.offset + a * len * inner + i;
                float best = c.data[base];
                int bi = 0;
                for (int l = 1; l < len; l++) {
                    float v = c.data[base + l * inner];
                    if (v > best || (Float.isNaN(v) && !Float.isNaN(best))) {
                        best = v;
                        bi = l;
                    }
                }
                vals[a * inner + i] = best;
                idx[a * inner + i] = bi;
            }
        }
        int[] rs = reducedShape(t.shape, d, keepDim);
        Tensor indices = Tensor.ofLongs(idx, rs);
        if (t.dtype == DType.INT64) {
            Tensor v = t.gather(d, keepDim ? indices : indices.unsqueeze(d));
            return new ValuesIndices(keepDim ? v : v.squeeze(d), indices);
        }
        Tensor values = Tensor.of(vals, rs);
        int[] shape = t.shape;
        record(values, "MaxBackward0", g -> {
            Tensor gk = keepDim ? g : g.unsqueeze(d);
            Tensor ik = keepDim ? indices : indices.unsqueeze(d);
            return new Tensor[] {Indexing.scatter(shape, d, ik, gk)};
        }, t);
        return new ValuesIndices(values, indices);
    }

    // ------------------------------------------------------------------ softmax

    static Tensor softmax(Tensor t, int dim, boolean log) {
        t.requireDType(log ? "log_softmax" : "softmax", DType.FLOAT32);
        if (t.dim() == 0) return log ? t.mul(0f) : t.mul(0f).add(1f);
        int d = Shape.wrapDim(log ? "log_softmax" : "softmax", dim, t.dim());
        int last = t.dim() - 1;
        Tensor xt;
        try (var ng = GradMode.noGrad()) {
            xt = (d == last ? t : t.transpose(d, last)).contiguous();
        }
        int cols = t.shape[d], rows = cols == 0 ? 0 : xt.numel() / cols;
        Tensor yt = Tensor.zeros(xt.shape);
        if (log) KernelProvider.get().logSoftmaxRows(xt.data, xt.offset, yt.data, 0, rows, cols);
        else KernelProvider.get().softmaxRows(xt.data, xt.offset, yt.data, 0, rows, cols);
        Tensor out = d == last ? yt : yt.transpose(d, last).contiguous();
        return record(out, log ? "LogSoftmaxBackward0" : "SoftmaxBackward0", g -> {
            Tensor gt = (d == last ? g : g.transpose(d, last)).contiguous();
            Tensor dxt = Tensor.zeros(yt.shape);
            if (log) KernelProvider.get().logSoftmaxBackwardRows(yt.data, 0, gt.data, gt.offset, dxt.data, 0, rows, cols, false);
            else KernelProvider.get().softmaxBackwardRows(yt.data, 0, gt.data, gt.offset, dxt.data, 0, rows, cols, false);
            return new Tensor[] {d == last ? dxt : dxt.transpose(d, last).contiguous()};
        }, t);
    }

    // ------------------------------------------------------------------ broadcasting back

    /**
     * Sums {@code g} over the dimensions that broadcasting added or expanded so that it has
     * {@code shape} (the reverse of broadcasting). Returns {@code g} itself when shapes match.
     */
    static Tensor sumToShape(Tensor g, int[] shape) {
        if (Arrays.equals(g.shape, shape)) return g;
        int n = Shape.numel(shape);
        double[] acc = new double[n];
        int[] target = Shape.broadcastStrides(shape, Shape.contiguousStrides(shape), g.shape);
        float[] gd = g.data;
        StridedLoop.run(g.shape, g.strides, g.offset, target, 0, null, 0, (o0, o1, o2, len, s0, s1, s2) -> {
            if (s1 == 0) {
                double s = 0;
                for (int i = 0; i < len; i++) s += gd[o0 + i * s0];
                acc[o1] += s;
            } else {
                for (int i = 0; i < len; i++) acc[o1 + i * s1] += gd[o0 + i * s0];
            }
        });
        float[] o = new float[n];
        for (int i = 0; i < n; i++) o[i] = (float) acc[i];
        return Tensor.of(o, shape);
    }
}
