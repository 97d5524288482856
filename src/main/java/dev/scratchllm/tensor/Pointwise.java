package dev.scratchllm.tensor;

import dev.scratchllm.kernels.KernelProvider;
import dev.scratchllm.kernels.Kernels;

import java.util.Arrays;

import static dev.scratchllm.tensor.Tensor.record;

/**
 * Element-wise ops with PyTorch's broadcasting and their backward rules: binary arithmetic,
 * scalar affine maps, unary functions, comparisons, and the in-place helpers optimizers use.
 * Contiguous operands of equal shape, and a trailing-dims broadcast (a bias), go to the
 * kernels; anything else takes the general strided loop.
 */
final class Pointwise {
    private Pointwise() {
    }

    static Kernels k() {
        return KernelProvider.get();
    }

    enum Op {
        ADD("add", "AddBackward0"), SUB("sub", "SubBackward0"), MUL("mul", "MulBackward0"),
        DIV("div", "DivBackward0"), POW("pow", "PowBackward1");
        final String op, node;

        Op(String op, String node) {
            this.op = op;
            this.node = node;
        }

        float apply(float x, float y) {
            return switch (this) {
                case ADD -> x + y;
                case SUB -> x - y;
                case MUL -> x * y;
                case DIV -> x / y;
                case POW -> (float) Math.pow(x, y);
            };
        }

        long applyLong(long x, long y) {
            return switch (this) {
                case ADD -> x + y;
                case SUB -> x - y;
                case MUL -> x * y;
                default -> throw new IllegalStateException();
            };
        }
    }

    // ------------------------------------------------------------------ binary

    static Tensor binary(Tensor a, Tensor b, Op op) {
        if (a.dtype == DType.INT64 && b.dtype == DType.INT64 && op != Op.DIV && op != Op.POW) return binaryLong(a, b, op);
        Tensor x = a.toFloat(), y = b.toFloat();
        int[] outShape = Shape.broadcast(op.op, x.shape, y.shape);
        Tensor out = Tensor.zeros(outShape);
        compute(x, y, out, op);
        return record(out, op.node, g -> backward(op, g, x, y, out), x, y);
    }

    private static Tensor[] backward(Op op, Tensor g, Tensor x, Tensor y, Tensor out) {
        boolean gx = x.requiresGrad(), gy = y.requiresGrad();
        Tensor dx = null, dy = null;
        switch (op) {
            case ADD -> {
                if (gx) dx = Reductions.sumToShape(g, x.shape);
                if (gy) dy = Reductions.sumToShape(g, y.shape);
            }
            case SUB -> {
                if (gx) dx = Reductions.sumToShape(g, x.shape);
                if (gy) dy = Reductions.sumToShape(g.neg(), y.shape);
            }
            case MUL -> {
                if (gx) dx = Reductions.sumToShape(g.mul(y), x.shape);
                if (gy) dy = Reductions.sumToShape(g.mul(x), y.shape);
            }
            case DIV -> {
                if (gx) dx = Reductions.sumToShape(g.div(y), x.shape);
                if (gy) dy = Reductions.sumToShape(g.mul(out).div(y).neg(), y.shape);
            }
            case POW -> {
                if (gx) dx = Reductions.sumToShape(g.mul(y).mul(x.pow(y.sub(1f))), x.shape);
                if (gy) dy = Reductions.sumToShape(g.mul(out).mul(x.log()), y.shape);
            }
        }
        return new Tensor[] {dx, dy};
    }

    /** Writes {@code op(x, y)} (broadcast) into the contiguous {@code out} of the broadcast shape. */
    static void compute(Tensor x, Tensor y, Tensor out, Op op) {
        int n = out.numel();
        if (n == 0) return;
        float[] o = out.data;
        boolean xFull = Arrays.equals(x.shape, out.shape) && x.isContiguous();
        boolean yFull = Arrays.equals(y.shape, out.shape) && y.isContiguous();
        if (xFull && yFull) {
            flat(op, x.data, x.offset, y.data, y.offset, o, 0, n);
            return;
        }
        if (y.numel() == 1 && xFull) {
            float v = y.data[y.offset];
            switch (op) {
                case ADD -> k().scaleShift(x.data, x.offset, 1f, v, o, 0, n);
                case SUB -> k().scaleShift(x.data, x.offset, 1f, -v, o, 0, n);
                case MUL -> k().scaleShift(x.data, x.offset, v, 0f, o, 0, n);
                default -> { for (int i = 0; i < n; i++) o[i] = op.apply(x.data[x.offset + i], v); }
            }
            return;
        }
        int tail = trailingBroadcast(y, out.shape);
        if (xFull && tail > 0) {
            for (int r = 0; r < n; r += tail) flat(op, x.data, x.offset + r, y.data, y.offset, o, r, tail);
            return;
        }
        tail = trailingBroadcast(x, out.shape);
        if (yFull && tail > 0) {
            for (int r = 0; r < n; r += tail) flat(op, x.data, x.offset, y.data, y.offset + r, o, r, tail);
            return;
        }
        int[] sx = Shape.broadcastStrides(x.shape, x.strides, out.shape);
        int[] sy = Shape.broadcastStrides(y.shape, y.strides, out.shape);
        float[] xd = x.data, yd = y.data;
        StridedLoop.run(out.shape, sx, x.offset, sy, y.offset, out.strides, 0, (o0, o1, o2, len, s0, s1, s2) -> {
            for (int i = 0; i < len; i++) o[o2 + i] = op.apply(xd[o0 + i * s0], yd[o1 + i * s1]);
        });
    }

