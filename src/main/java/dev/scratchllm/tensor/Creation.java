package dev.scratchllm.tensor;

import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code torch.tensor(...)} for Java arrays: walks a (nested) primitive array, checks that it is
 * rectangular, and picks the dtype from the element type (float/double → float32,
 * int/long/short/byte → int64, boolean → bool).
 */
final class Creation {
    private Creation() {
    }

    static Tensor fromArray(Object array) {
        if (array instanceof Float || array instanceof Double) return Tensor.scalar(((Number) array).floatValue());
        if (array instanceof Integer || array instanceof Long || array instanceof Short || array instanceof Byte)
            return Tensor.ofLongs(new long[] {((Number) array).longValue()});
        if (array instanceof Boolean b) return Tensor.ofBools(new boolean[] {b});
        if (array == null || !array.getClass().isArray())
            throw new IllegalArgumentException("tensor: expected a (nested) Java array, got " + (array == null ? "null" : array.getClass().getName()));
        List<Integer> dims = new ArrayList<>();
        Object cur = array;
        Class<?> leaf = array.getClass();
        while (cur != null && cur.getClass().isArray()) {
            dims.add(Array.getLength(cur));
            leaf = cur.getClass().getComponentType();
            if (!leaf.isArray()) break;
            cur = Array.getLength(cur) > 0 ? Array.get(cur, 0) : null;
        }
        while (leaf.isArray()) leaf = leaf.getComponentType(); // empty nested arrays
        int[] shape = dims.stream().mapToInt(Integer::intValue).toArray();
        int n = Shape.numel(shape);
        if (leaf == float.class || leaf == double.class) {
            float[] out = new float[n];
            fill(array, shape, 0, out, new int[] {0}, "");
            return Tensor.of(out, shape);
        }
        if (leaf == int.class || leaf == long.class || leaf == short.class || leaf == byte.class) {
            long[] out = new long[n];
            fillLong(array, shape, 0, out, new int[] {0});
            return Tensor.ofLongs(out, shape);
        }
        if (leaf == boolean.class) {
            float[] out = new float[n];
            fill(array, shape, 0, out, new int[] {0}, "");
            return new Tensor(DType.BOOL, out, null, shape, Shape.contiguousStrides(shape), 0);
        }
        throw new IllegalArgumentException("tensor: unsupported element type " + leaf.getName());
    }

    private static void checkLen(Object a, int[] shape, int depth) {
        if (!a.getClass().isArray() || Array.getLength(a) != shape[depth])
            throw new IllegalArgumentException("tensor: expected sequence of length " + shape[depth] + " at dim " + depth
                    + " (got " + (a.getClass().isArray() ? Array.getLength(a) : "a scalar") + "): ragged arrays are not allowed");
    }

    private static void fill(Object a, int[] shape, int depth, float[] out, int[] pos, String unused) {
        checkLen(a, shape, depth);
        if (depth == shape.length - 1) {
            if (a instanceof float[] f) {
                System.arraycopy(f, 0, out, pos[0], f.length);
                pos[0] += f.length;
            } else if (a instanceof double[] d) {
                for (double v : d) out[pos[0]++] = (float) v;
            } else if (a instanceof boolean[] b) {
                for (boolean v : b) out[pos[0]++] = v ? 1f : 0f;
            } else throw new IllegalArgumentException("tensor: ragged or mixed nested array at dim " + depth);
            return;
        }
        for (int i = 0; i < shape[depth]; i++) fill(Array.get(a, i), shape, depth + 1, out, pos, unused);
    }

    private static void fillLong(Object a, int[] shape, int depth, long[] out, int[] pos) {
        checkLen(a, shape, depth);
        if (depth == shape.length - 1) {
            int n = Array.getLength(a);
            for (int i = 0; i < n; i++) out[pos[0]++] = ((Number) Array.get(a, i)).longValue();
            return;
        }
        for (int i = 0; i < shape[depth]; i++) fillLong(Array.get(a, i), shape, depth + 1, out, pos);
    }
}
