package dev.scratchllm.tensor;

import dev.scratchllm.autograd.GradMode;
import dev.scratchllm.autograd.Node;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static dev.scratchllm.tensor.Tensor.record;

/**
 * Ops that pick, place or combine elements: triangles, masked fill, where, top-k, gather and
 * scatter-add, concatenation and stacking, and embedding lookup — each with its backward rule.
 */
final class Indexing {
    private Indexing() {
    }

    // ------------------------------------------------------------------ triangles

    static Tensor triangle(Tensor t, int diagonal, boolean upper) {
        String op = upper ? "triu" : "tril";
        if (t.dim() < 2) throw new IllegalArgumentException(op + ": input tensor must have at least 2 dimensions (shape " + Shape.str(t.shape) + ")");
        Tensor c = t.contiguousCopy();
        int rows = t.shape[t.dim() - 2], cols = t.shape[t.dim() - 1];
        int mats = rows * cols == 0 ? 0 : c.numel() / (rows * cols);
        for (int m = 0; m < mats; m++)
            for (int i = 0; i < rows; i++)
                for (int j = 0; j < cols; j++) {
                    boolean keep = upper ? j - i >= diagonal : j - i <= diagonal;
                    if (keep) continue;
                    int o = (m * rows + i) * cols + j;
                    if (c.dtype == DType.INT64) c.ldata[o] = 0;
                    else c.data[o] = 0f;
                }
        if (t.dtype != DType.FLOAT32) return c;
        return record(c, upper ? "TriuBackward0" : "TrilBackward0", g -> new Tensor[] {triangle(g, diagonal, upper)}, t);
    }

    // ------------------------------------------------------------------ masks

    private static Tensor maskFor(String op, Tensor mask, int[] shape) {
        if (mask.dtype != DType.BOOL)
            throw new IllegalArgumentException(op + ": expected a mask of dtype torch.bool, got " + mask.dtype.torchName()
                    + " (use mask.toBool() or a comparison such as mask.eq(1))");
        int[] b = Shape.broadcast(op, shape, mask.shape);
        if (!Arrays.equals(b, shape))
            throw new IllegalArgumentException(op + ": the mask of shape " + Shape.str(mask.shape) + " cannot be broadcast to the tensor's shape " + Shape.str(shape));
        return mask;
    }

    /** Writes {@code value} into {@code c} (contiguous) wherever {@code mask} (broadcast) is true. */
    private static void fillWhere(Tensor c, Tensor mask, float value) {
        int[] ms = Shape.broadcastStrides(mask.shape, mask.strides, c.shape);
        float[] cd = c.data, md = mask.data;
        StridedLoop.run(c.shape, c.strides, c.offset, ms, mask.offset, null, 0, (o0, o1, o2, len, s0, s1, s2) -> {
            if (s0 == 1 && s1 == 1) { // rows of a causal mask over rows of scores: unit strides (1.6x faster than the strided loop)
                for (int i = 0; i < len; i++) if (md[o1 + i] != 0f) cd[o0 + i] = value;
            } else {
                for (int i = 0; i < len; i++) if (md[o1 + i * s1] != 0f) cd[o0 + i * s0] = value;
            }
        });
    }

    static Tensor maskedFill(Tensor t, Tensor mask, float value) {
        t.requireDType("masked_fill", DType.FLOAT32);
        maskFor("masked_fill", mask, t.shape);
        Tensor c = t.contiguousCopy();
        fillWhere(c, mask, value);
        return record(c, "MaskedFillBackward0", g -> new Tensor[] {g.maskedFill(mask, 0f)}, t);
    }

    static Tensor maskedFillInPlace(Tensor t, Tensor mask, float value) {
        t.requireDType("masked_fill_", DType.FLOAT32);
        maskFor("masked_fill_", mask, t.shape);
        if (!(t.requiresGrad && GradMode.isEnabled())) {
            fillWhere(t, mask, value);
            return t;
        }
        if (t.gradFn == null)
            throw new IllegalStateException("masked_fill_: a leaf Variable that requires grad is being used in an in-place operation");
        // Rebind: 'previous' stands for the tensor before the write; the fill's backward only needs the mask.
        Tensor previous = new Tensor(t.dtype, t.data, t.ldata, t.shape, t.strides, t.offset);
        previous.requiresGrad = true;
        previous.gradFn = t.gradFn;
        fillWhere(t, mask, value);
        t.gradFn = Node.of("MaskedFillBackward0", new Tensor[] {previous}, g -> new Tensor[] {g.maskedFill(mask, 0f)});
        return t;
    }