    /**
     * If {@code t} is contiguous and equals the trailing dims of {@code target} (after dropping its
     * leading size-1 dims), the number of elements it covers; else 0.
     */
    private static int trailingBroadcast(Tensor t, int[] target) {
        if (!t.isContiguous()) return 0;
        int[] s = t.shape;
        int lead = 0;
        while (lead < s.length && s[lead] == 1) lead++;
        int len = s.length - lead;
        if (len == 0 || len > target.length) return 0;
        for (int i = 0; i < len; i++) if (s[lead + i] != target[target.length - len + i]) return 0;
        return t.numel();
    }

    private static void flat(Op op, float[] a, int ao, float[] b, int bo, float[] o, int oo, int n) {
        switch (op) {
            case ADD -> k().add(a, ao, b, bo, o, oo, n);
            case SUB -> k().sub(a, ao, b, bo, o, oo, n);
            case MUL -> k().mul(a, ao, b, bo, o, oo, n);
            case DIV -> k().div(a, ao, b, bo, o, oo, n);
            case POW -> { for (int i = 0; i < n; i++) o[oo + i] = (float) Math.pow(a[ao + i], b[bo + i]); }
        }
    }

    private static Tensor binaryLong(Tensor a, Tensor b, Op op) {
        int[] outShape = Shape.broadcast(op.op, a.shape, b.shape);
        long[] o = new long[Shape.numel(outShape)];
        int[] sa = Shape.broadcastStrides(a.shape, a.strides, outShape);
        int[] sb = Shape.broadcastStrides(b.shape, b.strides, outShape);
        int[] cs = Shape.contiguousStrides(outShape);
        StridedLoop.run(outShape, sa, a.offset, sb, b.offset, cs, 0, (o0, o1, o2, len, s0, s1, s2) -> {
            for (int i = 0; i < len; i++) o[o2 + i] = op.applyLong(a.ldata[o0 + i * s0], b.ldata[o1 + i * s1]);
        });
        return Tensor.ofLongs(o, outShape);
    }

    // ------------------------------------------------------------------ scalar

    /** {@code t * s + shift}. */
    static Tensor affine(Tensor t, float s, float shift, String node) {
        if (t.dtype == DType.INT64 && s == Math.rint(s) && shift == Math.rint(shift)) {
            long[] l = t.toLongArray();
            for (int i = 0; i < l.length; i++) l[i] = l[i] * (long) s + (long) shift;
            return Tensor.ofLongs(l, t.shape);
        }
        Tensor x = t.toFloat().contiguous();
        Tensor out = Tensor.zeros(x.shape);
        k().scaleShift(x.data, x.offset, s, shift, out.data, 0, out.numel());
        return record(out, node, g -> new Tensor[] {s == 1f ? g : g.mul(s)}, x);
    }

    static Tensor divScalar(Tensor t, float v) {
        Tensor x = t.toFloat().contiguous();
        Tensor out = Tensor.zeros(x.shape);
        float[] xd = x.data, o = out.data;
        int xo = x.offset;
        // a true division (not a multiplication by 1/v), as PyTorch does, in parallel chunks
        dev.scratchllm.kernels.Parallel.forRange(out.numel(), 1 << 16, (s, e) -> {
            for (int i = s; i < e; i++) o[i] = xd[xo + i] / v;
        });
        return record(out, "DivBackward0", g -> new Tensor[] {g.div(v)}, x);
    }

    static Tensor pow(Tensor t, float e) {
        Tensor x = t.toFloat().contiguous();
        Tensor out = Tensor.zeros(x.shape);
        float[] xd = x.data, o = out.data;
        int n = out.numel();
        if (e == 2f) for (int i = 0; i < n; i++) o[i] = xd[x.offset + i] * xd[x.offset + i];
        else if (e == 0.5f) for (int i = 0; i < n; i++) o[i] = (float) Math.sqrt(xd[x.offset + i]);
        else for (int i = 0; i < n; i++) o[i] = (float) Math.pow(xd[x.offset + i], e);
        return record(out, "PowBackward0", g -> new Tensor[] {g.mul(e == 2f ? x.mul(2f) : x.pow(e - 1f).mul(e))}, x);
    }

