package dev.scratchllm.tensor;

import java.util.Arrays;

import static dev.scratchllm.tensor.Tensor.record;

/**
 * View operations: new shape/strides/offset over the same storage, each with its backward rule
 * (reshape the gradient back, transpose it back, or scatter it into zeros for slices).
 * Also the strided copy behind {@code contiguous()}.
 */
final class Views {
    private Views() {
    }

    private static Tensor make(Tensor t, int[] shape, int[] strides, int offset) {
        return new Tensor(t.dtype, t.data, t.ldata, shape, strides, offset);
    }

    static int[] inferShape(String op, int[] newShape, int numel, int[] oldShape) {
        int[] s = newShape.clone();
        int infer = -1;
        long known = 1;
        for (int i = 0; i < s.length; i++) {
            if (s[i] == -1) {
                if (infer >= 0) throw new IllegalArgumentException(op + ": only one dimension can be inferred");
                infer = i;
            } else if (s[i] < 0) {
                throw new IllegalArgumentException(op + ": invalid shape dimension " + s[i] + " in " + Shape.str(newShape));
            } else known *= s[i];
        }
        if (infer >= 0) {
            if (known == 0 || numel % known != 0)
                throw new IllegalArgumentException(op + ": shape '" + Shape.str(newShape) + "' is invalid for input of size " + numel + " (shape " + Shape.str(oldShape) + ")");
            s[infer] = (int) (numel / known);
        } else if (known != numel) {
            throw new IllegalArgumentException(op + ": shape '" + Shape.str(newShape) + "' is invalid for input of size " + numel + " (shape " + Shape.str(oldShape) + ")");
        }
        return s;
    }

    /** PyTorch's computeStride: strides that view old data in the new shape, or null if a copy is needed. */
    static int[] viewStrides(int[] oldShape, int[] oldStrides, int[] newShape) {
        int numel = Shape.numel(oldShape);
        if (numel == 0 || oldShape.length == 0 || Shape.isContiguous(oldShape, oldStrides)) return Shape.contiguousStrides(newShape);
        int[] ns = new int[newShape.length];
        int viewD = newShape.length - 1;
        long chunkBase = oldStrides[oldStrides.length - 1];
        long tensorNumel = 1, viewNumel = 1;
        for (int td = oldShape.length - 1; td >= 0; td--) {
            tensorNumel *= oldShape[td];
            if (td == 0 || (oldShape[td - 1] != 1 && oldStrides[td - 1] != tensorNumel * chunkBase)) {
                while (viewD >= 0 && (viewNumel < tensorNumel || newShape[viewD] == 1)) {
                    ns[viewD] = (int) (viewNumel * chunkBase);
                    viewNumel *= newShape[viewD];
                    viewD--;
                }
                if (viewNumel != tensorNumel) return null;
                if (td > 0) {
                    chunkBase = oldStrides[td - 1];
                    tensorNumel = 1;
                    viewNumel = 1;
                }
            }
        }
        return viewD == -1 ? ns : null;
    }

    static Tensor view(Tensor t, int[] newShape, String op) {
        int[] shape = inferShape(op, newShape, t.numel(), t.shape);
        int[] strides = viewStrides(t.shape, t.strides, shape);
        if (strides == null)
            throw new IllegalArgumentException(op + ": view size is not compatible with input tensor's size and stride (shape "
                    + Shape.str(t.shape) + ", strides " + Shape.str(t.strides) + ", requested " + Shape.str(newShape)
                    + "); use reshape(...) or contiguous().view(...)");
        Tensor out = make(t, shape, strides, t.offset);
        int[] old = t.shape;
        return record(out, "ViewBackward0", g -> new Tensor[] {g.reshape(old)}, t);
    }

    static Tensor reshape(Tensor t, int[] newShape) {
        int[] shape = inferShape("reshape", newShape, t.numel(), t.shape);
        if (viewStrides(t.shape, t.strides, shape) != null) return view(t, shape, "reshape");
        return view(contiguous(t), shape, "reshape");
    }

    static Tensor transpose(Tensor t, int d0, int d1) {
        int r = t.dim();
        int a = Shape.wrapDim("transpose", d0, r), b = Shape.wrapDim("transpose", d1, r);
        if (r == 0) return t;
        int[] shape = t.shape.clone(), strides = t.strides.clone();
        shape[a] = t.shape[b];
        shape[b] = t.shape[a];
        strides[a] = t.strides[b];
        strides[b] = t.strides[a];
        return record(make(t, shape, strides, t.offset), "TransposeBackward0", g -> new Tensor[] {g.transpose(a, b)}, t);
    }

