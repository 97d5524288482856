package dev.scratchllm.tensor;

import dev.scratchllm.autograd.Engine;
import dev.scratchllm.autograd.GradMode;
import dev.scratchllm.autograd.Node;

import java.util.Arrays;
import java.util.List;

/**
 * An n-dimensional array with PyTorch's semantics: row-major storage with shape, strides and
 * an offset, so that views ({@link #view}, {@link #transpose}, {@link #permute},
 * {@link #narrow}, …) share storage; PyTorch's broadcasting for element-wise ops; and
 * reverse-mode autograd ({@link #requiresGrad(boolean)}, {@link #backward()}, {@link #grad()}).
 *
 * <p>Floating tensors ({@link DType#FLOAT32}) hold a {@code float[]}; integer tensors
 * ({@link DType#INT64}) a {@code long[]}; boolean masks ({@link DType#BOOL}) store 0/1 in a
 * {@code float[]}. Only floating tensors take part in autograd. The hot loops live in
 * {@code dev.scratchllm.kernels}; this class holds the state and the public API and delegates
 * to package-private op classes ({@code Pointwise}, {@code Reductions}, {@code MatMul},
 * {@code Indexing}, {@code TensorFormat}).
 *
 * <p>Not supported: other dtypes, devices, sparse layouts, double backward, in-place ops on
 * tensors whose saved values a backward rule still needs (PyTorch's version counter check).
 */
public final class Tensor {
    final DType dtype;
    final float[] data;   // FLOAT32 and BOOL
    final long[] ldata;   // INT64
    final int[] shape;
    final int[] strides;
    final int offset;

    boolean requiresGrad;
    private Tensor grad;
    Node gradFn;
    /**
     * Set by a backward rule on a gradient it has just allocated and returns for one input only:
     * no other tensor shares its storage, so {@link #accumulateGrad} may adopt it as a leaf's
     * {@code grad} instead of copying it. Cleared when adopted.
     */
    boolean exclusive;

    Tensor(DType dtype, float[] data, long[] ldata, int[] shape, int[] strides, int offset) {
        this.dtype = dtype;
        this.data = data;
        this.ldata = ldata;
        this.shape = shape;
        this.strides = strides;
        this.offset = offset;
    }

    // ================================================================== creation

    /**
     * A contiguous float tensor over {@code data} (not copied) with the given shape.
     *
     * @param data the values, row-major; kept, not copied
     * @param shape the shape; its element count must equal {@code data.length}
     * @return the new tensor
     */
    public static Tensor of(float[] data, int... shape) {
        if (Shape.numel(shape) != data.length)
            throw new IllegalArgumentException("Tensor.of: shape " + Shape.str(shape) + " is invalid for input of size " + data.length);
        return new Tensor(DType.FLOAT32, data, null, shape.clone(), Shape.contiguousStrides(shape), 0);
    }

    /**
     * A contiguous int64 tensor over {@code data} (not copied) with the given shape.
     *
     * @param data the values, row-major; kept, not copied
     * @param shape the shape; its element count must equal {@code data.length}
     * @return the new tensor
     */
    public static Tensor ofLongs(long[] data, int... shape) {
        if (Shape.numel(shape) != data.length)
            throw new IllegalArgumentException("Tensor.ofLongs: shape " + Shape.str(shape) + " is invalid for input of size " + data.length);
        return new Tensor(DType.INT64, null, data, shape.clone(), Shape.contiguousStrides(shape), 0);
    }

    /**
     * A contiguous boolean tensor with a copy of {@code values}.
     *
     * @param values the values, row-major
     * @param shape the shape; its element count must equal {@code values.length}
     * @return the new tensor
     */
    public static Tensor ofBools(boolean[] values, int... shape) {
        if (Shape.numel(shape) != values.length)
            throw new IllegalArgumentException("Tensor.ofBools: shape " + Shape.str(shape) + " is invalid for input of size " + values.length);
        float[] d = new float[values.length];
        for (int i = 0; i < d.length; i++) d[i] = values[i] ? 1f : 0f;
        return new Tensor(DType.BOOL, d, null, shape.clone(), Shape.contiguousStrides(shape), 0);
    }

    /**
     * A 0-d float tensor.
     *
     * @param value the value
     * @return the new tensor
     */
    public static Tensor scalar(float value) {
        return of(new float[] {value});
    }

    /**
     * A tensor from a (nested) Java array, like {@code torch.tensor}: {@code float[]},
     * {@code double[][]}, … give float32; {@code int[]}, {@code long[][]}, … give int64;
     * {@code boolean[]}, … give bool. Ragged arrays are rejected.
     *
     * @param array a (nested) array of floats, doubles, ints, longs or booleans
     * @return the new tensor, with a copy of the values
     */
    public static Tensor fromArray(Object array) {
        return Creation.fromArray(array);
    }

    /**
     * A float tensor of zeros.
     *
     * @param shape the shape
     * @return the new tensor
     */
    public static Tensor zeros(int... shape) {
        return of(new float[Shape.numel(shape)], shape);
    }

    /**
     * A float tensor of ones.
     *
     * @param shape the shape
     * @return the new tensor
     */
    public static Tensor ones(int... shape) {
        return full(1f, shape);
    }

    /**
     * A float tensor filled with {@code value}.
     *
     * @param value the fill value
     * @param shape the shape
     * @return the new tensor
     */
    public static Tensor full(float value, int... shape) {
        float[] d = new float[Shape.numel(shape)];
        Arrays.fill(d, value);
        return of(d, shape);
    }

    /**
     * An int64 tensor of zeros.
     *
     * @param shape the shape
     * @return the new tensor
     */
    public static Tensor zerosLong(int... shape) {
        return ofLongs(new long[Shape.numel(shape)], shape);
    }

    /**
     * Zeros with this tensor's shape and dtype.
     *
     * @return the new tensor
     */
    public Tensor zerosLike() {
        return dtype == DType.INT64 ? zerosLong(shape) : new Tensor(dtype, new float[numel()], null, shape.clone(), Shape.contiguousStrides(shape), 0);
    }

    /**
     * Ones with this tensor's shape (float).
     *
     * @return the new tensor
     */
    public Tensor onesLike() {
        return ones(shape);
    }