    static Tensor where(Tensor cond, Tensor a, Tensor b) {
        if (cond.dtype != DType.BOOL) throw new IllegalArgumentException("where: expected condition to be a boolean tensor, got " + cond.dtype.torchName());
        Tensor x = a.toFloat(), y = b.toFloat();
        int[] shape = Shape.broadcast("where", Shape.broadcast("where", cond.shape, x.shape), y.shape);
        Tensor out = Tensor.zeros(shape);
        Tensor cx = cond.expand(shape), xx = x.detach().expand(shape), yx = y.detach().expand(shape);
        int[] idx = new int[shape.length];
        int n = out.numel();
        for (int i = 0; i < n; i++) {
            int rem = i;
            for (int d = shape.length - 1; d >= 0; d--) {
                idx[d] = rem % shape[d];
                rem /= shape[d];
            }
            out.data[i] = cx.data[cx.storageIndex(idx)] != 0f ? xx.data[xx.storageIndex(idx)] : yx.data[yx.storageIndex(idx)];
        }
        Tensor zero = Tensor.scalar(0f);
        return record(out, "WhereBackward0", g -> new Tensor[] {
                x.requiresGrad ? Reductions.sumToShape(where(cond, g, zero), x.shape) : null,
                y.requiresGrad ? Reductions.sumToShape(where(cond, zero, g), y.shape) : null}, x, y);
    }

    // ------------------------------------------------------------------ gather / scatter

    /** Storage offset in {@code t} of index position {@code idx} with dimension {@code d} replaced by {@code v}. */
    private static int offsetWith(Tensor t, int[] idx, int d, long v) {
        int o = t.offset;
        for (int i = 0; i < idx.length; i++) o += (i == d ? (int) v : idx[i]) * t.strides[i];
        return o;
    }

    private static void checkIndex(String op, Tensor t, int d, Tensor index) {
        if (index.dtype != DType.INT64)
            throw new IllegalArgumentException(op + ": expected an int64 index, got " + index.dtype.torchName());
        if (index.dim() != t.dim())
            throw new IllegalArgumentException(op + ": index tensor must have the same number of dimensions as input (index " + Shape.str(index.shape)
                    + ", input " + Shape.str(t.shape) + ")");
        for (int i = 0; i < t.dim(); i++)
            if (i != d && index.shape[i] > t.shape[i])
                throw new IllegalArgumentException(op + ": size of index " + Shape.str(index.shape) + " exceeds input " + Shape.str(t.shape) + " at dimension " + i);
    }

    private static boolean next(int[] idx, int[] shape) {
        for (int d = shape.length - 1; d >= 0; d--) {
            if (++idx[d] < shape[d]) return true;
            idx[d] = 0;
        }
        return false;
    }

    static Tensor gather(Tensor t, int dim, Tensor index) {
        int d = Shape.wrapDim("gather", dim, t.dim());
        checkIndex("gather", t, d, index);
        int n = index.numel();
        int[] idx = new int[index.dim()];
        boolean isLong = t.dtype == DType.INT64;
        float[] of = isLong ? null : new float[n];
        long[] ol = isLong ? new long[n] : null;
        for (int i = 0; i < n; i++) {
            long v = index.ldata[index.storageIndex(idx)];
            if (v < 0 || v >= t.shape[d])
                throw new IllegalArgumentException("gather: index " + v + " is out of bounds for dimension " + d + " with size " + t.shape[d]);
            int o = offsetWith(t, idx, d, v);
            if (isLong) ol[i] = t.ldata[o];
            else of[i] = t.data[o];
            next(idx, index.shape);
        }
        if (isLong) return Tensor.ofLongs(ol, index.shape);
        Tensor out = new Tensor(t.dtype, of, null, index.shape.clone(), Shape.contiguousStrides(index.shape), 0);
        if (t.dtype != DType.FLOAT32) return out;
        int[] shape = t.shape;
        return record(out, "GatherBackward0", g -> new Tensor[] {scatter(shape, d, index, g)}, t);
    }

    /** A zero tensor of {@code shape} with {@code src} added at {@code index} along {@code d} (scatter_add). */
    static Tensor scatter(int[] shape, int d, Tensor index, Tensor src) {
        Tensor out = Tensor.zeros(shape);
        int[] idx = new int[index.dim()];
        int n = index.numel();
        for (int i = 0; i < n; i++) {
            long v = index.ldata[index.storageIndex(idx)];
            out.data[offsetWith(out, idx, d, v)] += src.data[src.storageIndex(idx)];
            next(idx, index.shape);
        }
        return out;
    }

    // ------------------------------------------------------------------ topk

