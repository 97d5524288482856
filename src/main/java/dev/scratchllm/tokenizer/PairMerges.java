// Hugging Face's byte-pair merge of one piece: the merges list of tokenizer.json ranks PAIRS of
// tokens, so a piece is merged by repeatedly joining the adjacent pair with the lowest merge rank
// (leftmost on ties), as tokenizers' BPE model (and transformers.js) do.
// It does: a table from (left id, right id) to (rank, merged id), a linear-scan merge for short
// pieces and a heap merge with the same result for long ones.
// It does not: pre-tokenise, or rank by the merged bytes (tiktoken's rule; BytePairMerge does that).
package dev.scratchllm.tokenizer;

import java.util.Arrays;

/** Byte-pair merging by pair rank over token ids. Immutable after construction. */
final class PairMerges {
    /** Returned by {@link #rank} when the two tokens are not a merge. */
    static final int NONE = Integer.MAX_VALUE;
    private static final long EMPTY = -1L;

    private final long[] keys;   // left << 32 | right, or EMPTY
    private final int[] ranks;   // merge rank (its line in the merges list)
    private final int[] results; // id of the joined token
    private final int mask;

    /**
     * @param left   the left token id of each merge, in rank order
     * @param right  the right token id of each merge
     * @param result the id of the joined token of each merge
     * @param source named in error messages
     */
    PairMerges(int[] left, int[] right, int[] result, String source) {
        int n = left.length;
        int cap = Integer.highestOneBit(Math.max(16, n * 2 - 1)) << 1;
        keys = new long[cap];
        Arrays.fill(keys, EMPTY);
        ranks = new int[cap];
        results = new int[cap];
        mask = cap - 1;
        for (int r = 0; r < n; r++) {
            long key = ((long) left[r] << 32) | (right[r] & 0xFFFFFFFFL);
            int h = slot(key);
            while (keys[h] != EMPTY && keys[h] != key) h = (h + 1) & mask;
            // a repeated pair takes its last rank, as tokenizers' and transformers.js's maps do
            keys[h] = key;
            ranks[h] = r;
            results[h] = result[r];
        }
        if (n == 0) throw new IllegalArgumentException(source + ": the merges list is empty");
    }

    private int slot(long key) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 29)) & mask;
    }

    private int find(int l, int r) {
        long key = ((long) l << 32) | (r & 0xFFFFFFFFL);
        int h = slot(key);
        while (true) {
            long k = keys[h];
            if (k == key) return h;
            if (k == EMPTY) return -1;
            h = (h + 1) & mask;
        }
    }

    /** The merge rank of the pair, or {@link #NONE}. */
    int rank(int l, int r) {
        int h = find(l, r);
        return h < 0 ? NONE : ranks[h];
    }

    /** The id of the joined token; the pair must be a merge. */
    int result(int l, int r) {
        return results[find(l, r)];
    }

    /** Reusable arrays for one thread's merging. */
    static final class Scratch {
        int[] ids = new int[64];
        int[] pairRanks = new int[64];
        int[] next = new int[0];
        int[] prev = new int[0];
        long[] heap = new long[0];

        void ensure(int n) {
            if (ids.length < n + 1) {
                ids = new int[n + 1 + (n >> 1)];
                pairRanks = new int[ids.length];
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

    /**
     * Merges the piece whose initial tokens are {@code start[0, n)} (one per byte) and appends
     * the resulting ids to {@code out}.
     */
    void encode(int[] start, int n, IntList out, Scratch s) {
        if (n == 1) {
            out.add(start[0]);
        } else if (n > BytePairMerge.HEAP_THRESHOLD) {
            encodeWithHeap(start, n, out, s);
        } else {
            encodeLinear(start, n, out, s);
        }
    }

    /** Scans for the lowest-ranked adjacent pair each round: O(n^2), fastest for short pieces. */
    void encodeLinear(int[] start, int n, IntList out, Scratch s) {
        s.ensure(n);
        int[] ids = s.ids;
        int[] pr = s.pairRanks;
        System.arraycopy(start, 0, ids, 0, n);
        for (int i = 0; i < n - 1; i++) pr[i] = rank(ids[i], ids[i + 1]);
        pr[n - 1] = NONE;
        while (n > 1) {
            int best = NONE;
            int at = -1;
            for (int i = 0; i < n - 1; i++) {
                if (pr[i] < best) {
                    best = pr[i];
                    at = i;
                }
            }
            if (at < 0) break;
            ids[at] = result(ids[at], ids[at + 1]);
            System.arraycopy(ids, at + 2, ids, at + 1, n - at - 2);
            System.arraycopy(pr, at + 2, pr, at + 1, n - at - 2);
            n--;
            pr[n - 1] = NONE;
            if (at < n - 1) pr[at] = rank(ids[at], ids[at + 1]);
            if (at > 0) pr[at - 1] = rank(ids[at - 1], ids[at]);
        }
        for (int i = 0; i < n; i++) out.add(ids[i]);
    }

    /**
     * The same merge order with a min-heap of (rank, position) over a linked list of parts:
     * O(n log n) for long pieces such as runs of spaces.
     */
    void encodeWithHeap(int[] start, int n, IntList out, Scratch s) {
        s.ensure(n);
        s.ensureHeap(n);
        int[] ids = s.ids;     // ids[p] = the token of the part starting at p
        int[] next = s.next;   // next[p] = start of the following part, n at the end; -1 when merged away
        int[] prev = s.prev;
        long[] heap = s.heap;
        int size = 0;
        System.arraycopy(start, 0, ids, 0, n);
        for (int i = 0; i < n; i++) {
            next[i] = i + 1;
            prev[i] = i - 1;
        }
        for (int i = 0; i + 1 < n; i++) {
            int r = rank(ids[i], ids[i + 1]);
            if (r != NONE) size = BytePairMerge.push(heap, size, ((long) r << 32) | i);
        }
        while (size > 0) {
            long top = heap[0];
            size = BytePairMerge.pop(heap, size);
            int r = (int) (top >>> 32);
            int p = (int) top;
            int mid = next[p];
            if (mid < 0 || mid >= n) continue;                 // merged away, or now the last part
            if (rank(ids[p], ids[mid]) != r) continue;         // stale: the pair has changed since
            ids[p] = result(ids[p], ids[mid]);
            int stop = next[mid];
            next[p] = stop;
            next[mid] = -1;
            if (stop < n) {
                prev[stop] = p;
                int r2 = rank(ids[p], ids[stop]);
                if (r2 != NONE) size = BytePairMerge.push(heap, size, ((long) r2 << 32) | p);
            }
            int q = prev[p];
            if (q >= 0) {
                int r3 = rank(ids[q], ids[p]);
                if (r3 != NONE) size = BytePairMerge.push(heap, size, ((long) r3 << 32) | q);
            }
        }
        for (int i = 0; i < n; i = next[i]) out.add(ids[i]);
    }
}
