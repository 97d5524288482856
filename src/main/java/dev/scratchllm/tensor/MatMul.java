package dev.scratchllm.tensor;

import dev.scratchllm.kernels.KernelProvider;
import dev.scratchllm.kernels.Kernels;

import java.util.Arrays;

import static dev.scratchllm.tensor.Tensor.record;

/**
 * Matrix products with PyTorch's {@code matmul} rules — 1-D operands promoted and squeezed,
 * 2-D products, and batched products whose batch dims broadcast — plus the fused linear layer
 * {@code x·Wᵀ + b}. Operands that are transposed views are handed to the kernel with a transpose
 * flag instead of being copied, so the backward products (A·Bᵀ, Aᵀ·B) never materialise a
 * transpose.
 */
final class MatMul {
    private MatMul() {
    }

    private static Kernels k() {
        return KernelProvider.get();
    }

    /** How a matrix view is passed to gemm: transposed or not, and its leading dimension. */
    private record Layout(boolean trans, int ld) {
    }

    /** Layout of the trailing 2 dims of {@code t} (rows × cols), or null when a copy is needed. */
    private static Layout layout(Tensor t) {
        int r = t.dim();
        int rows = t.shape[r - 2], cols = t.shape[r - 1];
        int sr = t.strides[r - 2], sc = t.strides[r - 1];
        if ((sc == 1 || cols == 1) && (rows == 1 || sr >= cols)) return new Layout(false, rows == 1 ? Math.max(cols, 1) : sr);
        if ((sr == 1 || rows == 1) && (cols == 1 || sc >= rows)) return new Layout(true, cols == 1 ? Math.max(rows, 1) : sc);
        return null;
    }

    static String shapeErr(Tensor a, Tensor b) {
        return "matmul: mat1 and mat2 shapes cannot be multiplied (" + a.shape[a.dim() - 2] + "x" + a.shape[a.dim() - 1] + " and "
                + b.shape[b.dim() - 2] + "x" + b.shape[b.dim() - 1] + "; shapes " + Shape.str(a.shape) + " and " + Shape.str(b.shape) + ")";
    }

    static Tensor matmul(Tensor a, Tensor b) {
        if (a.dtype == DType.INT64 && b.dtype == DType.INT64) return matmulLong(a, b);
        if (a.dtype != b.dtype && (a.dtype == DType.INT64 || b.dtype == DType.INT64))
            throw new IllegalArgumentException("matmul: expected both tensors to have the same dtype, but got " + a.dtype.torchName() + " with shape "
                    + Shape.str(a.shape) + " and " + b.dtype.torchName() + " with shape " + Shape.str(b.shape));
        a.requireDType("matmul", DType.FLOAT32);
        b.requireDType("matmul", DType.FLOAT32);
        if (a.dim() == 0 || b.dim() == 0)
            throw new IllegalArgumentException("matmul: both arguments need at least 1 dimension (shapes " + Shape.str(a.shape) + " and " + Shape.str(b.shape) + ")");
        if (a.dim() == 1 && b.dim() == 1) {
            if (a.shape[0] != b.shape[0])
                throw new IllegalArgumentException("dot: inconsistent tensor size, expected tensor [" + a.shape[0] + "] and src [" + b.shape[0] + "] to have the same number of elements");
            return renamed(matmul(a.unsqueeze(0), b.unsqueeze(1)).reshape(), "DotBackward0");
        }
        if (a.dim() == 1) return matmul(a.unsqueeze(0), b).squeeze(-2);
        if (b.dim() == 1) return renamed(matmul(a, b.unsqueeze(1)).squeeze(-1), b.dim() == 1 && a.dim() == 2 ? "MvBackward0" : "SqueezeBackward1");
        int kA = a.shape[a.dim() - 1], kB = b.shape[b.dim() - 2];
        if (kA != kB) throw new IllegalArgumentException(shapeErr(a, b));
        if (b.dim() == 2) return matmulFlat(a, b);
        return matmulBatched(a, b);
    }