    static ValuesIndices topk(Tensor t, int k, int dim) {
        t.requireDType("topk", DType.FLOAT32);
        int d = Shape.wrapDim("topk", dim, Math.max(1, t.dim()));
        Tensor x = t.dim() == 0 ? t.reshape(1) : t;
        int size = x.shape[d];
        if (k < 0 || k > size) throw new IllegalArgumentException("topk: k (" + k + ") out of range for dimension " + d + " of size " + size);
        int last = x.dim() - 1;
        Tensor xt = (d == last ? x.detach() : x.detach().transpose(d, last)).contiguous();
        int rows = size == 0 ? 0 : xt.numel() / size;
        int[] outShapeT = xt.shape.clone();
        outShapeT[last] = k;
        long[] idx = new long[rows * k];
        Integer[] order = new Integer[size];
        for (int r = 0; r < rows; r++) {
            int base = xt.offset + r * size;
            for (int i = 0; i < size; i++) order[i] = i;
            // descending by value, NaN first as PyTorch treats NaN as the largest; stable for ties
            Arrays.sort(order, (p, q) -> {
                float a = xt.data[base + p], b = xt.data[base + q];
                return Float.compare(Float.isNaN(b) ? Float.POSITIVE_INFINITY : b, Float.isNaN(a) ? Float.POSITIVE_INFINITY : a);
            });
            for (int i = 0; i < k; i++) idx[r * k + i] = order[i];
        }
        Tensor indicesT = Tensor.ofLongs(idx, outShapeT);
        Tensor indices = d == last ? indicesT : indicesT.transpose(d, last).contiguous();
        Tensor values;
        try (var ng = GradMode.noGrad()) {
            values = x.gather(d, indices);
        }
        int[] shape = x.shape;
        record(values, "TopkBackward0", g -> new Tensor[] {scatter(shape, d, indices, g)}, x);
        return new ValuesIndices(values, indices);
    }

    // ------------------------------------------------------------------ cat / stack

    static Tensor cat(List<Tensor> tensors, int dim) {
        if (tensors.isEmpty()) throw new IllegalArgumentException("cat: expected a non-empty list of Tensors");
        Tensor first = tensors.get(0);
        int d = Shape.wrapDim("cat", dim, first.dim());
        DType dtype = first.dtype;
        int total = 0;
        for (Tensor t : tensors) {
            if (t.dim() != first.dim())
                throw new IllegalArgumentException("cat: tensors must have same number of dimensions: got " + first.dim() + " and " + t.dim());
            for (int i = 0; i < t.dim(); i++)
                if (i != d && t.shape[i] != first.shape[i])
                    throw new IllegalArgumentException("cat: sizes of tensors must match except in dimension " + d + ": got shapes "
                            + Shape.str(first.shape) + " and " + Shape.str(t.shape));
            if (t.dtype != dtype) dtype = DType.FLOAT32;
            total += t.shape[d];
        }
        int[] shape = first.shape.clone();
        shape[d] = total;
        Tensor out = dtype == DType.INT64 ? Tensor.zerosLong(shape) : new Tensor(dtype, new float[Shape.numel(shape)], null, shape, Shape.contiguousStrides(shape), 0);
        int at = 0;
        for (Tensor t : tensors) {
            Tensor src = dtype == DType.FLOAT32 ? t.toFloat() : t;
            Pointwise.copyInPlace(Views.narrow(out.detach(), d, at, t.shape[d]), src);
            at += t.shape[d];
        }
        if (dtype != DType.FLOAT32) return out;
        Tensor[] inputs = tensors.toArray(new Tensor[0]);
        int[] sizes = new int[inputs.length];
        for (int i = 0; i < inputs.length; i++) sizes[i] = inputs[i].shape[d];
        return record(out, "CatBackward0", g -> {
            Tensor[] r = new Tensor[sizes.length];
            int s = 0;
            for (int i = 0; i < sizes.length; i++) {
                r[i] = g.narrow(d, s, sizes[i]);
                s += sizes[i];
            }
            return r;
        }, inputs);
    }

    static Tensor stack(List<Tensor> tensors, int dim) {
        if (tensors.isEmpty()) throw new IllegalArgumentException("stack: expected a non-empty list of Tensors");
        int[] s0 = tensors.get(0).shape;
        int d = Shape.wrapDim("stack", dim, s0.length + 1);
        List<Tensor> parts = new ArrayList<>(tensors.size());
        for (Tensor t : tensors) {
            if (!Arrays.equals(t.shape, s0))
                throw new IllegalArgumentException("stack: expects each tensor to be equal size, but got " + Shape.str(s0) + " and " + Shape.str(t.shape));
            parts.add(t.unsqueeze(d));
        }
        return cat(parts, d);
    }

    // ------------------------------------------------------------------ index_select / index_add (dim 0)