    static Tensor permute(Tensor t, int[] dims) {
        int r = t.dim();
        if (dims.length != r)
            throw new IllegalArgumentException("permute: number of dims don't match in permute (got " + dims.length + " dims for shape " + Shape.str(t.shape) + ")");
        int[] shape = new int[r], strides = new int[r], inverse = new int[r];
        boolean[] used = new boolean[r];
        for (int i = 0; i < r; i++) {
            int d = Shape.wrapDim("permute", dims[i], r);
            if (used[d]) throw new IllegalArgumentException("permute: repeated dim " + d + " in " + Arrays.toString(dims));
            used[d] = true;
            shape[i] = t.shape[d];
            strides[i] = t.strides[d];
            inverse[d] = i;
        }
        return record(make(t, shape, strides, t.offset), "PermuteBackward0", g -> new Tensor[] {g.permute(inverse)}, t);
    }

    static Tensor unsqueeze(Tensor t, int dim) {
        int r = t.dim();
        int d = Shape.wrapDim("unsqueeze", dim, r + 1);
        int[] shape = new int[r + 1], strides = new int[r + 1];
        for (int i = 0, j = 0; i <= r; i++) {
            if (i == d) {
                shape[i] = 1;
                strides[i] = d < r ? t.shape[d] * t.strides[d] : 1;
            } else {
                shape[i] = t.shape[j];
                strides[i] = t.strides[j];
                j++;
            }
        }
        return record(make(t, shape, strides, t.offset), "UnsqueezeBackward0", g -> new Tensor[] {g.squeeze(d)}, t);
    }

    /** Removes dim {@code dim} if size 1; {@code dim == -999} removes all size-1 dims. */
    static Tensor squeeze(Tensor t, int dim) {
        int r = t.dim();
        int n = 0;
        for (int i = 0; i < r; i++) if (!(t.shape[i] == 1 && (dim == -999 || dim == i))) n++;
        if (n == r) return t;
        int[] shape = new int[n], strides = new int[n];
        for (int i = 0, j = 0; i < r; i++) {
            if (t.shape[i] == 1 && (dim == -999 || dim == i)) continue;
            shape[j] = t.shape[i];
            strides[j] = t.strides[i];
            j++;
        }
        int[] old = t.shape;
        return record(make(t, shape, strides, t.offset), dim == -999 ? "SqueezeBackward0" : "SqueezeBackward1",
                g -> new Tensor[] {g.reshape(old)}, t);
    }

    static Tensor flatten(Tensor t, int start, int end) {
        int r = t.dim();
        if (r == 0) return t.reshape(1);
        int s = Shape.wrapDim("flatten", start, r), e = Shape.wrapDim("flatten", end, r);
        if (s > e) throw new IllegalArgumentException("flatten: start_dim (" + start + ") cannot come after end_dim (" + end + ")");
        if (s == e) return t;
        int[] shape = new int[r - (e - s)];
        int k = 0;
        for (int i = 0; i < s; i++) shape[k++] = t.shape[i];
        int m = 1;
        for (int i = s; i <= e; i++) m *= t.shape[i];
        shape[k++] = m;
        for (int i = e + 1; i < r; i++) shape[k++] = t.shape[i];
        return reshape(t, shape);
    }

    static Tensor narrow(Tensor t, int dim, int start, int length) {
        int d = Shape.wrapDim("narrow", dim, t.dim());
        int size = t.shape[d];
        int st = start < 0 ? start + size : start;
        if (st < 0 || length < 0 || st + length > size)
            throw new IllegalArgumentException("narrow: start (" + start + ") + length (" + length + ") exceeds dimension size (" + size
                    + ") of dim " + d + " in shape " + Shape.str(t.shape));
        return slice(t, d, st, st + length, 1);
    }

    static Tensor slice(Tensor t, int dim, int start, int end, int step) {
        int d = Shape.wrapDim("slice", dim, t.dim());
        if (step <= 0) throw new IllegalArgumentException("slice: step must be positive, got " + step);
        int size = t.shape[d];
        int s = start < 0 ? Math.max(0, start + size) : Math.min(start, size);
        int e = end < 0 ? Math.max(0, end + size) : Math.min(end, size);
        int len = e > s ? (e - s + step - 1) / step : 0;
        int[] shape = t.shape.clone(), strides = t.strides.clone();
        shape[d] = len;
        strides[d] = t.strides[d] * step;
        int off = t.offset + s * t.strides[d];
        int[] old = t.shape;
        final int fs = s;
        return record(make(t, shape, strides, off), "SliceBackward0", g -> {
            Tensor z = Tensor.zeros(old);
            Pointwise.copyInPlace(slice(z, d, fs, fs + (len - 1) * step + 1, step), g);
            return new Tensor[] {z};
        }, t);
    }