    /**
     * {@code 0, 1, …, end-1} as int64, like {@code torch.arange(end)}.
     *
     * @param end the exclusive end
     * @return the new 1-D tensor
     */
    public static Tensor arange(long end) {
        return arange(0, end, 1);
    }

    /**
     * {@code start, start+step, …} below {@code end}, as int64.
     *
     * @param start the first value
     * @param end the exclusive end
     * @param step the step, not 0
     * @return the new 1-D tensor
     */
    public static Tensor arange(long start, long end, long step) {
        if (step == 0) throw new IllegalArgumentException("arange: step must be nonzero");
        long n = Math.max(0, (end - start + step + (step > 0 ? -1 : 1)) / step);
        long[] d = new long[Math.toIntExact(n)];
        for (int i = 0; i < d.length; i++) d[i] = start + i * step;
        return ofLongs(d, d.length);
    }

    /**
     * {@code start, start+step, …} below {@code end}, as float32 (like {@code torch.arange(0., 1., 0.25)}).
     *
     * @param start the first value
     * @param end the exclusive end
     * @param step the step, not 0
     * @return the new 1-D tensor
     */
    public static Tensor arange(double start, double end, double step) {
        if (step == 0) throw new IllegalArgumentException("arange: step must be nonzero");
        int n = (int) Math.max(0, Math.ceil((end - start) / step));
        float[] d = new float[n];
        for (int i = 0; i < n; i++) d[i] = (float) (start + i * step);
        return of(d, n);
    }

    /**
     * The {@code n × n} identity matrix.
     *
     * @param n the size
     * @return the new float tensor
     */
    public static Tensor eye(int n) {
        float[] d = new float[n * n];
        for (int i = 0; i < n; i++) d[i * n + i] = 1f;
        return of(d, n, n);
    }

    /**
     * The upper triangle of a matrix (or batch of matrices) from {@code diagonal} on, zeros elsewhere.
     *
     * @param diagonal 0 for the main diagonal, positive above it, negative below
     * @return the new tensor
     */
    public Tensor triu(int diagonal) {
        return Indexing.triangle(this, diagonal, true);
    }

    /**
     * The lower triangle of a matrix (or batch of matrices) up to {@code diagonal}, zeros elsewhere.
     *
     * @param diagonal 0 for the main diagonal, positive above it, negative below
     * @return the new tensor
     */
    public Tensor tril(int diagonal) {
        return Indexing.triangle(this, diagonal, false);
    }

    /**
     * {@code triu(0)}.
     *
     * @return the new tensor
     */
    public Tensor triu() {
        return triu(0);
    }

    /**
     * {@code tril(0)}.
     *
     * @return the new tensor
     */
    public Tensor tril() {
        return tril(0);
    }

    // ================================================================== metadata

    /**
     * The element type.
     *
     * @return the dtype
     */
    public DType dtype() {
        return dtype;
    }

    /**
     * A copy of the shape.
     *
     * @return the sizes, outermost first
     */
    public int[] shape() {
        return shape.clone();
    }

    /**
     * The size of dimension {@code dim} (negative counts from the end).
     *
     * @param dim the dimension
     * @return its size
     */
    public int size(int dim) {
        return shape[Shape.wrapDim("size", dim, shape.length)];
    }

    /**
     * A copy of the strides, in elements.
     *
     * @return the strides, outermost first
     */
    public int[] strides() {
        return strides.clone();
    }

    /**
     * The offset of the first element in the storage.
     *
     * @return the offset, in elements
     */
    public int storageOffset() {
        return offset;
    }

    /**
     * The number of dimensions.
     *
     * @return the rank
     */
    public int dim() {
        return shape.length;
    }

    /**
     * The number of elements.
     *
     * @return the product of the sizes
     */
    public int numel() {
        return Shape.numel(shape);
    }

    /**
     * Whether the elements lie in row-major order without gaps.
     *
     * @return true if contiguous
     */
    public boolean isContiguous() {
        return Shape.isContiguous(shape, strides);
    }

    /**
     * Whether this is a floating tensor.
     *
     * @return true for float32
     */
    public boolean isFloatingPoint() {
        return dtype == DType.FLOAT32;
    }

    /**
     * Whether {@code other} views the same storage (for tests and debugging).
     *
     * @param other another tensor
     * @return true if both use the same storage array
     */
    public boolean sharesStorageWith(Tensor other) {
        return (data != null && data == other.data) || (ldata != null && ldata == other.ldata);
    }

    int[] shapeUnsafe() {
        return shape;
    }

    // ================================================================== element access

    int storageIndex(int... index) {
        if (index.length != shape.length)
            throw new IllegalArgumentException("index: expected " + shape.length + " indices for shape " + Shape.str(shape) + ", got " + index.length);
        int o = offset;
        for (int i = 0; i < index.length; i++) {
            int ix = index[i] < 0 ? index[i] + shape[i] : index[i];
            if (ix < 0 || ix >= shape[i])
                throw new IllegalArgumentException("index " + index[i] + " is out of bounds for dimension " + i + " with size " + shape[i]);
            o += ix * strides[i];
        }
        return o;
    }

    /**
     * The element at {@code index} as a double (any dtype).
     *
     * @param index one index per dimension
     * @return the value
     */
    public double getDouble(int... index) {
        int o = storageIndex(index);
        return dtype == DType.INT64 ? ldata[o] : data[o];
    }

    /**
     * The float element at {@code index}.
     *
     * @param index one index per dimension
     * @return the value
     */
    public float getFloat(int... index) {
        requireDType("getFloat", DType.FLOAT32, DType.BOOL);
        return data[storageIndex(index)];
    }

    /**
     * The integer element at {@code index}.
     *
     * @param index one index per dimension
     * @return the value
     */
    public long getLong(int... index) {
        int o = storageIndex(index);
        return dtype == DType.INT64 ? ldata[o] : (long) data[o];
    }

    /**
     * Sets one float element in place (no autograd; refused on a tensor that requires grad).
     *
     * @param value the new value
     * @param index one index per dimension
     */
    public void setFloat(float value, int... index) {
        checkInPlace("setFloat");
        requireDType("setFloat", DType.FLOAT32, DType.BOOL);
        data[storageIndex(index)] = value;
    }

    /**
     * Sets one integer element in place.
     *
     * @param value the new value
     * @param index one index per dimension
     */
    public void setLong(long value, int... index) {
        requireDType("setLong", DType.INT64);
        ldata[storageIndex(index)] = value;
    }

