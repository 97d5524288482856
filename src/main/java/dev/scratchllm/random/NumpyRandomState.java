/*
 * NumpyRandomState: numpy's legacy np.random.RandomState(seed), the generator behind pandas'
 * DataFrame.sample(n, random_state=123) that chapter 6 uses to balance and split the SMS spam
 * data. It reproduces, for an integer seed, the seeding (the classic init_genrand on the 32-bit
 * seed, so the words equal torch.manual_seed(seed)'s), random_interval (bounded integers by
 * masked rejection sampling), shuffle (a Fisher-Yates pass from the end), permutation and
 * choice(n, size, replace=False) = permutation(n)[:size].
 *
 * It does not do numpy's floats, normals or the other distributions, array seeds
 * (init_by_array), or the new Generator/PCG64 API.
 */
package dev.scratchllm.random;

/**
 * numpy's legacy {@code RandomState} as far as pandas' {@code sample} needs it.
 *
 * <p>pandas' {@code df.sample(n, random_state=123)} takes rows
 * {@code RandomState(123).choice(len(df), size=n, replace=False)}, which numpy computes as
 * {@code permutation(len(df))[:n]}; {@code df.sample(frac=1, random_state=123)} is the whole
 * permutation. The permutation is {@code arange(n)} shuffled by
 * <pre>
 *   for i = n-1 down to 1:  j = random_interval(i);  swap(a[i], a[j])
 * </pre>
 * where {@code random_interval(max)} draws 32-bit words {@code w} (64-bit ones for
 * {@code max >= 2^32}) until {@code w & mask <= max}, {@code mask} the smallest all-ones
 * number covering {@code max}. The engine is the same MT19937 as PyTorch's, seeded the same way
 * for an integer seed, so {@code new NumpyRandomState(123)} starts with the words
 * {@code 0xb24bcdfe, 0xb6843d6d, …} like {@code torch.manual_seed(123)}.
 *
 * <p>Checked against numpy 2.4 in {@code NumpyRandomStateTest} (fixtures written by
 * {@code scripts/make_spam_fixtures.py}). Not thread-safe.
 */
public final class NumpyRandomState {
    private final Mt19937 mt;

    /**
     * {@code np.random.RandomState(seed)}.
     *
     * @param seed the seed
     * @throws IllegalArgumentException unless {@code 0 <= seed < 2^32} (numpy's own rule)
     */
    public NumpyRandomState(long seed) {
        if (seed < 0 || seed > 0xFFFFFFFFL)
            throw new IllegalArgumentException("NumpyRandomState: Seed must be between 0 and 2**32 - 1, got " + seed);
        mt = new Mt19937(seed);
    }

    /**
     * The next 32-bit word, unsigned ({@code next_uint32}).
     *
     * @return the word, in {@code [0, 2^32)}
     */
    public long nextUInt32() {
        return mt.nextInt() & 0xFFFFFFFFL;
    }

    /**
     * The next 64-bit word ({@code next_uint64}: the first 32-bit word is the high half).
     *
     * @return the word's 64 bits
     */
    public long nextUInt64() {
        return mt.nextLong();
    }

    /**
     * numpy's {@code random_interval(max)}: a uniform integer in {@code [0, max]} by masked
     * rejection sampling.
     *
     * @param max the inclusive upper bound, at least 0
     * @return the drawn integer
     * @throws IllegalArgumentException if {@code max < 0}
     */
    public long randomInterval(long max) {
        if (max < 0) throw new IllegalArgumentException("randomInterval: max must be >= 0, got " + max);
        if (max == 0) return 0;
        long mask = max;
        mask |= mask >>> 1;
        mask |= mask >>> 2;
        mask |= mask >>> 4;
        mask |= mask >>> 8;
        mask |= mask >>> 16;
        mask |= mask >>> 32;
        long value;
        if (max <= 0xFFFFFFFFL) {
            do value = nextUInt32() & mask; while (value > max);
        } else {
            do value = nextUInt64() & mask; while (Long.compareUnsigned(value, max) > 0);
        }
        return value;
    }

    /**
     * {@code shuffle(x)} for a 1-d array, in place:
     * {@code for i = n-1 .. 1: swap(x[i], x[random_interval(i)])}.
     *
     * @param x the array to shuffle
     */
    public void shuffle(int[] x) {
        for (int i = x.length - 1; i >= 1; i--) {
            int j = (int) randomInterval(i);
            int t = x[i];
            x[i] = x[j];
            x[j] = t;
        }
    }

    /**
     * {@code permutation(n)}: {@code arange(n)} shuffled.
     *
     * @param n the length
     * @return a new array holding the permutation
     */
    public int[] permutation(int n) {
        if (n < 0) throw new IllegalArgumentException("permutation: n must be >= 0, got " + n);
        int[] a = new int[n];
        for (int i = 0; i < n; i++) a[i] = i;
        shuffle(a);
        return a;
    }

    /**
     * {@code choice(n, size, replace=False)} without weights: {@code permutation(n)[:size]}
     * (numpy shuffles all {@code n} even when it needs fewer).
     *
     * @param n the population size
     * @param size the number of indices to draw
     * @return {@code size} distinct indices in {@code [0, n)}
     * @throws IllegalArgumentException if {@code size > n} ("Cannot take a larger sample than population when 'replace=False'")
     */
    public int[] choiceWithoutReplacement(int n, int size) {
        if (size < 0 || size > n)
            throw new IllegalArgumentException("choice: Cannot take a larger sample than population when 'replace=False' (population "
                    + n + ", size " + size + ")");
        return java.util.Arrays.copyOf(permutation(n), size);
    }
}