    /**
     * {@code matmul} of two int64 tensors, as PyTorch allows ({@code tensor2d @ tensor2d.T} in
     * appendix A): the same promotion and broadcasting rules as the float path, exact 64-bit
     * integer sums (wrapping on overflow, as PyTorch's CPU kernel does), no autograd (integer
     * tensors do not take gradients). A plain triple loop over the strided operands: integer
     * products are for teaching and indexing, not a hot path, so there is no kernel for them.
     */
    private static Tensor matmulLong(Tensor a, Tensor b) {
        if (a.dim() == 0 || b.dim() == 0)
            throw new IllegalArgumentException("matmul: both arguments need at least 1 dimension (shapes " + Shape.str(a.shape) + " and " + Shape.str(b.shape) + ")");
        if (a.dim() == 1 && b.dim() == 1 && a.shape[0] != b.shape[0])
            throw new IllegalArgumentException("dot: inconsistent tensor size, expected tensor [" + a.shape[0] + "] and src [" + b.shape[0] + "] to have the same number of elements");
        Tensor a2 = a.dim() == 1 ? a.unsqueeze(0) : a;   // (1, k)
        Tensor b2 = b.dim() == 1 ? b.unsqueeze(1) : b;   // (k, 1)
        int ra = a2.dim(), rb = b2.dim();
        int m = a2.shape[ra - 2], k = a2.shape[ra - 1], kb = b2.shape[rb - 2], n = b2.shape[rb - 1];
        if (k != kb) throw new IllegalArgumentException(shapeErr(a2, b2));
        int[] batchA = Arrays.copyOf(a2.shape, ra - 2), batchB = Arrays.copyOf(b2.shape, rb - 2);
        int[] batch = Shape.broadcast("matmul", batchA, batchB);
        int[] aStr = Shape.broadcastStrides(batchA, Arrays.copyOf(a2.strides, ra - 2), batch);
        int[] bStr = Shape.broadcastStrides(batchB, Arrays.copyOf(b2.strides, rb - 2), batch);
        int sam = a2.strides[ra - 2], sak = a2.strides[ra - 1], sbk = b2.strides[rb - 2], sbn = b2.strides[rb - 1];
        int[] outShape = Arrays.copyOf(batch, batch.length + 2);
        outShape[batch.length] = m;
        outShape[batch.length + 1] = n;
        long[] out = new long[Shape.numel(outShape)];
        int nb = Shape.numel(batch);
        int[] idx = new int[batch.length];
        for (int bi = 0, o = 0; bi < nb; bi++) {
            int ao = a2.offset, bo = b2.offset;
            for (int d = 0; d < batch.length; d++) {
                ao += idx[d] * aStr[d];
                bo += idx[d] * bStr[d];
            }
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    long sum = 0;
                    for (int p = 0; p < k; p++) sum += a2.ldata[ao + i * sam + p * sak] * b2.ldata[bo + p * sbk + j * sbn];
                    out[o++] = sum;
                }
            }
            for (int d = batch.length - 1; d >= 0; d--) {
                if (++idx[d] < batch[d]) break;
                idx[d] = 0;
            }
        }
        Tensor r = Tensor.ofLongs(out, outShape);
        if (a.dim() == 1 && b.dim() == 1) return r.reshape();   // () : the dot product
        if (a.dim() == 1) return r.squeeze(-2);
        if (b.dim() == 1) return r.squeeze(-1);
        return r;
    }

    /** An alias of {@code t} whose graph node carries PyTorch's name for the composite op. */
    private static Tensor renamed(Tensor t, String name) {
        if (t.gradFn == null) return t;
        Tensor alias = t.detach();
        return record(alias, name, g -> new Tensor[] {g}, t);
    }

    /** {@code a (…, m, k) · b (k, n)}: one gemm over all rows of a. */
    private static Tensor matmulFlat(Tensor a, Tensor b) {
        int k = b.shape[0], n = b.shape[1];
        Tensor a2 = a.detach();
        Layout la = a.dim() == 2 ? layout(a2) : null;
        if (la == null || (a.dim() > 2)) {
            a2 = a2.reshape(-1, k);
            la = layout(a2);
            if (la == null) {
                a2 = a2.contiguous();
                la = layout(a2);
            }
        }
        Tensor b2 = b.detach();
        Layout lb = layout(b2);
        if (lb == null) {
            b2 = b2.contiguous();
            lb = layout(b2);
        }
        int m = a2.shape[0];
        int[] outShape = a.shape.clone();
        outShape[outShape.length - 1] = n;
        Tensor out = Tensor.zeros(outShape);
        if (m > 0 && n > 0) {
            if (k == 0) Arrays.fill(out.data, 0f);
            else k().gemm(la.trans(), lb.trans(), m, n, k, a2.data, a2.offset, la.ld(), b2.data, b2.offset, lb.ld(), out.data, 0, n, false);
        }
        boolean batched = a.dim() > 2;
        int[] aShape = a.shape;
        return record(out, batched ? "UnsafeViewBackward0" : "MmBackward0", g -> {
            Tensor ga = null, gb = null;
            if (a.requiresGrad()) ga = g.matmul(b.detach().t());
            if (b.requiresGrad()) {
                Tensor aFlat = a.detach().reshape(-1, k);
                gb = aFlat.t().matmul(g.reshape(-1, n));
            }
            return new Tensor[] {ga == null ? null : ga.reshape(aShape), gb};
        }, a, b);
    }

    /** Batched product with broadcast batch dims. */
    private static Tensor matmulBatched(Tensor a, Tensor b) {
        int ra = a.dim(), rb = b.dim();
        int m = a.shape[ra - 2], k = a.shape[ra - 1], n = b.shape[rb - 1];
        int[] batchA = Arrays.copyOf(a.shape, ra - 2), batchB = Arrays.copyOf(b.shape, rb - 2);
        int[] batch = Shape.broadcast("matmul", batchA, batchB);
        Tensor a2 = a.detach(), b2 = b.detach();
        if (layout(a2) == null) a2 = a2.contiguous();
        if (layout(b2) == null) b2 = b2.contiguous();
        Layout la = layout(a2), lb = layout(b2);
        int nb = Shape.numel(batch);
        int[] aStr = Shape.broadcastStrides(batchA, Arrays.copyOf(a2.strides, ra - 2), batch);
        int[] bStr = Shape.broadcastStrides(batchB, Arrays.copyOf(b2.strides, rb - 2), batch);
        int[] aOffs = new int[nb], bOffs = new int[nb], cOffs = new int[nb];
        int[] idx = new int[batch.length];
        for (int i = 0; i < nb; i++) {
            int ao = a2.offset, bo = b2.offset;
            for (int d = 0; d < batch.length; d++) {
                ao += idx[d] * aStr[d];
                bo += idx[d] * bStr[d];
            }
            aOffs[i] = ao;
            bOffs[i] = bo;
            cOffs[i] = i * m * n;
            for (int d = batch.length - 1; d >= 0; d--) {
                if (++idx[d] < batch[d]) break;
                idx[d] = 0;
            }
        }
        int[] outShape = Arrays.copyOf(batch, batch.length + 2);
        outShape[batch.length] = m;
        outShape[batch.length + 1] = n;
        Tensor out = Tensor.zeros(outShape);
        if (nb > 0 && m > 0 && n > 0 && k > 0)
            k().gemmBatched(la.trans(), lb.trans(), nb, m, n, k, a2.data, aOffs, la.ld(), b2.data, bOffs, lb.ld(), out.data, cOffs, n, false);
        int[] aShape = a.shape, bShape = b.shape;
        return record(out, "UnsafeViewBackward0", g -> {
            Tensor ga = null, gb = null;
            if (a.requiresGrad()) ga = Reductions.sumToShape(g.matmul(b.detach().transpose(-1, -2)), aShape);
            if (b.requiresGrad()) gb = Reductions.sumToShape(a.detach().transpose(-1, -2).matmul(g), bShape);
            return new Tensor[] {ga, gb};
        }, a, b);
    }

    /** Up to this many input rows (decoding one token at a time), a linear layer streams the weight rows instead of packing them. */
    static final int GEMV_MAX_ROWS = 4;

    /**
     * {@code out[r][j] = x[r] · w[j]} for a few rows: each weight row is read once, contiguously,
     * by the SIMD dot kernel, split over threads by output column — memory-bound, like decoding is.
     */
    static void gemvRows(int rows, int outF, int in, float[] x, int xOff, float[] w, int wOff, float[] out) {
        dev.scratchllm.kernels.Parallel.forRange(outF, 256, (j0, j1) -> {
            for (int j = j0; j < j1; j++)
                for (int r = 0; r < rows; r++)
                    out[r * outF + j] = (float) k().dot(x, xOff + r * in, w, wOff + j * in, in);
        });
    }

    /** {@code x (…, in) · weightᵀ (in, out) + bias (out)}: one gemm with a transposed B, then the bias. */
    static Tensor linear(Tensor x, Tensor weight, Tensor bias) {
        x.requireDType("linear", DType.FLOAT32);
        if (weight.dim() != 2) throw new IllegalArgumentException("linear: weight must be 2-D, got shape " + Shape.str(weight.shape));
        int in = weight.shape[1], outF = weight.shape[0];
        if (x.dim() == 0 || x.shape[x.dim() - 1] != in)
            throw new IllegalArgumentException("linear: mat1 and mat2 shapes cannot be multiplied (input " + Shape.str(x.shape)
                    + " and weight " + Shape.str(weight.shape) + " transposed, expected last input dim " + in + ")");
        if (bias != null && (bias.dim() != 1 || bias.shape[0] != outF))
            throw new IllegalArgumentException("linear: bias of shape " + Shape.str(bias.shape) + " does not match weight " + Shape.str(weight.shape));
        Tensor x2 = x.detach().contiguous();
        Tensor w = weight.detach().contiguous();
        int rows = in == 0 ? x.numel() : x2.numel() / in;
        if (x.dim() == 1) rows = 1;
        int[] outShape = x.shape.clone();
        outShape[outShape.length - 1] = outF;
        Tensor out = Tensor.zeros(outShape);
        if (rows > 0 && outF > 0 && in > 0) {
            if (rows <= GEMV_MAX_ROWS) gemvRows(rows, outF, in, x2.data, x2.offset, w.data, w.offset, out.data);
            else k().gemm(false, true, rows, outF, in, x2.data, x2.offset, in, w.data, w.offset, in, out.data, 0, outF, false);
        }
        if (bias != null) {
            Tensor bc = bias.detach().contiguous();
            k().addRowVector(out.data, 0, bc.data, bc.offset, out.data, 0, rows, outF);
        }
        String name = x.dim() <= 2 ? (bias != null ? "AddmmBackward0" : "MmBackward0") : (bias != null ? "ViewBackward0" : "UnsafeViewBackward0");
        final int r = rows;
        return record(out, name, g -> {
            Tensor gc = g.contiguous();
            Tensor gx = null, gw = null, gb = null;
            if (x.requiresGrad()) {
                gx = Tensor.zeros(x.shape);
                k().gemm(false, false, r, in, outF, gc.data, gc.offset, outF, w.data, w.offset, in, gx.data, 0, in, false);
            }
            if (weight.requiresGrad()) {
                gw = Tensor.exclusiveGrad(Tensor.zeros(weight.shape));
                k().gemm(true, false, outF, in, r, gc.data, gc.offset, outF, x2.data, x2.offset, in, gw.data, 0, in, false);
            }
            if (bias != null && bias.requiresGrad()) {
                gb = Tensor.exclusiveGrad(Tensor.zeros(outF));
                k().sumRows(gc.data, gc.offset, r, outF, gb.data, 0, false);
            }
            return new Tensor[] {gx, gw, gb};
        }, x, weight, bias);
    }
}