    /**
     * The single value of a one-element tensor, like {@code tensor.item()}.
     *
     * @return the value as a float
     * @throws IllegalArgumentException if the tensor has more than one element
     */
    public float item() {
        if (numel() != 1)
            throw new IllegalArgumentException("item: a Tensor with " + numel() + " elements cannot be converted to Scalar");
        return dtype == DType.INT64 ? (float) ldata[offset] : data[offset];
    }

    /**
     * The single value of a one-element integer tensor.
     *
     * @return the value as a long
     * @throws IllegalArgumentException if the tensor has more than one element
     */
    public long itemLong() {
        if (numel() != 1)
            throw new IllegalArgumentException("itemLong: a Tensor with " + numel() + " elements cannot be converted to Scalar");
        return dtype == DType.INT64 ? ldata[offset] : (long) data[offset];
    }

    /**
     * A row-major copy of the values as floats (integers converted).
     *
     * @return a new array
     */
    public float[] toFloatArray() {
        if (dtype == DType.INT64) {
            long[] l = toLongArray();
            float[] f = new float[l.length];
            for (int i = 0; i < l.length; i++) f[i] = l[i];
            return f;
        }
        Tensor c = contiguous();
        return Arrays.copyOfRange(c.data, c.offset, c.offset + c.numel());
    }

    /**
     * A row-major copy of the values as longs (floats truncated toward zero).
     *
     * @return a new array
     */
    public long[] toLongArray() {
        if (dtype != DType.INT64) {
            float[] f = toFloatArray();
            long[] l = new long[f.length];
            for (int i = 0; i < f.length; i++) l[i] = (long) f[i];
            return l;
        }
        Tensor c = contiguous();
        return Arrays.copyOfRange(c.ldata, c.offset, c.offset + c.numel());
    }

    /**
     * A row-major copy of the values as ints (for token ids).
     *
     * @return a new array
     */
    public int[] toIntArray() {
        long[] l = toLongArray();
        int[] r = new int[l.length];
        for (int i = 0; i < l.length; i++) r[i] = Math.toIntExact(l[i]);
        return r;
    }

    /**
     * A row-major copy of the values as booleans (nonzero is true).
     *
     * @return a new array
     */
    public boolean[] toBooleanArray() {
        float[] f = toFloatArray();
        boolean[] b = new boolean[f.length];
        for (int i = 0; i < f.length; i++) b[i] = f[i] != 0f;
        return b;
    }

    /**
     * The contiguous float array behind this tensor, when the tensor is contiguous and covers it
     * from offset 0 (else a copy's array). For kernels and I/O; writing to it bypasses autograd.
     *
     * @return the backing array or a copy
     */
    public float[] contiguousData() {
        requireDType("contiguousData", DType.FLOAT32, DType.BOOL);
        Tensor c = contiguous();
        if (c.offset == 0 && c.data.length == c.numel()) return c.data;
        return Arrays.copyOfRange(c.data, c.offset, c.offset + c.numel());
    }

    // ================================================================== dtype conversion

    /**
     * This tensor as float32 (a copy for other dtypes; {@code this} if already float).
     *
     * @return a float32 tensor
     */
    public Tensor toFloat() {
        if (dtype == DType.FLOAT32) return this;
        return of(toFloatArray(), shape);
    }

    /**
     * This tensor as int64 (values truncated toward zero).
     *
     * @return an int64 tensor
     */
    public Tensor toLong() {
        if (dtype == DType.INT64) return this;
        return ofLongs(toLongArray(), shape);
    }

    /**
     * This tensor as bool (nonzero is true).
     *
     * @return a bool tensor
     */
    public Tensor toBool() {
        if (dtype == DType.BOOL) return this;
        return ofBools(toBooleanArray(), shape);
    }

    void requireDType(String op, DType... allowed) {
        for (DType d : allowed) if (d == dtype) return;
        throw new IllegalArgumentException(op + ": expected a tensor of dtype " + Arrays.toString(allowed) + " but got " + dtype.torchName()
                + " with shape " + Shape.str(shape));
    }

    // ================================================================== autograd

    /**
     * Whether gradients flow into this tensor.
     *
     * @return true if gradients are tracked
     */
    public boolean requiresGrad() {
        return requiresGrad;
    }

    /**
     * Marks a leaf tensor as needing gradients (returns {@code this}, like {@code requires_grad_()}).
     * Only floating leaves can require grad.
     *
     * @param value whether to track gradients
     * @return this tensor
     * @throws IllegalStateException when turning it off on a non-leaf
     * @throws IllegalArgumentException when turning it on for a non-float tensor
     */
    public Tensor requiresGrad(boolean value) {
        if (gradFn != null && !value)
            throw new IllegalStateException("you can only change requires_grad flags of leaf variables. If you want to use a computed variable "
                    + "in a subgraph that doesn't require differentiation use detach()");
        if (value && dtype != DType.FLOAT32)
            throw new IllegalArgumentException("only Tensors of floating point dtype can require gradients (got " + dtype.torchName() + ")");
        this.requiresGrad = value;
        return this;
    }

    /**
     * The accumulated gradient, or null.
     *
     * @return the gradient, or null
     */
    public Tensor grad() {
        return grad;
    }

    /**
     * Replaces the gradient (null clears it), like assigning {@code tensor.grad}.
     *
     * @param g the new gradient, of this tensor's shape, or null
     * @throws IllegalArgumentException if the shape differs
     */
    public void setGrad(Tensor g) {
        if (g != null && !Arrays.equals(g.shape, shape))
            throw new IllegalArgumentException("setGrad: assigned grad has shape " + Shape.str(g.shape) + " but the tensor has shape " + Shape.str(shape));
        this.grad = g;
    }

    /** Clears the gradient ({@code grad = None}, as {@code optimizer.zero_grad()} does by default). */
    public void zeroGrad() {
        this.grad = null;
    }

    /**
     * The node that produced this tensor, or null for a leaf.
     *
     * @return the node, or null
     */
    public Node gradFn() {
        return gradFn;
    }

    /**
     * Whether this tensor was created by the user rather than by a recorded op.
     *
     * @return true for a leaf
     */
    public boolean isLeaf() {
        return gradFn == null;
    }

