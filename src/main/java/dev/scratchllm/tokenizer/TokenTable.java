// The mergeable ranks of a byte-level BPE: token byte strings <-> ranks (which are also the ids).
// It does: look up the rank of a byte slice without allocating: tokens of up to 7 bytes in a table
// keyed by the bytes packed into a long (one multiply to hash, one compare), longer ones by open
// addressing over one flat byte array; and give back the bytes of a rank.
// It does not: know about special tokens, text, or merging order (BytePairMerge does that).
package dev.scratchllm.tokenizer;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;

/** An immutable map between token byte strings and their ranks {@code 0..size()-1}. */
final class TokenTable {
    /** Returned by {@link #rank} when the bytes are not a token. */
    static final int NONE = Integer.MAX_VALUE;

    /** Tokens up to this many bytes live in the packed-long table. */
    private static final int SHORT = 7;
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;
    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final long[] shortKeys;  // packed bytes | length << 56, 0 for empty
    private final int[] shortRanks;
    private final int shortShift;
    private final int shortMask;

    private final byte[] data;     // the bytes of all tokens, by rank
    private final int[] offsets;   // token r is data[offsets[r], offsets[r+1])
    private final int[] slots;     // open addressing: rank, or -1 for empty
    private final int mask;
    private final int maxLength;

    /**
     * @param tokens the byte string of each rank, in rank order; all different and non-empty
     * @param source named in error messages
     * @throws IllegalArgumentException if a token is empty or repeated
     */
    TokenTable(List<byte[]> tokens, String source) {
        int n = tokens.size();
        long total = 0;
        int max = 0;
        for (byte[] t : tokens) {
            total += t.length;
            max = Math.max(max, t.length);
        }
        if (total > Integer.MAX_VALUE - 16) throw new IllegalArgumentException(source + ": the tokens hold too many bytes (" + total + ")");
        data = new byte[(int) total];
        offsets = new int[n + 1];
        int cap = Integer.highestOneBit(Math.max(16, n * 4 - 1)) << 1;
        slots = new int[cap];
        Arrays.fill(slots, -1);
        mask = cap - 1;
        maxLength = max;
        int shortCap = cap;
        shortKeys = new long[shortCap];
        shortRanks = new int[shortCap];
        shortMask = shortCap - 1;
        shortShift = 64 - Integer.numberOfTrailingZeros(shortCap);
        int pos = 0;
        for (int r = 0; r < n; r++) {
            byte[] t = tokens.get(r);
            if (t.length == 0) throw new IllegalArgumentException(source + ": token with rank " + r + " is empty");
            System.arraycopy(t, 0, data, pos, t.length);
            offsets[r] = pos;
            pos += t.length;
            offsets[r + 1] = pos;
            int h = hash(data, offsets[r], t.length) & mask;
            while (slots[h] >= 0) {
                int other = slots[h];
                if (equalsToken(other, data, offsets[r], t.length)) {
                    throw new IllegalArgumentException(source + ": ranks " + other + " and " + r + " have the same bytes");
                }
                h = (h + 1) & mask;
            }
            slots[h] = r;
            if (t.length <= SHORT) {
                long key = pack(t, 0, t.length);
                int k = (int) ((key * GOLDEN) >>> shortShift);
                while (shortKeys[k] != 0) k = (k + 1) & shortMask;
                shortKeys[k] = key;
                shortRanks[k] = r;
            }
        }
    }

    /** The bytes {@code b[off, off+len)} (len 1..7) and the length, in one long; never 0. */
    private static long pack(byte[] b, int off, int len) {
        long v;
        if (off + 8 <= b.length) {
            v = (long) LONG_LE.get(b, off) & (-1L >>> (64 - 8 * len));
        } else {
            v = 0;
            for (int i = len - 1; i >= 0; i--) v = (v << 8) | (b[off + i] & 0xFF);
        }
        return v | ((long) len << 56);
    }

    /** The number of tokens. */
    int size() {
        return offsets.length - 1;
    }

    /** The length of the longest token in bytes. */
    int maxLength() {
        return maxLength;
    }

    /** The rank of {@code b[off, off+len)}, or {@link #NONE}. */
    int rank(byte[] b, int off, int len) {
        if (len <= SHORT) {
            long key = pack(b, off, len);
            int k = (int) ((key * GOLDEN) >>> shortShift);
            while (true) {
                long found = shortKeys[k];
                if (found == key) return shortRanks[k];
                if (found == 0) return NONE;
                k = (k + 1) & shortMask;
            }
        }
        if (len > maxLength) return NONE;
        int h = hash(b, off, len) & mask;
        while (true) {
            int r = slots[h];
            if (r < 0) return NONE;
            if (equalsToken(r, b, off, len)) return r;
            h = (h + 1) & mask;
        }
    }

    private boolean equalsToken(int r, byte[] b, int off, int len) {
        int start = offsets[r];
        if (offsets[r + 1] - start != len) return false;
        for (int i = 0; i < len; i++) {
            if (data[start + i] != b[off + i]) return false;
        }
        return true;
    }

    /** Appends the bytes of rank {@code r} to {@code out} at {@code pos}; returns the new position. */
    int copyBytes(int r, byte[] out, int pos) {
        int start = offsets[r];
        int len = offsets[r + 1] - start;
        System.arraycopy(data, start, out, pos, len);
        return pos + len;
    }

    /** The length in bytes of rank {@code r}. */
    int length(int r) {
        return offsets[r + 1] - offsets[r];
    }

    /** A copy of the bytes of rank {@code r}. */
    byte[] bytes(int r) {
        return Arrays.copyOfRange(data, offsets[r], offsets[r + 1]);
    }

    private static int hash(byte[] b, int off, int len) {
        int h = 0x811C9DC5 ^ len;
        for (int i = 0; i < len; i++) h = (h ^ b[off + i]) * 0x01000193;
        return h ^ (h >>> 15);
    }
}
