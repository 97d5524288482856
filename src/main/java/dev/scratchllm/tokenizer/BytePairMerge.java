// tiktoken's byte-pair merge of one piece: start from single bytes and repeatedly join the
// adjacent pair whose joined bytes have the lowest rank (leftmost on ties) until no pair is a token.
// It does: a linear-scan version for short pieces (tiktoken's own) and a heap version with the
// same result for long ones, both reusing the caller's scratch arrays.
// It does not: pre-tokenise or handle special tokens.
package dev.scratchllm.tokenizer;

/** Byte-pair merging by rank, as in tiktoken's {@code byte_pair_encode}. */
final class BytePairMerge {
    /** Pieces longer than this (in bytes) use the heap version; both give identical ranks. */
    static final int HEAP_THRESHOLD = 128;

    /** Reusable arrays for one thread's merging. */
    static final class Scratch {
        int[] bounds = new int[64];
        int[] ranks = new int[64];
        // heap version
        int[] next = new int[0];
        int[] prev = new int[0];
        long[] heap = new long[0];

        void ensure(int n) {
            if (bounds.length < n + 2) {
                bounds = new int[n + 2 + (n >> 1)];
                ranks = new int[bounds.length];
            }
        }

        void ensureHeap(int n) {
            if (next.length < n + 1) {
                next = new int[n + 1 + (n >> 1)];
                prev = new int[next.length];
            }
            if (heap.length < 2 * n + 4) heap = new long[2 * n + 4 + n];
        }
    }

    private BytePairMerge() {}

    /** Encodes {@code b[0, len)} (len at least 1) and appends the ranks of its parts to {@code out}. */
    static void encode(TokenTable table, byte[] b, int len, IntList out, Scratch s) {
        if (len == 1) {
            out.add(table.rank(b, 0, 1));
            return;
        }
        if (len > HEAP_THRESHOLD) {
            encodeWithHeap(table, b, len, out, s);
        } else {
            encodeLinear(table, b, len, out, s);
        }
    }

    /** tiktoken's algorithm: boundaries plus the rank of joining each part with the next. */
    static void encodeLinear(TokenTable table, byte[] b, int len, IntList out, Scratch s) {
        s.ensure(len);
        int[] bounds = s.bounds;
        int[] ranks = s.ranks;
        int parts = len; // parts are [bounds[i], bounds[i+1]); bounds has parts + 1 entries
        for (int i = 0; i <= len; i++) bounds[i] = i;
        for (int i = 0; i < parts - 1; i++) ranks[i] = table.rank(b, i, 2);
        ranks[parts - 1] = TokenTable.NONE;
        while (parts > 1) {
            int best = TokenTable.NONE;
            int at = -1;
            for (int i = 0; i < parts - 1; i++) {
                if (ranks[i] < best) {
                    best = ranks[i];
                    at = i;
                }
            }
            if (at < 0) break;
            // join part at and at+1: drop boundary at+1
            System.arraycopy(bounds, at + 2, bounds, at + 1, parts - at - 1);
            System.arraycopy(ranks, at + 2, ranks, at + 1, parts - at - 2);
            parts--;
            ranks[parts - 1] = TokenTable.NONE;
            if (at < parts - 1) ranks[at] = table.rank(b, bounds[at], bounds[at + 2] - bounds[at]);
            if (at > 0) ranks[at - 1] = table.rank(b, bounds[at - 1], bounds[at + 1] - bounds[at - 1]);
        }
        for (int i = 0; i < parts; i++) out.add(table.rank(b, bounds[i], bounds[i + 1] - bounds[i]));
    }

    /**
     * The same merge order with a min-heap of (rank, start) and a linked list of parts, so long
     * pieces (runs of spaces, long words) cost O(n log n) instead of O(n^2).
     */
    static void encodeWithHeap(TokenTable table, byte[] b, int len, IntList out, Scratch s) {
        s.ensureHeap(len);
        int[] next = s.next; // next[start] = start of the following part, len at the end; -1 when merged away
        int[] prev = s.prev;
        long[] heap = s.heap;
        int size = 0;
        for (int i = 0; i < len; i++) {
            next[i] = i + 1;
            prev[i] = i - 1;
        }
        for (int i = 0; i + 1 < len; i++) {
            int r = table.rank(b, i, 2);
            if (r != TokenTable.NONE) size = push(heap, size, ((long) r << 32) | i);
        }
        while (size > 0) {
            long top = heap[0];
            size = pop(heap, size);
            int r = (int) (top >>> 32);
            int start = (int) top;
            int mid = next[start];
            if (mid < 0 || mid >= len) continue;          // merged away, or now the last part
            int stop = next[mid];
            if (table.rank(b, start, stop - start) != r) continue; // stale: the pair has changed since
            // join start..mid and mid..stop
            next[start] = stop;
            next[mid] = -1;
            if (stop < len) prev[stop] = start;
            if (stop < len) {
                int r2 = table.rank(b, start, next[stop] - start);
                if (r2 != TokenTable.NONE) size = push(heap, size, ((long) r2 << 32) | start);
            }
            int p = prev[start];
            if (p >= 0) {
                int r3 = table.rank(b, p, stop - p);
                if (r3 != TokenTable.NONE) size = push(heap, size, ((long) r3 << 32) | p);
            }
        }
        for (int i = 0; i < len; i = next[i]) out.add(table.rank(b, i, next[i] - i));
    }

    /** Adds {@code v} to the binary min-heap {@code heap[0, size)}; returns the new size (PairMerges shares it). */
    static int push(long[] heap, int size, long v) {
        int i = size++;
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (heap[parent] <= v) break;
            heap[i] = heap[parent];
            i = parent;
        }
        heap[i] = v;
        return size;
    }

    /** Removes the smallest entry of the min-heap {@code heap[0, size)}; returns the new size. */
    static int pop(long[] heap, int size) {
        long last = heap[--size];
        int i = 0;
        while (true) {
            int child = 2 * i + 1;
            if (child >= size) break;
            if (child + 1 < size && heap[child + 1] < heap[child]) child++;
            if (heap[child] >= last) break;
            heap[i] = heap[child];
            i = child;
        }
        heap[i] = last;
        return size;
    }
}
