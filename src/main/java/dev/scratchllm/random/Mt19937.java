/*
 * Mt19937: the 32-bit Mersenne Twister engine exactly as PyTorch's at::mt19937 runs it
 * (seeding from the low 32 bits of a 64-bit seed, the `left`/`next` bookkeeping, the twist),
 * so that word k after a seed is word k of PyTorch's CPU generator.
 *
 * It does not lock (Generator does), does not convert words into floats (Generator does), and
 * does not know about cached normals or the serialised state layout beyond exposing its fields.
 */
package dev.scratchllm.random;

/**
 * The raw engine behind {@link Generator}: 624 words of state, tempered 32-bit outputs.
 * Package-private; not thread-safe on its own.
 */
final class Mt19937 {
    static final int N = 624;
    private static final int M = 397;
    private static final int MATRIX_A = 0x9908B0DF;
    private static final int UPPER_MASK = 0x80000000;
    private static final int LOWER_MASK = 0x7FFFFFFF;

    /** The untempered state words. */
    final int[] state = new int[N];
    /** The 64-bit seed as given (only its low 32 bits shape the stream). */
    long seed;
    /** PyTorch's {@code left_}: the next call twists when {@code --left == 0}. */
    int left;
    /** PyTorch's {@code next_}: index of the next state word to temper. */
    int next;

    Mt19937(long seed) {
        seed(seed);
    }

    /** {@code init_with_uint32}: the classic init_genrand on the low 32 bits. */
    void seed(long s) {
        seed = s;
        int[] mt = state;
        mt[0] = (int) s;
        for (int j = 1; j < N; j++) {
            int prev = mt[j - 1];
            mt[j] = 1812433253 * (prev ^ (prev >>> 30)) + j;
        }
        left = 1;
        next = 0;
    }

    /** Regenerates the whole block; afterwards {@code left = 624, next = 0}, as PyTorch. */
    void twist() {
        int[] p = state;
        int i = 0;
        for (; i < N - M; i++) {
            p[i] = p[i + M] ^ twist(p[i], p[i + 1]);
        }
        for (; i < N - 1; i++) {
            p[i] = p[i + M - N] ^ twist(p[i], p[i + 1]);
        }
        p[N - 1] = p[M - 1] ^ twist(p[N - 1], p[0]);
        left = N;
        next = 0;
    }

    private static int twist(int u, int v) {
        int mixed = (u & UPPER_MASK) | (v & LOWER_MASK);
        return (mixed >>> 1) ^ (-(v & 1) & MATRIX_A); // branch-free: the low bit is random
    }

    static int temper(int y) {
        y ^= y >>> 11;
        y ^= (y << 7) & 0x9D2C5680;
        y ^= (y << 15) & 0xEFC60000;
        y ^= y >>> 18;
        return y;
    }

    /** The next tempered word (PyTorch's {@code random()}), as an int holding 32 unsigned bits. */
    int nextInt() {
        if (--left == 0) {
            twist();
        }
        return temper(state[next++]);
    }

    /** PyTorch's {@code random64()}: the first word is the high half. */
    long nextLong() {
        long hi = nextInt();
        long lo = nextInt() & 0xFFFFFFFFL;
        return (hi << 32) | lo;
    }

    /**
     * Writes the next {@code n} words into {@code dst[off..off+n)}; the same words, and the same
     * final {@code left}/{@code next}, as {@code n} calls of {@link #nextInt()}.
     */
    void nextInts(int[] dst, int off, int n) {
        draw(dst, off, n, true);
    }

    /**
     * The next {@code n} words <em>before tempering</em>, into {@code dst[off..off+n)}: applying
     * {@link #temper} to each gives exactly what {@link #nextInts} would have written, and the
     * generator ends in the same state. Lets a caller temper a long run of words on several threads.
     */
    void nextRawInts(int[] dst, int off, int n) {
        draw(dst, off, n, false);
    }

    private void draw(int[] dst, int off, int n, boolean tempered) {
        int[] mt = state;
        while (n > 0) {
            if (left == 1) {
                // what nextInt() does when --left reaches 0; the first read then leaves left at 624
                twist();
                left = N + 1;
            }
            int k = Math.min(n, left - 1);
            int from = next;
            if (tempered) temperInto(mt, from, dst, off, k);
            else System.arraycopy(mt, from, dst, off, k);
            next = from + k;
            left -= k;
            off += k;
            n -= k;
        }
    }

    /** {@code dst[off + i] = temper(src[from + i])} for {@code i < k}: a plain loop the JIT vectorises. */
    private static void temperInto(int[] src, int from, int[] dst, int off, int k) {
        for (int i = 0; i < k; i++) {
            int y = src[from + i];
            y ^= y >>> 11;
            y ^= (y << 7) & 0x9D2C5680;
            y ^= (y << 15) & 0xEFC60000;
            y ^= y >>> 18;
            dst[off + i] = y;
        }
    }

    /** Advances by {@code n} words without returning them. */
    void skip(long n) {
        while (n > 0) {
            if (left == 1) {
                twist();
                left = N + 1;
            }
            int k = (int) Math.min(n, left - 1);
            next += k;
            left -= k;
            n -= k;
        }
    }
}