    private static long[] rowIndex(String op, int dim, Tensor index, int rows) {
        if (dim != 0) throw new IllegalArgumentException(op + ": only dim=0 is supported, got dim=" + dim);
        if (index.dtype != DType.INT64 || index.dim() != 1)
            throw new IllegalArgumentException(op + ": index must be a 1-D int64 tensor, got " + index.dtype.torchName() + " of shape " + Shape.str(index.shape));
        long[] id = index.toLongArray();
        for (long r : id)
            if (r < 0 || r >= rows) throw new IllegalArgumentException(op + ": index " + r + " is out of bounds for dimension 0 with size " + rows);
        return id;
    }

    static Tensor indexSelect(Tensor t, int dim, Tensor index) {
        t.requireDType("index_select", DType.FLOAT32);
        if (t.dim() < 1) throw new IllegalArgumentException("index_select: input must have at least one dimension, got shape " + Shape.str(t.shape));
        long[] id = rowIndex("index_select", dim, index, t.shape[0]);
        Tensor x = t.contiguous();
        int row = t.numel() / Math.max(1, t.shape[0]);
        int[] shape = t.shape.clone();
        shape[0] = id.length;
        float[] o = new float[id.length * row];
        for (int i = 0; i < id.length; i++) System.arraycopy(x.data, x.offset + (int) id[i] * row, o, i * row, row);
        int[] inShape = t.shape;
        return record(Tensor.of(o, shape), "IndexSelectBackward0", g -> {
            Tensor z = Tensor.zeros(inShape);
            return new Tensor[] {indexAddRows(z, id, g.contiguous(), row)};
        }, t);
    }

    static Tensor indexAdd(Tensor t, int dim, Tensor index, Tensor source) {
        t.requireDType("index_add", DType.FLOAT32);
        source.requireDType("index_add", DType.FLOAT32);
        if (t.dim() < 1) throw new IllegalArgumentException("index_add: input must have at least one dimension, got shape " + Shape.str(t.shape));
        long[] id = rowIndex("index_add", dim, index, t.shape[0]);
        int[] want = t.shape.clone();
        want[0] = id.length;
        if (!Arrays.equals(want, source.shape))
            throw new IllegalArgumentException("index_add: source of shape " + Shape.str(source.shape) + " does not fit input " + Shape.str(t.shape)
                    + " with " + id.length + " indices (expected " + Shape.str(want) + ")");
        int row = t.numel() / Math.max(1, t.shape[0]);
        Tensor out = indexAddRows(t.contiguousCopy(), id, source.contiguous(), row);
        return record(out, "IndexAddBackward0", g -> new Tensor[] {
                t.requiresGrad() ? g : null,
                source.requiresGrad() ? indexSelect(g.contiguous().detach(), 0, index) : null}, t, source);
    }

    /** Adds row {@code i} of {@code src} to row {@code id[i]} of {@code dst} (contiguous, owned), in index order. */
    private static Tensor indexAddRows(Tensor dst, long[] id, Tensor src, int row) {
        for (int i = 0; i < id.length; i++) {
            int d = dst.offset + (int) id[i] * row, s = src.offset + i * row;
            for (int c = 0; c < row; c++) dst.data[d + c] += src.data[s + c];
        }
        return dst;
    }

    // ------------------------------------------------------------------ embedding

    static Tensor embedding(Tensor weight, Tensor ids) {
        weight.requireDType("embedding", DType.FLOAT32);
        if (weight.dim() != 2) throw new IllegalArgumentException("embedding: weight must be 2-D, got shape " + Shape.str(weight.shape));
        if (ids.dtype != DType.INT64)
            throw new IllegalArgumentException("embedding: expected indices of dtype torch.int64, got " + ids.dtype.torchName() + " (shape " + Shape.str(ids.shape) + ")");
        int rows = weight.shape[0], dimE = weight.shape[1];
        long[] id = ids.toLongArray();
        Tensor w = weight.contiguous();
        int[] shape = Arrays.copyOf(ids.shape, ids.dim() + 1);
        shape[ids.dim()] = dimE;
        float[] o = new float[id.length * dimE];
        for (int i = 0; i < id.length; i++) {
            long r = id[i];
            if (r < 0 || r >= rows)
                throw new IllegalArgumentException("embedding: index " + r + " out of range for an embedding of " + rows + " rows (indices shape " + Shape.str(ids.shape) + ")");
            System.arraycopy(w.data, w.offset + (int) r * dimE, o, i * dimE, dimE);
        }
        int[] wShape = weight.shape;
        return record(Tensor.of(o, shape), "EmbeddingBackward0", g -> {
            Tensor gc = g.contiguous();
            float[] dw = new float[rows * dimE];
            for (int i = 0; i < id.length; i++) {
                int src = gc.offset + i * dimE, dst = (int) id[i] * dimE;
                for (int c = 0; c < dimE; c++) dw[dst + c] += gc.data[src + c];
            }
            return new Tensor[] {Tensor.exclusiveGrad(Tensor.of(dw, wShape))};
        }, weight);
    }
}