    static Tensor select(Tensor t, int dim, int index) {
        int r = t.dim();
        if (r == 0) throw new IllegalArgumentException("select: invalid index of a 0-dim tensor");
        int d = Shape.wrapDim("select", dim, r);
        int size = t.shape[d];
        int i = index < 0 ? index + size : index;
        if (i < 0 || i >= size)
            throw new IllegalArgumentException("select: index " + index + " is out of bounds for dimension " + d + " with size " + size
                    + " (shape " + Shape.str(t.shape) + ")");
        int[] shape = new int[r - 1], strides = new int[r - 1];
        for (int a = 0, b = 0; a < r; a++) {
            if (a == d) continue;
            shape[b] = t.shape[a];
            strides[b] = t.strides[a];
            b++;
        }
        int[] old = t.shape;
        return record(make(t, shape, strides, t.offset + i * t.strides[d]), "SelectBackward0", g -> {
            Tensor z = Tensor.zeros(old);
            Pointwise.copyInPlace(select(z, d, i), g);
            return new Tensor[] {z};
        }, t);
    }

    static Tensor expand(Tensor t, int[] newShape) {
        int r = t.dim(), n = newShape.length;
        if (n < r) throw new IllegalArgumentException("expand: the number of sizes provided (" + n + ") must be greater or equal to the number of dimensions in the tensor (" + r + ")");
        int[] shape = new int[n], strides = new int[n];
        for (int i = 0; i < n; i++) {
            int j = i - (n - r);
            int want = newShape[i];
            if (j < 0) {
                if (want < 0) throw new IllegalArgumentException("expand: -1 not allowed in a leading, non-existing dimension");
                shape[i] = want;
                strides[i] = 0;
            } else if (want == -1 || want == t.shape[j]) {
                shape[i] = t.shape[j];
                strides[i] = t.strides[j];
            } else if (t.shape[j] == 1) {
                shape[i] = want;
                strides[i] = 0;
            } else {
                throw new IllegalArgumentException("expand: the expanded size of the tensor (" + want + ") must match the existing size (" + t.shape[j]
                        + ") at non-singleton dimension " + i + ". Target sizes: " + Shape.str(newShape) + ". Tensor sizes: " + Shape.str(t.shape));
            }
        }
        int[] old = t.shape;
        return record(make(t, shape, strides, t.offset), "ExpandBackward0", g -> new Tensor[] {Reductions.sumToShape(g, old)}, t);
    }

    static Tensor contiguous(Tensor t) {
        Tensor c = t.contiguousCopy();
        if (t.dtype != DType.FLOAT32) return c;
        return record(c, "CloneBackward0", g -> new Tensor[] {g}, t);
    }

    /** Copies the elements of {@code t} in row-major order into {@code dst} starting at {@code dstOff}. */
    static void copyInto(Tensor t, float[] dst, int dstOff) {
        if (t.isContiguous()) {
            System.arraycopy(t.data, t.offset, dst, dstOff, t.numel());
            return;
        }
        int[] pos = {dstOff};
        float[] src = t.data;
        StridedLoop.run(t.shape, t.strides, t.offset, null, 0, null, 0, (o0, o1, o2, len, s0, s1, s2) -> {
            int p = pos[0];
            if (s0 == 1) System.arraycopy(src, o0, dst, p, len);
            else for (int i = 0; i < len; i++) dst[p + i] = src[o0 + i * s0];
            pos[0] = p + len;
        });
    }

    /** Copies the elements of an int64 tensor in row-major order into {@code dst}. */
    static void copyInto(Tensor t, long[] dst, int dstOff) {
        int[] pos = {dstOff};
        long[] src = t.ldata;
        StridedLoop.run(t.shape, t.strides, t.offset, null, 0, null, 0, (o0, o1, o2, len, s0, s1, s2) -> {
            int p = pos[0];
            for (int i = 0; i < len; i++) dst[p + i] = src[o0 + i * s0];
            pos[0] = p + len;
        });
    }
}