    /**
     * Keeps this non-leaf tensor's gradient in {@link #grad()} after backward, like {@code retain_grad()}.
     *
     * @return this tensor
     */
    public Tensor retainGrad() {
        if (gradFn != null) gradFn.retainGradIn(this);
        return this;
    }

    /**
     * Adds {@code g} to the stored gradient (used by the engine).
     *
     * @param g a gradient of this tensor's shape
     */
    public void accumulateGrad(Tensor g) {
        if (grad == null) {
            if (g.exclusive && g.offset == 0 && g.isContiguous() && g.numel() == g.data.length && g.dtype == dtype) {
                g.exclusive = false; // adopted: from now on it is this tensor's grad and nothing else's
                grad = g;
            } else {
                grad = g.contiguousCopy();
            }
        } else {
            Pointwise.addInPlace(grad, g);
        }
    }

    /** Back-propagates from a one-element tensor (the loss). */
    public void backward() {
        if (numel() != 1)
            throw new IllegalStateException("grad can be implicitly created only for scalar outputs (shape " + Shape.str(shape) + ")");
        Engine.backward(this, ones(shape));
    }

    /**
     * Back-propagates {@code gradient} (same shape as this tensor).
     *
     * @param gradient dL/d(this), of this tensor's shape
     */
    public void backward(Tensor gradient) {
        Engine.backward(this, gradient);
    }

    /**
     * Back-propagates {@code gradient}, keeping the graph for another backward when
     * {@code retainGraph} is true ({@code backward(gradient, retain_graph=True)}); by default each
     * node is released as soon as it has run, as in PyTorch.
     *
     * @param gradient dL/d(this), of this tensor's shape
     * @param retainGraph keep the graph
     */
    public void backward(Tensor gradient, boolean retainGraph) {
        Engine.backward(this, gradient, retainGraph);
    }

    /**
     * A scope without graph recording, like {@code with torch.no_grad():}; close it with try-with-resources.
     *
     * @return the scope to close
     */
    public static GradMode.Scope noGrad() {
        return GradMode.noGrad();
    }

    /**
     * A tensor that shares storage but is cut from the graph, like {@code detach()}.
     *
     * @return the detached view
     */
    public Tensor detach() {
        return new Tensor(dtype, data, ldata, shape, strides, offset);
    }

    /**
     * Records {@code out} as produced by op {@code name} from {@code inputs} when grad mode is on
     * and an input requires grad; returns {@code out}. This is how ops outside this package (fused
     * layers, custom functions — PyTorch's {@code autograd.Function}) join the graph: compute
     * {@code out} without recording, then describe its backward with {@code rule}, which receives
     * dL/d(out) and returns dL/d(input i) for each input (null where not needed).
     *
     * @param out the result, computed without recording
     * @param name the op's name in PyTorch's style, e.g. {@code MulBackward0}
     * @param rule the backward rule
     * @param inputs the op's inputs, in order (null entries allowed)
     * @return {@code out}
     */
    public static Tensor record(Tensor out, String name, Node.Backward rule, Tensor... inputs) {
        if (!GradMode.isEnabled()) return out;
        boolean any = false;
        for (Tensor t : inputs) if (t != null && t.requiresGrad) { any = true; break; }
        if (!any) return out;
        out.gradFn = Node.of(name, inputs, rule);
        out.requiresGrad = true;
        return out;
    }

    /** Refuses in-place writes that would corrupt autograd. */
    void checkInPlace(String op) {
        if (requiresGrad && GradMode.isEnabled())
            throw new IllegalStateException(op + ": a leaf Variable that requires grad is being used in an in-place operation"
                    + (gradFn != null ? " (or a tensor in the graph)" : "") + "; wrap it in noGrad() or use the out-of-place op");
    }

    // ================================================================== views

    /**
     * A view with a new shape (one dim may be -1); the tensor must be viewable without a copy.
     *
     * @param newShape the new sizes; at most one is -1 (inferred)
     * @return the view
     */
    public Tensor view(int... newShape) {
        return Views.view(this, newShape, "view");
    }

    /**
     * Like {@link #view} but copies when the layout needs it.
     *
     * @param newShape the new sizes; at most one is -1 (inferred)
     * @return a view, or a copy when no view is possible
     */
    public Tensor reshape(int... newShape) {
        return Views.reshape(this, newShape);
    }

    /**
     * Swaps two dimensions (a view).
     *
     * @param dim0 a dimension
     * @param dim1 another dimension
     * @return the view
     */
    public Tensor transpose(int dim0, int dim1) {
        return Views.transpose(this, dim0, dim1);
    }

    /**
     * The transpose of a matrix ({@code .T} for 2-D).
     *
     * @return the view
     */
    public Tensor t() {
        if (dim() > 2) throw new IllegalArgumentException("t() expects a tensor with <= 2 dimensions, but self is " + dim() + "D");
        return dim() < 2 ? this : transpose(0, 1);
    }

    /**
     * Reorders dimensions (a view).
     *
     * @param dims the new order of the dimensions
     * @return the view
     */
    public Tensor permute(int... dims) {
        return Views.permute(this, dims);
    }

    /**
     * Inserts a size-1 dimension at {@code dim} (a view).
     *
     * @param dim where to insert (negative counts from the end)
     * @return the view
     */
    public Tensor unsqueeze(int dim) {
        return Views.unsqueeze(this, dim);
    }

    /**
     * Removes all size-1 dimensions (a view).
     *
     * @return the view
     */
    public Tensor squeeze() {
        return Views.squeeze(this, -999);
    }

    /**
     * Removes dimension {@code dim} if it has size 1 (a view).
     *
     * @param dim the dimension
     * @return the view (this shape if that size is not 1)
     */
    public Tensor squeeze(int dim) {
        return Views.squeeze(this, Shape.wrapDim("squeeze", dim, dim()));
    }

    /**
     * Flattens dimensions {@code startDim..endDim} into one.
     *
     * @param startDim the first dimension to flatten
     * @param endDim the last dimension to flatten (inclusive)
     * @return a view, or a copy when no view is possible
     */
    public Tensor flatten(int startDim, int endDim) {
        return Views.flatten(this, startDim, endDim);
    }

    /**
     * Flattens all dimensions into one.
     *
     * @return a view, or a copy when no view is possible
     */
    public Tensor flatten() {
        return flatten(0, -1);
    }

