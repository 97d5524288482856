// A growable list of primitive ints, for token ids on the encode hot path.
// It does: append, read back, copy out. It does not: remove, box, or check indices beyond the JDK's own.
package dev.scratchllm.tokenizer;

import java.util.Arrays;

/** A minimal growable {@code int[]}. */
final class IntList {
    private int[] data;
    private int size;

    IntList(int capacity) {
        data = new int[Math.max(capacity, 8)];
    }

    void add(int v) {
        if (size == data.length) data = Arrays.copyOf(data, data.length + (data.length >> 1) + 8);
        data[size++] = v;
    }

    void addAll(int[] values) {
        ensure(size + values.length);
        System.arraycopy(values, 0, data, size, values.length);
        size += values.length;
    }

    private void ensure(int capacity) {
        if (capacity > data.length) data = Arrays.copyOf(data, Math.max(capacity, data.length + (data.length >> 1)));
    }

    int get(int i) {
        return data[i];
    }

    int size() {
        return size;
    }

    void clear() {
        size = 0;
    }

    int[] toArray() {
        return Arrays.copyOf(data, size);
    }
}