    /** A 0-d tensor holding {@code value}, int64 when {@code t} is int64 and the value is integral. */
    static Tensor scalarLike(Tensor t, double value) {
        if (t.dtype == DType.INT64 && value == Math.rint(value)) return Tensor.ofLongs(new long[] {(long) value});
        return Tensor.scalar((float) value);
    }

    // ------------------------------------------------------------------ unary

    enum Unary {
        EXP("ExpBackward0"), LOG("LogBackward0"), SQRT("SqrtBackward0"), TANH("TanhBackward0"),
        SIGMOID("SigmoidBackward0"), RELU("ReluBackward0"), GELU("GeluBackward0"), ABS("AbsBackward0"),
        SILU("SiluBackward0"), RSQRT("RsqrtBackward0");
        final String node;

        Unary(String node) {
            this.node = node;
        }
    }

    static Tensor unary(Tensor t, Unary f) {
        Tensor x = t.toFloat().contiguous();
        int n = x.numel();
        Tensor out = Tensor.zeros(x.shape);
        float[] xd = x.data, o = out.data;
        int xo = x.offset;
        switch (f) {
            case EXP -> k().exp(xd, xo, o, 0, n);
            case LOG -> { for (int i = 0; i < n; i++) o[i] = (float) Math.log(xd[xo + i]); }
            case SQRT -> { for (int i = 0; i < n; i++) o[i] = (float) Math.sqrt(xd[xo + i]); }
            case TANH -> k().tanh(xd, xo, o, 0, n);
            case SIGMOID -> { for (int i = 0; i < n; i++) o[i] = (float) (1.0 / (1.0 + Math.exp(-xd[xo + i]))); }
            case RELU -> k().relu(xd, xo, o, 0, n);
            case GELU -> k().gelu(xd, xo, o, 0, n);
            case ABS -> { for (int i = 0; i < n; i++) o[i] = Math.abs(xd[xo + i]); }
            // x / (1 + e^-x), PyTorch's formula for silu; rounded once from double
            case SILU -> { for (int i = 0; i < n; i++) o[i] = (float) (xd[xo + i] / (1.0 + Math.exp(-xd[xo + i]))); }
            // PyTorch's float rsqrt is 1 / sqrt(x) with both steps in float
            case RSQRT -> { for (int i = 0; i < n; i++) o[i] = 1f / (float) Math.sqrt(xd[xo + i]); }
        }
        return record(out, f.node, g -> new Tensor[] {unaryBackward(f, g, x, out)}, x);
    }

    private static Tensor unaryBackward(Unary f, Tensor g, Tensor x, Tensor out) {
        switch (f) {
            case EXP: return g.mul(out);
            case LOG: return g.div(x);
            case SQRT: return g.div(out.mul(2f));
            case TANH: return g.mul(out.mul(out).neg().add(1f));
            case SIGMOID: return g.mul(out.mul(out.neg().add(1f)));
            case SILU: {
                // d/dx x·σ(x) = σ(x)·(1 + x·(1 − σ(x)))
                int n = x.numel();
                float[] d = new float[n];
                for (int i = 0; i < n; i++) {
                    double xi = x.data[x.offset + i], s = 1.0 / (1.0 + Math.exp(-xi));
                    d[i] = (float) (s * (1.0 + xi * (1.0 - s)));
                }
                return g.mul(Tensor.of(d, x.shape));
            }
            case RSQRT: return g.mul(out.mul(out).mul(out).mul(-0.5f));
            case ABS: {
                float[] s = new float[x.numel()];
                for (int i = 0; i < s.length; i++) s[i] = Math.signum(x.data[x.offset + i]);
                return g.mul(Tensor.of(s, x.shape));
            }
            default: break;
        }
        Tensor gc = g.contiguous();
        Tensor dx = Tensor.zeros(x.shape);
        int n = x.numel();
        if (f == Unary.RELU) k().reluBackward(x.data, x.offset, gc.data, gc.offset, dx.data, 0, n, false);
        else k().geluBackward(x.data, x.offset, gc.data, gc.offset, dx.data, 0, n, false);
        return dx;
    }

    // ------------------------------------------------------------------ comparisons

    enum Cmp { EQ, NE, GT, GE, LT, LE }