    /**
     * Elements {@code start .. start+length-1} along {@code dim} (a view).
     *
     * @param dim the dimension
     * @param start the first index
     * @param length the number of elements
     * @return the view
     */
    public Tensor narrow(int dim, int start, int length) {
        return Views.narrow(this, dim, start, length);
    }

    /**
     * Python-style slice {@code [start:end:step]} along {@code dim} (a view). Negative indices
     * count from the end and out-of-range bounds are clamped, as in Python.
     *
     * @param dim the dimension
     * @param start the first index (inclusive)
     * @param end the last index (exclusive)
     * @param step the step, at least 1
     * @return the view
     */
    public Tensor slice(int dim, int start, int end, int step) {
        return Views.slice(this, dim, start, end, step);
    }

    /**
     * {@code slice(dim, start, end, 1)}.
     *
     * @param dim the dimension
     * @param start the first index (inclusive)
     * @param end the last index (exclusive)
     * @return the view
     */
    public Tensor slice(int dim, int start, int end) {
        return slice(dim, start, end, 1);
    }

    /**
     * Index {@code index} of dimension {@code dim}, removing that dimension (a view).
     *
     * @param dim the dimension
     * @param index the index (negative counts from the end)
     * @return the view, one dimension fewer
     */
    public Tensor select(int dim, int index) {
        return Views.select(this, dim, index);
    }

    /**
     * Row indexing {@code t[i]} (negative counts from the end; a view).
     *
     * @param index the row
     * @return the view, one dimension fewer
     */
    public Tensor get(int index) {
        return select(0, index);
    }

    /**
     * {@code t[i][j]…} (a view).
     *
     * @param index one index per leading dimension
     * @return the view
     */
    public Tensor get(int... index) {
        Tensor t = this;
        for (int i : index) t = t.select(0, i);
        return t;
    }

    /**
     * Broadcasts size-1 dimensions to {@code newShape} (a view with zero strides; -1 keeps a size).
     *
     * @param newShape the target sizes
     * @return the view
     */
    public Tensor expand(int... newShape) {
        return Views.expand(this, newShape);
    }

    /**
     * This tensor if contiguous, else a contiguous copy.
     *
     * @return a contiguous tensor
     */
    public Tensor contiguous() {
        return isContiguous() ? this : Views.contiguous(this);
    }

    /** A copy with its own storage that stays in the graph, like {@code clone()}. */
    public Tensor clone() {
        Tensor c = contiguousCopy();
        if (dtype != DType.FLOAT32) return c;
        return record(c, "CloneBackward0", g -> new Tensor[] {g}, this);
    }

    /**
     * Marks a gradient that a backward rule has just allocated and returns for one input only, so
     * that the engine may adopt it as a leaf's grad without copying (see {@link #exclusive}).
     */
    static Tensor exclusiveGrad(Tensor g) {
        g.exclusive = true;
        return g;
    }

    /** A contiguous copy with its own storage, outside the graph. */
    Tensor contiguousCopy() {
        if (dtype == DType.INT64) {
            long[] l = new long[numel()];
            Views.copyInto(this, l, 0);
            return ofLongs(l, shape);
        }
        float[] d = new float[numel()];
        Views.copyInto(this, d, 0);
        return new Tensor(dtype, d, null, shape.clone(), Shape.contiguousStrides(shape), 0);
    }

    // ================================================================== element-wise

    /**
     * {@code this + other} with broadcasting.
     *
     * @param other the other operand
     * @return the new tensor
     */
    public Tensor add(Tensor other) {
        return Pointwise.binary(this, other, Pointwise.Op.ADD);
    }

    /**
     * {@code this + value}.
     *
     * @param value the scalar
     * @return the new tensor
     */
    public Tensor add(float value) {
        return Pointwise.affine(this, 1f, value, "AddBackward0");
    }

    /**
     * {@code this - other} with broadcasting.
     *
     * @param other the other operand
     * @return the new tensor
     */
    public Tensor sub(Tensor other) {
        return Pointwise.binary(this, other, Pointwise.Op.SUB);
    }

    /**
     * {@code this - value}.
     *
     * @param value the scalar
     * @return the new tensor
     */
    public Tensor sub(float value) {
        return Pointwise.affine(this, 1f, -value, "SubBackward0");
    }

    /**
     * {@code this * other} with broadcasting.
     *
     * @param other the other operand
     * @return the new tensor
     */
    public Tensor mul(Tensor other) {
        return Pointwise.binary(this, other, Pointwise.Op.MUL);
    }

    /**
     * {@code this * value}.
     *
     * @param value the scalar
     * @return the new tensor
     */
    public Tensor mul(float value) {
        return Pointwise.affine(this, value, 0f, "MulBackward0");
    }

    /**
     * {@code this / other} with broadcasting.
     *
     * @param other the other operand
     * @return the new tensor
     */
    public Tensor div(Tensor other) {
        return Pointwise.binary(this, other, Pointwise.Op.DIV);
    }

    /**
     * {@code this / value}.
     *
     * @param value the scalar
     * @return the new tensor
     */
    public Tensor div(float value) {
        return Pointwise.divScalar(this, value);
    }

    /**
     * {@code -this}.
     *
     * @return the new tensor
     */
    public Tensor neg() {
        return Pointwise.affine(this, -1f, 0f, "NegBackward0");
    }

    /**
     * {@code this ** exponent}.
     *
     * @param exponent the exponent
     * @return the new tensor
     */
    public Tensor pow(float exponent) {
        return Pointwise.pow(this, exponent);
    }

    /**
     * {@code this ** exponent} element-wise with broadcasting.
     *
     * @param exponent the exponents
     * @return the new tensor
     */
    public Tensor pow(Tensor exponent) {
        return Pointwise.binary(this, exponent, Pointwise.Op.POW);
    }

    /**
     * {@code e ** this}.
     *
     * @return the new tensor
     */
    public Tensor exp() {
        return Pointwise.unary(this, Pointwise.Unary.EXP);
    }

    /**
     * Natural logarithm.
     *
     * @return the new tensor
     */
    public Tensor log() {
        return Pointwise.unary(this, Pointwise.Unary.LOG);
    }

    /**
     * Square root.
     *
     * @return the new tensor
     */
    public Tensor sqrt() {
        return Pointwise.unary(this, Pointwise.Unary.SQRT);
    }

    /**
     * Hyperbolic tangent.
     *
     * @return the new tensor
     */
    public Tensor tanh() {
        return Pointwise.unary(this, Pointwise.Unary.TANH);
    }

    /**
     * Logistic sigmoid {@code 1/(1+e^-x)}.
     *
     * @return the new tensor
     */
    public Tensor sigmoid() {
        return Pointwise.unary(this, Pointwise.Unary.SIGMOID);
    }

    /**
     * {@code max(x, 0)}.
     *
     * @return the new tensor
     */
    public Tensor relu() {
        return Pointwise.unary(this, Pointwise.Unary.RELU);
    }

    /**
     * GELU, tanh approximation (the book's {@code GELU} module).
     *
     * @return the new tensor
     */
    public Tensor gelu() {
        return Pointwise.unary(this, Pointwise.Unary.GELU);
    }

    /**
     * SiLU (swish), {@code x·σ(x)}, PyTorch's {@code torch.nn.functional.silu}.
     *
     * @return the new tensor
     */
    public Tensor silu() {
        return Pointwise.unary(this, Pointwise.Unary.SILU);
    }

    /**
     * Reciprocal square root {@code 1/√x}, {@code torch.rsqrt}.
     *
     * @return the new tensor
     */
    public Tensor rsqrt() {
        return Pointwise.unary(this, Pointwise.Unary.RSQRT);
    }

    /**
     * Absolute value.
     *
     * @return the new tensor
     */
    public Tensor abs() {
        return Pointwise.unary(this, Pointwise.Unary.ABS);
    }

    /**
     * Element-wise {@code this == other} as a bool mask (any dtypes, broadcasting).
     *
     * @param other the other operand
     * @return a new bool tensor
     */
    public Tensor eq(Tensor other) {
        return Pointwise.compare(this, other, Pointwise.Cmp.EQ);
    }

    /**
     * Element-wise {@code this == value}.
     *
     * @param value the scalar
     * @return a new bool tensor
     */
    public Tensor eq(double value) {
        return Pointwise.compare(this, Pointwise.scalarLike(this, value), Pointwise.Cmp.EQ);
    }

    /**
     * Element-wise {@code this != other}.
     *
     * @param other the other operand
     * @return a new bool tensor
     */
    public Tensor ne(Tensor other) {
        return Pointwise.compare(this, other, Pointwise.Cmp.NE);
    }

    /**
     * Element-wise {@code this > other}.
     *
     * @param other the other operand
     * @return a new bool tensor
     */
    public Tensor gt(Tensor other) {
        return Pointwise.compare(this, other, Pointwise.Cmp.GT);
    }

    /**
     * Element-wise {@code this > value}.
     *
     * @param value the scalar
     * @return a new bool tensor
     */
    public Tensor gt(double value) {
        return Pointwise.compare(this, Pointwise.scalarLike(this, value), Pointwise.Cmp.GT);
    }

    /**
     * Element-wise {@code this >= other}.
     *
     * @param other the other operand
     * @return a new bool tensor
     */
    public Tensor ge(Tensor other) {
        return Pointwise.compare(this, other, Pointwise.Cmp.GE);
    }

    /**
     * Element-wise {@code this < other}.
     *
     * @param other the other operand
     * @return a new bool tensor
     */
    public Tensor lt(Tensor other) {
        return Pointwise.compare(this, other, Pointwise.Cmp.LT);
    }

    /**
     * Element-wise {@code this < value}.
     *
     * @param value the scalar
     * @return a new bool tensor
     */
    public Tensor lt(double value) {
        return Pointwise.compare(this, Pointwise.scalarLike(this, value), Pointwise.Cmp.LT);
    }

    /**
     * Element-wise {@code this <= other}.
     *
     * @param other the other operand
     * @return a new bool tensor
     */
    public Tensor le(Tensor other) {
        return Pointwise.compare(this, other, Pointwise.Cmp.LE);
    }

    /**
     * Logical not of a mask (or {@code == 0} of numbers).
     *
     * @return a new bool tensor
     */
    public Tensor logicalNot() {
        return eq(0);
    }

    /**
     * A copy where {@code mask} (bool, broadcast to this shape) is true is replaced by {@code value}.
     *
     * @param mask where to put {@code value}
     * @param value the fill value
     * @return the new tensor
     */
    public Tensor maskedFill(Tensor mask, float value) {
        return Indexing.maskedFill(this, mask, value);
    }

    /**
     * In place: sets the elements where {@code mask} is true to {@code value}, like
     * {@code masked_fill_}. On a tensor in the graph this rebinds it to a new graph node (its
     * previous values are not needed by the masked-fill backward).
     *
     * @param mask where to put {@code value}
     * @param value the fill value
     * @return this tensor
     */
    public Tensor maskedFill_(Tensor mask, float value) {
        return Indexing.maskedFillInPlace(this, mask, value);
    }

    /**
     * {@code condition ? a : b} element-wise with broadcasting.
     *
     * @param condition a bool mask
     * @param a the values where the mask is true
     * @param b the values where it is false
     * @return the new tensor
     */
    public static Tensor where(Tensor condition, Tensor a, Tensor b) {
        return Indexing.where(condition, a, b);
    }

    // ================================================================== in-place (no autograd)

    /**
     * Fills with zeros in place.
     *
     * @return this tensor
     */
    public Tensor zero_() {
        return fill_(0f);
    }

    /**
     * Fills with {@code value} in place.
     *
     * @param value the fill value
     * @return this tensor
     */
    public Tensor fill_(float value) {
        checkInPlace("fill_");
        Pointwise.fillInPlace(this, value);
        return this;
    }

    /**
     * Copies {@code src} (broadcast to this shape) into this tensor in place.
     *
     * @param src the values to copy
     * @return this tensor
     */
    public Tensor copy_(Tensor src) {
        checkInPlace("copy_");
        Pointwise.copyInPlace(this, src);
        return this;
    }

    /**
     * {@code this += alpha * other} in place (no autograd; used by optimizers).
     *
     * @param other the tensor to add, broadcast to this shape
     * @param alpha the factor
     * @return this tensor
     */
    public Tensor addInPlace(Tensor other, float alpha) {
        checkInPlace("add_");
        Pointwise.axpyInPlace(this, other, alpha);
        return this;
    }