    static Tensor compare(Tensor a, Tensor b, Cmp cmp) {
        int[] outShape = Shape.broadcast(cmp.name().toLowerCase(), a.shape, b.shape);
        float[] o = new float[Shape.numel(outShape)];
        int[] sa = Shape.broadcastStrides(a.shape, a.strides, outShape);
        int[] sb = Shape.broadcastStrides(b.shape, b.strides, outShape);
        int[] cs = Shape.contiguousStrides(outShape);
        StridedLoop.run(outShape, sa, a.offset, sb, b.offset, cs, 0, (o0, o1, o2, len, s0, s1, s2) -> {
            for (int i = 0; i < len; i++) {
                double x = a.dtype == DType.INT64 ? a.ldata[o0 + i * s0] : a.data[o0 + i * s0];
                double y = b.dtype == DType.INT64 ? b.ldata[o1 + i * s1] : b.data[o1 + i * s1];
                boolean r = switch (cmp) {
                    case EQ -> x == y;
                    case NE -> x != y;
                    case GT -> x > y;
                    case GE -> x >= y;
                    case LT -> x < y;
                    case LE -> x <= y;
                };
                o[o2 + i] = r ? 1f : 0f;
            }
        });
        return new Tensor(DType.BOOL, o, null, outShape, cs, 0);
    }

    // ------------------------------------------------------------------ in place

    static void fillInPlace(Tensor t, float v) {
        if (t.dtype == DType.INT64) {
            StridedLoop.run(t.shape, t.strides, t.offset, null, 0, null, 0, (o0, o1, o2, len, s0, s1, s2) -> {
                for (int i = 0; i < len; i++) t.ldata[o0 + i * s0] = (long) v;
            });
            return;
        }
        if (t.isContiguous()) {
            Arrays.fill(t.data, t.offset, t.offset + t.numel(), v);
            return;
        }
        StridedLoop.run(t.shape, t.strides, t.offset, null, 0, null, 0, (o0, o1, o2, len, s0, s1, s2) -> {
            for (int i = 0; i < len; i++) t.data[o0 + i * s0] = v;
        });
    }

    /** {@code dst[...] = src} with {@code src} broadcast to {@code dst}'s shape. */
    static void copyInPlace(Tensor dst, Tensor src) {
        int[] ss = Shape.broadcastStrides(src.shape, src.strides, dst.shape);
        Shape.broadcast("copy_", dst.shape, src.shape);
        if (src.dim() > dst.dim() && src.numel() != dst.numel())
            throw new IllegalArgumentException("copy_: cannot copy a tensor of shape " + Shape.str(src.shape) + " into one of shape " + Shape.str(dst.shape));
        if (dst.dtype == DType.INT64) {
            StridedLoop.run(dst.shape, dst.strides, dst.offset, ss, src.offset, null, 0, (o0, o1, o2, len, s0, s1, s2) -> {
                for (int i = 0; i < len; i++)
                    dst.ldata[o0 + i * s0] = src.dtype == DType.INT64 ? src.ldata[o1 + i * s1] : (long) src.data[o1 + i * s1];
            });
            return;
        }
        StridedLoop.run(dst.shape, dst.strides, dst.offset, ss, src.offset, null, 0, (o0, o1, o2, len, s0, s1, s2) -> {
            if (src.dtype == DType.INT64) for (int i = 0; i < len; i++) dst.data[o0 + i * s0] = src.ldata[o1 + i * s1];
            else if (s0 == 1 && s1 == 1) System.arraycopy(src.data, o1, dst.data, o0, len);
            else for (int i = 0; i < len; i++) dst.data[o0 + i * s0] = src.data[o1 + i * s1];
        });
    }

    /** {@code t += alpha * src} (src broadcast to t's shape). */
    static void axpyInPlace(Tensor t, Tensor src, float alpha) {
        if (t.isContiguous() && src.isContiguous() && Arrays.equals(t.shape, src.shape) && src.dtype == DType.FLOAT32) {
            k().axpy(alpha, src.data, src.offset, t.data, t.offset, t.numel());
            return;
        }
        Tensor s = src.toFloat();
        int[] ss = Shape.broadcastStrides(s.shape, s.strides, t.shape);
        StridedLoop.run(t.shape, t.strides, t.offset, ss, s.offset, null, 0, (o0, o1, o2, len, s0, s1, s2) -> {
            for (int i = 0; i < len; i++) t.data[o0 + i * s0] += alpha * s.data[o1 + i * s1];
        });
    }

    static void addInPlace(Tensor t, Tensor src) {
        axpyInPlace(t, src, 1f);
    }

    static void scaleInPlace(Tensor t, float v) {
        if (t.isContiguous()) {
            k().scaleShift(t.data, t.offset, v, 0f, t.data, t.offset, t.numel());
            return;
        }
        StridedLoop.run(t.shape, t.strides, t.offset, null, 0, null, 0, (o0, o1, o2, len, s0, s1, s2) -> {
            for (int i = 0; i < len; i++) t.data[o0 + i * s0] *= v;
        });
    }
}