    /**
     * {@code this *= value} in place (no autograd).
     *
     * @param value the factor
     * @return this tensor
     */
    public Tensor mulInPlace(float value) {
        checkInPlace("mul_");
        Pointwise.scaleInPlace(this, value);
        return this;
    }

    // ================================================================== reductions

    /**
     * Sum of all elements (0-d).
     *
     * @return the new tensor
     */
    public Tensor sum() {
        return Reductions.sumAll(this);
    }

    /**
     * Sum over {@code dim}.
     *
     * @param dim the dimension to reduce
     * @param keepDim whether to keep it with size 1
     * @return the new tensor
     */
    public Tensor sum(int dim, boolean keepDim) {
        return Reductions.sum(this, dim, keepDim);
    }

    /**
     * Sum over {@code dim}, dropping it.
     *
     * @param dim the dimension to reduce
     * @return the new tensor
     */
    public Tensor sum(int dim) {
        return sum(dim, false);
    }

    /**
     * Mean of all elements (0-d).
     *
     * @return the new tensor
     */
    public Tensor mean() {
        return Reductions.meanAll(this);
    }

    /**
     * Mean over {@code dim}.
     *
     * @param dim the dimension to reduce
     * @param keepDim whether to keep it with size 1
     * @return the new tensor
     */
    public Tensor mean(int dim, boolean keepDim) {
        return Reductions.mean(this, dim, keepDim);
    }

    /**
     * Mean over {@code dim}, dropping it.
     *
     * @param dim the dimension to reduce
     * @return the new tensor
     */
    public Tensor mean(int dim) {
        return mean(dim, false);
    }

    /**
     * Variance over {@code dim}; {@code unbiased} divides by n-1 (PyTorch's default), else by n.
     *
     * @param dim the dimension to reduce
     * @param unbiased whether to divide by n-1 rather than n
     * @param keepDim whether to keep it with size 1
     * @return the new tensor
     */
    public Tensor var(int dim, boolean unbiased, boolean keepDim) {
        return Reductions.var(this, dim, unbiased, keepDim);
    }

    /**
     * Variance of all elements.
     *
     * @param unbiased whether to divide by n-1 rather than n
     * @return a new 0-d tensor
     */
    public Tensor var(boolean unbiased) {
        return Reductions.var(flatten(), 0, unbiased, false);
    }

    /**
     * Maximum of all elements (0-d).
     *
     * @return the new tensor
     */
    public Tensor max() {
        return Reductions.maxAll(this);
    }

    /**
     * Maximum over {@code dim} with the indices of the maxima (first one on ties).
     *
     * @param dim the dimension to reduce
     * @param keepDim whether to keep it with size 1
     * @return the maxima and their indices
     */
    public ValuesIndices max(int dim, boolean keepDim) {
        return Reductions.max(this, dim, keepDim);
    }

    /**
     * Index of the maximum over {@code dim} (int64).
     *
     * @param dim the dimension to reduce
     * @param keepDim whether to keep it with size 1
     * @return the new tensor
     */
    public Tensor argmax(int dim, boolean keepDim) {
        return Reductions.max(this, dim, keepDim).indices();
    }

    /**
     * Index of the maximum over {@code dim} (int64), dropping it.
     *
     * @param dim the dimension to reduce
     * @return the new tensor
     */
    public Tensor argmax(int dim) {
        return argmax(dim, false);
    }

    /**
     * Index of the maximum of the flattened tensor (0-d int64).
     *
     * @return the new tensor
     */
    public Tensor argmax() {
        return flatten().argmax(0, false);
    }

    /**
     * {@code torch.bincount(input, minlength=minlength)}: how often each value occurs in this 1-D
     * int64 tensor of non-negative values; the result has {@code max(input) + 1} entries, at least
     * {@code minlength} (chapter 5 passes the vocabulary size so that words drawn 0 times still
     * print, {@code 0 x you}).
     *
     * @param minlength the least number of bins (0 for PyTorch's default)
     * @return a new 1-D int64 tensor of counts
     * @throws IllegalArgumentException for a tensor that is not 1-D int64 with non-negative values,
     *     or a negative {@code minlength}
     */
    public Tensor bincount(int minlength) {
        if (dtype != DType.INT64 || dim() != 1)
            throw new IllegalArgumentException("bincount: only supports 1-d non-negative integral inputs, got " + dtype.torchName() + " with shape " + Shape.str(shape));
        if (minlength < 0) throw new IllegalArgumentException("bincount: minlength should be >= 0, got " + minlength);
        long[] v = toLongArray();
        long max = -1;
        for (long x : v) {
            if (x < 0) throw new IllegalArgumentException("bincount: only supports 1-d non-negative integral inputs, found " + x + " in shape " + Shape.str(shape));
            max = Math.max(max, x);
        }
        long[] counts = new long[Math.toIntExact(Math.max(max + 1, minlength))];
        for (long x : v) counts[(int) x]++;
        return ofLongs(counts, counts.length);
    }

    /**
     * {@code torch.bincount(input)}: {@link #bincount(int)} with no minimum length.
     *
     * @return a new 1-D int64 tensor of counts
     */
    public Tensor bincount() {
        return bincount(0);
    }

    /**
     * Causal attention weights in one fused op: the softmax over the last dimension of
     * {@code this / divisor}, with the keys after each query masked out. For scores of shape
     * {@code (..., T_q, T_k)} query {@code i} sees keys {@code 0 … i + T_k − T_q}; with
     * {@code T_q == T_k} that is the book's
     * {@code scores.masked_fill(torch.triu(torch.ones(T, T), 1).bool(), -torch.inf) / divisor}
     * followed by {@code softmax(dim=-1)}, and the result is the same bit for bit. Forward and
     * backward each make one pass and skip the masked entries.
     *
     * @param divisor the scale the scores are divided by, {@code sqrt(head_dim)} in attention
     * @return the attention weights, same shape, zero above the (last-key aligned) diagonal
     * @throws IllegalArgumentException if this is not float32 of at least two dimensions with
     *     {@code T_q <= T_k}, or the divisor is not positive and finite
     */
    public Tensor causalSoftmax(float divisor) {
        return CausalSoftmax.apply(this, divisor);
    }

    /**
     * Softmax over {@code dim}.
     *
     * @param dim the dimension to normalise over
     * @return the new tensor
     */
    public Tensor softmax(int dim) {
        return Reductions.softmax(this, dim, false);
    }

    /**
     * Log-softmax over {@code dim}.
     *
     * @param dim the dimension to normalise over
     * @return the new tensor
     */
    public Tensor logSoftmax(int dim) {
        return Reductions.softmax(this, dim, true);
    }

    /**
     * The {@code k} largest elements along {@code dim}, sorted descending, with their indices.
     *
     * @param k the number of elements to keep
     * @param dim the dimension to search
     * @return the values and their indices
     */
    public ValuesIndices topk(int k, int dim) {
        return Indexing.topk(this, k, dim);
    }

    /**
     * {@code topk(k, -1)}.
     *
     * @param k the number of elements to keep
     * @return the values and their indices
     */
    public ValuesIndices topk(int k) {
        return topk(k, -1);
    }

    /**
     * Concatenates tensors along {@code dim}.
     *
     * @param tensors the tensors; equal sizes except along {@code dim}
     * @param dim the dimension to join along
     * @return the new tensor
     */
    public static Tensor cat(List<Tensor> tensors, int dim) {
        return Indexing.cat(tensors, dim);
    }

    /**
     * Stacks equally shaped tensors along a new dimension {@code dim}.
     *
     * @param tensors the tensors, all of one shape
     * @param dim where the new dimension goes
     * @return the new tensor
     */
    public static Tensor stack(List<Tensor> tensors, int dim) {
        return Indexing.stack(tensors, dim);
    }

    /**
     * Rows of {@code weight} picked by the integer {@code ids}: shape {@code ids.shape + [weight.size(1)]}.
     *
     * @param weight the table, shape {@code (rows, width)}
     * @param ids the int64 row indices, any shape
     * @return the new tensor
     */
    public static Tensor embedding(Tensor weight, Tensor ids) {
        return Indexing.embedding(weight, ids);
    }

    /**
     * The slices {@code this[index[i]]} along dimension 0, {@code torch.index_select(t, 0, index)}.
     * Only {@code dim == 0} is supported (what the mixture-of-experts layer needs).
     *
     * @param dim the dimension to select along; must be 0
     * @param index 1-D int64 indices into dimension 0
     * @return a new tensor of shape {@code (index.numel(), shape[1:]...)}
     * @throws IllegalArgumentException if {@code dim} is not 0, the index is not 1-D int64 or out of range
     */
    public Tensor indexSelect(int dim, Tensor index) {
        return Indexing.indexSelect(this, dim, index);
    }

    /**
     * {@code this} plus {@code source[i]} added at row {@code index[i]} of dimension 0, out of place:
     * {@code torch.index_add(t, 0, index, source)}; rows named twice get both. The sums run in
     * the index order, as PyTorch's CPU loop does. Only {@code dim == 0} is supported.
     *
     * @param dim the dimension to add along; must be 0
     * @param index 1-D int64 row indices, one per row of {@code source}
     * @param source the rows to add, shape {@code (index.numel(), shape[1:]...)}
     * @return the new tensor, the shape of {@code this}
     * @throws IllegalArgumentException if the dim, index or shapes do not fit
     */
    public Tensor indexAdd(int dim, Tensor index, Tensor source) {
        return Indexing.indexAdd(this, dim, index, source);
    }

    /**
     * Each slice along {@code dim} repeated {@code repeats} times in place,
     * {@code torch.repeat_interleave(t, repeats, dim)}: {@code [K1, K2]} becomes
     * {@code [K1, K1, K2, K2]}. Built from {@code unsqueeze}, {@code expand} and {@code reshape},
     * so the gradient sums the copies.
     *
     * @param repeats how many times each slice appears, at least 1
     * @param dim the dimension to repeat along
     * @return the new tensor ({@code this} itself when {@code repeats} is 1)
     * @throws IllegalArgumentException if {@code repeats} is less than 1
     */
    public Tensor repeatInterleave(int repeats, int dim) {
        if (repeats < 1) throw new IllegalArgumentException("repeat_interleave: repeats must be positive, got " + repeats);
        int d = Shape.wrapDim("repeat_interleave", dim, dim());
        if (repeats == 1) return this;
        int[] expanded = new int[dim() + 1];
        int[] result = shape();
        for (int i = 0, j = 0; i < expanded.length; i++) expanded[i] = i == d + 1 ? repeats : shape[j++];
        result[d] *= repeats;
        return unsqueeze(d + 1).expand(expanded).reshape(result); // (…, n, repeats, …) → (…, n·repeats, …)
    }

    /**
     * Picks entries along {@code dim} at {@code index} (int64, same rank), like {@code torch.gather}.
     *
     * @param dim the dimension to pick along
     * @param index the int64 indices
     * @return the new tensor, shaped like {@code index}
     */
    public Tensor gather(int dim, Tensor index) {
        return Indexing.gather(this, dim, index);
    }

    // ================================================================== linear algebra

    /**
     * Matrix product with PyTorch's {@code matmul} rules (1-D, 2-D, batched with broadcast batch dims).
     *
     * @param other the right operand
     * @return the new tensor
     */
    public Tensor matmul(Tensor other) {
        return MatMul.matmul(this, other);
    }

    /**
     * Dot product of two 1-D tensors.
     *
     * @param other the other vector
     * @return a new 0-d tensor
     */
    public Tensor dot(Tensor other) {
        if (dim() != 1 || other.dim() != 1)
            throw new IllegalArgumentException("dot: 1D tensors expected, but got " + dim() + "D and " + other.dim() + "D tensors");
        return matmul(other);
    }

    /**
     * {@code x·Wᵀ + b} for {@code x (…, in)}, {@code weight (out, in)}, {@code bias (out)} or null: a fused
     * linear layer.
     *
     * @param x the input, last dimension {@code in}
     * @param weight the weight, shape {@code (out, in)}
     * @param bias the bias, shape {@code (out)}, or null
     * @return the output, last dimension {@code out}
     */
    public static Tensor linear(Tensor x, Tensor weight, Tensor bias) {
        return MatMul.linear(x, weight, bias);
    }

    // ================================================================== printing

    /** Prints like PyTorch: {@code tensor([[0.4306, 1.4551]], grad_fn=<MmBackward0>)}. */
    @Override
    public String toString() {
        return TensorFormat.format(this);
    }
}
