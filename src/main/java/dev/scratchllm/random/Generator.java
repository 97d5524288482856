/*
 * Generator: a PyTorch-compatible CPU random number generator. After manualSeed(s) it draws the
 * same 32-bit words as torch.manual_seed(s) and turns them into the same float32/float64/int64
 * values as PyTorch 1.13's CPU kernels (non-MKL, AVX2 dispatch): rand/uniform_, randn/normal_
 * (all three paths), randint, randperm, bernoulli_ and dropout masks, exponential_, multinomial,
 * Kaiming-uniform Linear init, Embedding init, the DataLoader shuffle draws, and
 * get_rng_state()/set_rng_state() in PyTorch's 5056-byte layout. The algorithms and the test
 * vectors are in shared/docs/torch-rng.md and torch-rng-vectors.json.
 *
 * It works on plain Java arrays, not tensors: the caller (Tensor, nn, data) decides shapes and
 * passes the contiguous storage. It does not reproduce PyTorch's MKL (Intel pip/conda builds
 * <= 2.6) dropout or exponential, the libm-based float32 normal_ of arm64/non-AVX2 builds, the
 * float16/bfloat16 kernels, or CUDA generators (torch-rng.md section 8).
 */
package dev.scratchllm.random;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * A PyTorch-compatible CPU random number generator (the counterpart of {@code torch.Generator}
 * on the CPU).
 *
 * <p>The same seed gives the same numbers as PyTorch 1.13 on x86-64 (AVX2 dispatch, no MKL), bit
 * for bit: {@code new Generator(123).rand(10)} equals {@code torch.manual_seed(123);
 * torch.rand(10)}. Every operation draws its words in the order PyTorch's serial CPU kernels do,
 * so a program that makes the same calls in the same order sees the same stream. Array-filling
 * methods fill elements {@code out[off .. off+n)} in that order, which is PyTorch's memory order
 * for a contiguous tensor.
 *
 * <p>The process-wide generator that {@code torch.manual_seed} seeds is {@link #defaultGenerator()}.
 * All methods are thread-safe: each draw holds the generator's lock, as PyTorch's kernels hold
 * the generator mutex, so one call's words are never interleaved with another's.
 *
 * <p>Bad arguments throw {@link IllegalArgumentException} naming the operation and the value,
 * before any word is drawn.
 */
public final class Generator {
    /** The seed of a fresh {@code torch.Generator()}: 67280421310721 ({@code 0x3D30F19CD101}). */
    public static final long DEFAULT_SEED = 67280421310721L;

    /** Size in bytes of {@link #getState()}: PyTorch's {@code CPUGeneratorImplState}. */
    public static final int STATE_BYTES = 5056;

    /** Size in bytes of the legacy state ({@code CPUGeneratorImplStateLegacy}) {@link #setState} also reads. */
    public static final int LEGACY_STATE_BYTES = 5048;

    /**
     * Smallest element count for which {@code normal_} on a contiguous tensor takes the
     * vectorised block path; smaller (or non-contiguous) tensors take the scalar path.
     */
    public static final int NORMAL_BLOCK_MIN = 16;

    /** From this size on, {@link #randperm} uses PyTorch's inside-out shuffle on 64-bit words. */
    public static final int RANDPERM_LARGE_N = 214748364;

    private static final Generator DEFAULT = new Generator(new SecureRandom().nextLong());

    private static final int BUF = 1024;
    private static final float U24_SCALE = 0x1p-24f;
    private static final double U53_SCALE = 0x1p-53;
    private static final long MASK53 = (1L << 53) - 1;

    private final Mt19937 mt;
    /** Scratch for bulk word draws; only touched under the lock. */
    private final int[] buf = new int[BUF];

    /** The cached spare of the scalar normal path ({@code next_double_normal_sample_}), unscaled. */
    private double spareNormal;
    private boolean hasSpareNormal;
    /** PyTorch's {@code next_float_normal_sample_}: no kernel here uses it; kept for the state. */
    private float spareFloatNormal;
    private boolean hasSpareFloatNormal;

    /** A generator seeded with {@link #DEFAULT_SEED}, like {@code torch.Generator()}. */
    public Generator() {
        this(DEFAULT_SEED);
    }

    /**
     * A generator seeded with {@code seed}, like {@code torch.Generator().manual_seed(seed)}.
     *
     * @param seed the seed (all 64 bits are kept as the initial seed)
     */
    public Generator(long seed) {
        mt = new Mt19937(seed);
    }

    /**
     * The process-wide default generator: the one {@code torch.manual_seed}, {@code torch.rand},
     * {@code nn.Linear}'s init, dropout and so on use. Until {@link #manualSeed} is called it is
     * seeded from {@link SecureRandom}, as PyTorch seeds it from /dev/urandom.
     *
     * @return the shared default generator
     */
    public static Generator defaultGenerator() {
        return DEFAULT;
    }

    // ------------------------------------------------------------------ seeding and state

    /**
     * Reseeds, like {@code torch.manual_seed(seed)} / {@code Generator.manual_seed(seed)}: keeps
     * all 64 bits for {@link #initialSeed()} but starts the stream from the low 32 bits only
     * (so {@code 123} and {@code 2^32 + 123} give the same numbers), and forgets the cached spare
     * normal. A negative seed is the same as PyTorch's {@code seed mod 2^64}.
     *
     * @param seed the new seed
     * @return this generator
     */
    public synchronized Generator manualSeed(long seed) {
        mt.seed(seed);
        clearSpares();
        return this;
    }

    /**
     * Reseeds from {@link SecureRandom}, like {@code Generator.seed()}, and returns the new seed.
     *
     * @return the new seed
     */
    public synchronized long seed() {
        long s = new SecureRandom().nextLong();
        manualSeed(s);
        return s;
    }

    /**
     * The 64-bit seed last set ({@code initial_seed()}); PyTorch shows it as unsigned, so read
     * it with {@link Long#toUnsignedString(long)}.
     *
     * @return the seed, as signed bits
     */
    public synchronized long initialSeed() {
        return mt.seed;
    }

    private void clearSpares() {
        hasSpareNormal = false;
        spareNormal = 0;
        hasSpareFloatNormal = false;
        spareFloatNormal = 0;
    }

    /**
     * The whole generator state in PyTorch's {@code get_rng_state()} layout: 5056 bytes,
     * little-endian: u64 initial seed @0, i32 left @8, i32 seeded @12, u64 next @16, 624 u64
     * state words @24, double normal_x @5016 (0), double normal_y @5024 (the cached spare
     * normal), double normal_rho @5032 (0), i32 normal_is_valid @5040, float cached float
     * normal @5048, bool its validity @5052; padding bytes are 0. The bytes equal PyTorch's for the
     * same history, so they can be exchanged with {@code torch.set_rng_state(torch.tensor(bytes,
     * dtype=torch.uint8))}.
     *
     * @return a new array of 5056 bytes
     */
    public synchronized byte[] getState() {
        ByteBuffer b = ByteBuffer.allocate(STATE_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(0, mt.seed);
        b.putInt(8, mt.left);
        b.putInt(12, 1);
        b.putLong(16, mt.next);
        for (int i = 0; i < Mt19937.N; i++) {
            b.putLong(24 + 8 * i, Integer.toUnsignedLong(mt.state[i]));
        }
        b.putDouble(5016, 0.0);
        b.putDouble(5024, hasSpareNormal ? spareNormal : 0.0);
        b.putDouble(5032, 0.0);
        b.putInt(5040, hasSpareNormal ? 1 : 0);
        b.putFloat(5048, hasSpareFloatNormal ? spareFloatNormal : 0f);
        b.put(5052, (byte) (hasSpareFloatNormal ? 1 : 0));
        return b.array();
    }

    /**
     * Restores a state from {@link #getState()} or PyTorch's {@code get_rng_state()}, like
     * {@code set_rng_state}. Also reads PyTorch's 5048-byte legacy layout (whose spare normal is
     * {@code normal_rho * sin(2π normal_x)}).
     *
     * @param state the state bytes
     * @throws IllegalArgumentException if the size is neither 5056 nor 5048 bytes, or the engine
     *     fields are not a state PyTorch could have produced (not seeded, {@code left} outside
     *     1..624, {@code next} past the block, a state word above 32 bits); the generator is then
     *     unchanged
     */
    public synchronized void setState(byte[] state) {
        if (state == null) {
            throw new IllegalArgumentException("setState: state is null");
        }
        if (state.length != STATE_BYTES && state.length != LEGACY_STATE_BYTES) {
            throw new IllegalArgumentException("setState: expected " + STATE_BYTES + " bytes (or the legacy "
                    + LEGACY_STATE_BYTES + "), got " + state.length);
        }
        ByteBuffer b = ByteBuffer.wrap(state).order(ByteOrder.LITTLE_ENDIAN);
        long seed = b.getLong(0);
        int left = b.getInt(8);
        int seeded = b.getInt(12);
        long next = b.getLong(16) & 0xFFFFFFFFL; // PyTorch keeps the low 32 bits
        if (seeded == 0) {
            throw new IllegalArgumentException("setState: invalid mt19937 state: seeded flag is 0");
        }
        if (left < 1 || left > Mt19937.N) {
            throw new IllegalArgumentException("setState: invalid mt19937 state: left = " + left + " is outside 1.."
                    + Mt19937.N);
        }
        if (next > Mt19937.N || next + left > Mt19937.N + 1) {
            throw new IllegalArgumentException("setState: invalid mt19937 state: next = " + next + " with left = "
                    + left + " would read past the 624-word block");
        }
        int[] words = new int[Mt19937.N];
        for (int i = 0; i < Mt19937.N; i++) {
            long w = b.getLong(24 + 8 * i);
            if ((w >>> 32) != 0) {
                throw new IllegalArgumentException("setState: invalid mt19937 state: word " + i + " = 0x"
                        + Long.toHexString(w) + " does not fit in 32 bits");
            }
            words[i] = (int) w;
        }
        boolean spareValid = b.getInt(5040) != 0;
        double spare = 0;
        boolean floatValid = false;
        float floatSpare = 0;
        if (state.length == STATE_BYTES) {
            spare = spareValid ? b.getDouble(5024) : 0;
            floatValid = b.get(5052) != 0;
            floatSpare = floatValid ? b.getFloat(5048) : 0f;
        } else if (spareValid) {
            double x = b.getDouble(5016);
            double rho = b.getDouble(5032);
            spare = rho * StrictMath.sin(BoxMuller.TWO_PI * x);
        }
        System.arraycopy(words, 0, mt.state, 0, Mt19937.N);
        mt.seed = seed;
        mt.left = left;
        mt.next = (int) next;
        hasSpareNormal = spareValid;
        spareNormal = spare;
        hasSpareFloatNormal = floatValid;
        spareFloatNormal = floatSpare;
    }

    // ------------------------------------------------------------------ raw words and integers

    /**
     * The next 32-bit word ({@code random()}), as an int holding the unsigned bits.
     *
     * @return the word's 32 bits
     */
    public synchronized int nextInt() {
        return mt.nextInt();
    }

    /**
     * The next two words as {@code (first << 32) | second} ({@code random64()}).
     *
     * @return the two words' 64 bits
     */
    public synchronized long nextLong() {
        return mt.nextLong();
    }

    /**
     * {@code torch.empty((), dtype=torch.int64).random_()}: a non-negative long from two words.
     * The DataLoader's base seed and RandomSampler's seed are this draw.
     *
     * @return a value in {@code [0, 2^63)}
     */
    public synchronized long randomInt64() {
        return mt.nextLong() & Long.MAX_VALUE;
    }

    /**
     * {@code torch.empty((), dtype=torch.int32).random_()}: a non-negative int from one word.
     *
     * @return a value in {@code [0, 2^31)}
     */
    public synchronized int randomInt32() {
        return mt.nextInt() & Integer.MAX_VALUE;
    }

    /**
     * {@code torch.randint(high, (n,))}: {@link #randint(long, long, int) randint(0, high, n)}.
     *
     * @param high the exclusive upper bound, above 0
     * @param n the number of values
     * @return a new array of {@code n} values
     */
    public long[] randint(long high, int n) {
        return randint(0, high, n);
    }

    /**
     * {@code torch.randint(low, high, (n,))} (int64): uniform integers in {@code [low, high)}.
     * With {@code r = high - low}, each is {@code word % r + low} (unsigned), or
     * {@code random64() % r + low} when {@code r >= 2^32}.
     *
     * @param low the inclusive lower bound
     * @param high the exclusive upper bound, above {@code low}
     * @param n the number of values
     * @return a new array of {@code n} values
     */
    public long[] randint(long low, long high, int n) {
        checkCount("randint", n);
        long[] out = new long[n];
        randint_(out, 0, n, low, high);
        return out;
    }

    /**
     * {@code tensor.random_(low, high)} on an int64 tensor: fills {@code out[off..off+n)}, see
     * {@link #randint(long, long, int)}.
     *
     * @param out the array to fill
     * @param off the first index to fill
     * @param n the number of values
     * @param low the inclusive lower bound
     * @param high the exclusive upper bound, above {@code low}
     * @throws IllegalArgumentException if the range of indices is outside {@code out} or {@code low >= high}
     */
    public synchronized void randint_(long[] out, int off, int n, long low, long high) {
        checkRange("randint", out == null ? -1 : out.length, off, n);
        if (low >= high) {
            throw new IllegalArgumentException("randint: expects low < high, got low=" + low + " >= high=" + high);
        }
        long range = high - low; // as unsigned, up to 2^64 - 1
        if (Long.compareUnsigned(range, 1L << 32) >= 0) {
            for (int i = 0; i < n; i++) {
                out[off + i] = Long.remainderUnsigned(mt.nextLong(), range) + low;
            }
        } else {
            for (int i = 0; i < n; i++) {
                out[off + i] = (mt.nextInt() & 0xFFFFFFFFL) % range + low;
            }
        }
    }

    /**
     * {@code torch.randperm(n)}: a permutation of {@code 0..n-1}. For {@code n < 214748364}:
     * start from the identity and for {@code i = 0..n-2} swap {@code r[i]} with
     * {@code r[i + word % (n-i)]} ({@code n-1} words). From {@value #RANDPERM_LARGE_N} on, the
     * inside-out shuffle on {@code random64() % (i+1)} ({@code 2n} words; this branch is taken
     * from the spec and was not checked against PyTorch).
     *
     * @param n the length, at least 0
     * @return a new array holding the permutation
     */
    public synchronized long[] randperm(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("randperm: n must be non-negative, got " + n);
        }
        long[] r = new long[n];
        if (n < RANDPERM_LARGE_N) {
            for (int i = 0; i < n; i++) {
                r[i] = i;
            }
            for (int i = 0; i < n - 1; i++) {
                int z = (int) ((mt.nextInt() & 0xFFFFFFFFL) % (n - i));
                long sav = r[i];
                r[i] = r[z + i];
                r[z + i] = sav;
            }
        } else {
            for (int i = 0; i < n; i++) {
                int z = (int) Long.remainderUnsigned(mt.nextLong(), i + 1L);
                r[i] = r[z];
                r[z] = i;
            }
        }
        return r;
    }

    // ------------------------------------------------------------------ uniform

    /**
     * {@code torch.rand(n)}: float32 uniforms in [0, 1), one word each ({@code (word & 0xFFFFFF) * 2^-24}).
     *
     * @param n the number of values
     * @return a new array of {@code n} values
     */
    public float[] rand(int n) {
        checkCount("rand", n);
        float[] out = new float[n];
        uniform_(out, 0, n, 0.0, 1.0);
        return out;
    }

    /**
     * {@code torch.rand(n, dtype=torch.float64)}: doubles in [0, 1), two words each (53 bits).
     *
     * @param n the number of values
     * @return a new array of {@code n} values
     */
    public double[] randDouble(int n) {
        checkCount("randDouble", n);
        double[] out = new double[n];
        uniform_(out, 0, n, 0.0, 1.0);
        return out;
    }

    /**
     * {@code tensor.uniform_(from, to)} on float32 storage: with {@code a = (float) from},
     * {@code d = (float) to - a}, each element is {@code fma(U24, d, a)} (one rounding, as the
     * reference build fuses it). Also the right call for non-contiguous tensors, in memory order.
     *
     * @param out the storage to fill
     * @param off the first index to fill
     * @param n the number of elements
     * @param from the lower bound
     * @param to the upper bound
     */
    public synchronized void uniform_(float[] out, int off, int n, double from, double to) {
        checkRange("uniform_", out == null ? -1 : out.length, off, n);
        checkUniformBounds(from, to, Float.MAX_VALUE);
        float a = (float) from;
        float d = (float) to - a;
        int[] w = buf;
        for (int i = 0; i < n; ) {
            int k = Math.min(n - i, BUF);
            mt.nextInts(w, 0, k);
            int base = off + i;
            for (int j = 0; j < k; j++) {
                out[base + j] = Math.fma((w[j] & 0xFFFFFF) * U24_SCALE, d, a);
            }
            i += k;
        }
    }

    /**
     * {@code tensor.uniform_(from, to)} on float64 storage: {@code fma(U53, to - from, from)}, two words
     * each.
     *
     * @param out the storage to fill
     * @param off the first index to fill
     * @param n the number of elements
     * @param from the lower bound
     * @param to the upper bound
     */
    public synchronized void uniform_(double[] out, int off, int n, double from, double to) {
        checkRange("uniform_", out == null ? -1 : out.length, off, n);
        checkUniformBounds(from, to, Double.MAX_VALUE);
        double d = to - from;
        for (int i = 0; i < n; i++) {
            out[off + i] = Math.fma(nextU53(), d, from);
        }
    }

    private static void checkUniformBounds(double from, double to, double max) {
        if (!(from >= -max && from <= max)) {
            throw new IllegalArgumentException("uniform_: from=" + from + " is out of bounds for the dtype");
        }
        if (!(to >= -max && to <= max)) {
            throw new IllegalArgumentException("uniform_: to=" + to + " is out of bounds for the dtype");
        }
        if (from > to) {
            throw new IllegalArgumentException("uniform_: expects a [from, to) range, but found from=" + from
                    + " > to=" + to);
        }
        if (to - from > max) {
            throw new IllegalArgumentException("uniform_: to - from must not exceed the dtype's maximum, but found to="
                    + to + " and from=" + from);
        }
    }

    private double nextU53() {
        return (mt.nextLong() & MASK53) * U53_SCALE;
    }

    /**
     * {@code dst[i] = nextU53()} for {@code i < n}: the same draws as {@code n} calls, taking the
     * words from the generator in blocks (two words per value, the first the high half).
     */
    private void nextU53s(double[] dst, int n) {
        int[] w = buf;
        for (int i = 0; i < n; ) {
            int k = Math.min(n - i, BUF / 2);
            mt.nextInts(w, 0, 2 * k);
            for (int j = 0; j < k; j++) {
                long bits = ((long) w[2 * j] << 32) | (w[2 * j + 1] & 0xFFFFFFFFL);
                dst[i + j] = (bits & MASK53) * U53_SCALE;
            }
            i += k;
        }
    }

    /** Masks of at least this many elements are tempered on the kernel threads. */
    static final int PARALLEL_MASK = 1 << 16;

    /** Scratch for {@link #nextU53s}: BUF/2 doubles, reused under the generator's lock. */
    private final double[] u53 = new double[BUF / 2];

    // ------------------------------------------------------------------ normal

    /**
     * {@code torch.randn(n)} (float32): {@link #normal_(float[], int, int, double, double)
     * normal_(out, 0, n, 0, 1)}, so the block path when {@code n >= 16}, else the scalar path.
     *
     * @param n the number of values
     * @return a new array of {@code n} standard normal values
     */
    public float[] randn(int n) {
        checkCount("randn", n);
        float[] out = new float[n];
        normal_(out, 0, n, 0.0, 1.0);
        return out;
    }

    /**
     * {@code torch.randn(n, dtype=torch.float64)}: see {@link #normal_(double[], int, int, double, double)}.
     *
     * @param n the number of values
     * @return a new array of {@code n} standard normal values
     */
    public double[] randnDouble(int n) {
        checkCount("randnDouble", n);
        double[] out = new double[n];
        normal_(out, 0, n, 0.0, 1.0);
        return out;
    }

    /**
     * {@code tensor.normal_(mean, std)} on a <em>contiguous</em> float32 tensor of {@code n}
     * elements ({@code torch.randn}, {@code nn.init.normal_}, {@code nn.Embedding}'s init).
     *
     * <p>{@code n >= 16}: the vectorised path. All {@code n} uniforms (U24) are drawn first,
     * each 16-block becomes 16 normals (Box-Muller with PyTorch's AVX2 Cephes log/sincos, mean
     * and std cast to float), and if {@code n % 16 != 0} the last 16 slots are refilled with 16
     * fresh uniforms and transformed again: {@code n + (n % 16 == 0 ? 0 : 16)} words. The cached
     * spare normal is neither read nor written.
     *
     * <p>{@code n < 16}: the scalar path, as {@link #normalScalar_(float[], int, int, double, double)}.
     *
     * @param out the storage to fill
     * @param off the first index to fill
     * @param n the number of elements
     * @param mean the mean
     * @param std the standard deviation
     * @throws IllegalArgumentException if {@code std} is negative or NaN, or the range is outside {@code out}
     */
    public synchronized void normal_(float[] out, int off, int n, double mean, double std) {
        checkRange("normal_", out == null ? -1 : out.length, off, n);
        checkStd(std);
        if (n < NORMAL_BLOCK_MIN) {
            scalarNormals(out, off, n, mean, std);
            return;
        }
        float m = (float) mean;
        float s = (float) std;
        // PyTorch draws all n uniforms, then transforms the blocks; block b only reads its own
        // 16 uniforms, so drawing and transforming chunk by chunk gives the same bits, in cache
        int full = n - n % 16;
        for (int i = 0; i < full; ) {
            int k = Math.min(full - i, BUF);
            fillU24(out, off + i, k);
            for (int b = 0; b < k; b += 16) {
                BoxMuller.block16Float(out, off + i + b, m, s);
            }
            i += k;
        }
        if (n % 16 != 0) {
            fillU24(out, off + full, n % 16); // drawn, then overwritten by the tail block
            fillU24(out, off + n - 16, 16);
            BoxMuller.block16Float(out, off + n - 16, m, s);
        }
    }

    /**
     * {@code tensor.normal_(mean, std)} on a contiguous float64 tensor: for {@code n >= 16} the
     * same block scheme in double (U53 uniforms, {@code StrictMath} log/cos/sin, two words per
     * element plus 32 for a tail); below 16 the scalar path. StrictMath (the same on every JVM)
     * and PyTorch's glibc differ by one ulp for a few percent of arguments, so about 5% of the
     * doubles come out 1-2 ulp away from PyTorch's (measured: 13 of 256 for
     * {@code randn(256, dtype=float64)}); float32 results are not affected.
     *
     * @param out the storage to fill
     * @param off the first index to fill
     * @param n the number of elements
     * @param mean the mean
     * @param std the standard deviation
     */
    public synchronized void normal_(double[] out, int off, int n, double mean, double std) {
        checkRange("normal_", out == null ? -1 : out.length, off, n);
        checkStd(std);
        if (n < NORMAL_BLOCK_MIN) {
            for (int i = 0; i < n; i++) {
                out[off + i] = Math.fma(nextNormalUnscaled(), std, mean);
            }
            return;
        }
        for (int i = 0; i < n; i++) {
            out[off + i] = nextU53();
        }
        for (int i = 0; i + 16 <= n; i += 16) {
            BoxMuller.block16Double(out, off + i, mean, std);
        }
        if (n % 16 != 0) {
            for (int i = n - 16; i < n; i++) {
                out[off + i] = nextU53();
            }
            BoxMuller.block16Double(out, off + n - 16, mean, std);
        }
    }

    /**
     * The scalar normal path, whatever {@code n}: what PyTorch runs for a float32 tensor with
     * fewer than 16 elements, and for a <em>non-contiguous</em> tensor of any size (fill its
     * elements in memory order, which is the order PyTorch's serial kernel walks them).
     * Per element: if the generator holds a cached spare, use it (no words); otherwise draw
     * {@code u1 = U53(), u2 = U53()} (4 words), {@code r = sqrt(-2 ln(1 - u2))},
     * {@code θ = 2π u1}, cache {@code r sin θ} and use {@code r cos θ}; the element is
     * {@code (float) fma(v, std, mean)}. The spare survives across calls until used or reseeded.
     *
     * @param out the storage to fill
     * @param off the first index to fill
     * @param n the number of elements
     * @param mean the mean
     * @param std the standard deviation
     */
    public synchronized void normalScalar_(float[] out, int off, int n, double mean, double std) {
        checkRange("normalScalar_", out == null ? -1 : out.length, off, n);
        checkStd(std);
        scalarNormals(out, off, n, mean, std);
    }

    /**
     * The scalar normal path for float64 storage (non-contiguous tensors); see
     * {@link #normalScalar_(float[], int, int, double, double)}.
     *
     * @param out the storage to fill
     * @param off the first index to fill
     * @param n the number of elements
     * @param mean the mean
     * @param std the standard deviation
     */
    public synchronized void normalScalar_(double[] out, int off, int n, double mean, double std) {
        checkRange("normalScalar_", out == null ? -1 : out.length, off, n);
        checkStd(std);
        for (int i = 0; i < n; i++) {
            out[off + i] = Math.fma(nextNormalUnscaled(), std, mean);
        }
    }

    private void scalarNormals(float[] out, int off, int n, double mean, double std) {
        for (int i = 0; i < n; i++) {
            out[off + i] = (float) Math.fma(nextNormalUnscaled(), std, mean);
        }
    }

    /** {@code normal_distribution<double>}: the cached spare, or a fresh pair (cos half returned). */
    private double nextNormalUnscaled() {
        if (hasSpareNormal) {
            hasSpareNormal = false;
            return spareNormal;
        }
        double u1 = nextU53();
        double u2 = nextU53();
        double r = Math.sqrt(-2.0 * StrictMath.log(1.0 - u2));
        double theta = BoxMuller.TWO_PI * u1;
        spareNormal = r * StrictMath.sin(theta);
        hasSpareNormal = true;
        return r * StrictMath.cos(theta);
    }

    private static void checkStd(double std) {
        if (!(std >= 0.0)) {
            throw new IllegalArgumentException("normal_: expects std >= 0.0, but found std=" + std);
        }
    }

    /** {@code out[off..off+n) = U24} in draw order. */
    private void fillU24(float[] out, int off, int n) {
        int[] w = buf;
        for (int i = 0; i < n; ) {
            int k = Math.min(n - i, BUF);
            mt.nextInts(w, 0, k);
            int base = off + i;
            for (int j = 0; j < k; j++) {
                out[base + j] = (w[j] & 0xFFFFFF) * U24_SCALE;
            }
            i += k;
        }
    }

    // ------------------------------------------------------------------ exponential, bernoulli, dropout

    /**
     * {@code tensor.exponential_(lambd)} on float32 storage (non-MKL path): per element
     * {@code (float) ((-1.0 / lambd) * ln(1.0 - U53))}, two words each. {@code lambd = 0} gives
     * infinities, as in PyTorch 1.13.
     *
     * @param out the storage to fill
     * @param off the first index to fill
     * @param n the number of elements
     * @param lambd the rate, at least 0
     * @throws IllegalArgumentException if {@code lambd} is negative or NaN
     */
    public synchronized void exponential_(float[] out, int off, int n, double lambd) {
        checkRange("exponential_", out == null ? -1 : out.length, off, n);
        checkLambda(lambd);
        double c = -1.0 / lambd;
        for (int i = 0; i < n; i++) {
            out[off + i] = (float) (c * StrictMath.log(1.0 - nextU53()));
        }
    }

    /**
     * {@code tensor.exponential_(lambd)} on float64 storage; see
     * {@link #exponential_(float[], int, int, double)}. The log is StrictMath's, which differs from
     * PyTorch's glibc by one ulp for some arguments.
     *
     * @param out the storage to fill
     * @param off the first index to fill
     * @param n the number of elements
     * @param lambd the rate, at least 0
     */
    public synchronized void exponential_(double[] out, int off, int n, double lambd) {
        checkRange("exponential_", out == null ? -1 : out.length, off, n);
        checkLambda(lambd);
        double c = -1.0 / lambd;
        for (int i = 0; i < n; i++) {
            out[off + i] = c * StrictMath.log(1.0 - nextU53());
        }
    }

    private static void checkLambda(double lambd) {
        if (!(lambd >= 0.0)) {
            throw new IllegalArgumentException("exponential_: expects lambda >= 0.0, but found lambda=" + lambd);
        }
    }

    /**
     * {@code tensor.bernoulli_(p)} with a Python float {@code p} (non-MKL path), on float32
     * storage: per element {@code U53 < p ? 1 : 0}, two words each. This is the draw under
     * dropout; see {@link #dropoutMask(int, double)}.
     *
     * @param out the storage to fill with 0 and 1
     * @param off the first index to fill
     * @param n the number of elements
     * @param p the probability of a 1
     * @throws IllegalArgumentException if {@code p} is outside [0, 1]
     */
    public synchronized void bernoulli_(float[] out, int off, int n, double p) {
        checkRange("bernoulli_", out == null ? -1 : out.length, off, n);
        if (!(p >= 0.0 && p <= 1.0)) {
            throw new IllegalArgumentException("bernoulli_: expects p to be in [0, 1], but got p=" + p);
        }
        for (int i = 0; i < n; i += BUF / 2) {
            int k = Math.min(n - i, BUF / 2);
            nextU53s(u53, k);
            for (int j = 0; j < k; j++) out[off + i + j] = u53[j] < p ? 1f : 0f;
        }
    }

    /**
     * {@code torch.bernoulli(probs)} / {@code out.bernoulli_(probs)} with a float32 probability
     * tensor of the same shape: per element {@code U24 < p ? 1 : 0}, compared in float, one
     * word each.
     *
     * @param out the storage to fill with 0 and 1
     * @param off the first index to fill
     * @param n the number of elements
     * @param probs the probabilities, one per element
     * @param probsOff the index of the first probability
     * @throws IllegalArgumentException if a probability is outside [0, 1] or NaN
     */
    public synchronized void bernoulli_(float[] out, int off, int n, float[] probs, int probsOff) {
        checkRange("bernoulli_", out == null ? -1 : out.length, off, n);
        checkRange("bernoulli_ (probs)", probs == null ? -1 : probs.length, probsOff, n);
        for (int i = 0; i < n; i++) {
            float p = probs[probsOff + i];
            if (!(p >= 0f && p <= 1f)) {
                throw new IllegalArgumentException("bernoulli_: expects all probabilities in [0, 1], but got p["
                        + i + "]=" + p);
            }
        }
        int[] w = buf;
        for (int i = 0; i < n; ) {
            int k = Math.min(n - i, BUF);
            mt.nextInts(w, 0, k);
            for (int j = 0; j < k; j++) {
                out[off + i + j] = (w[j] & 0xFFFFFF) * U24_SCALE < probs[probsOff + i + j] ? 1f : 0f;
            }
            i += k;
        }
    }

    /**
     * {@code torch.bernoulli(probs)} for float32 probabilities; see
     * {@link #bernoulli_(float[], int, int, float[], int)}.
     *
     * @param probs the probabilities
     * @return a new array of 0 and 1, one per probability
     */
    public float[] bernoulli(float[] probs) {
        if (probs == null) {
            throw new IllegalArgumentException("bernoulli: probs is null");
        }
        float[] out = new float[probs.length];
        bernoulli_(out, 0, probs.length, probs, 0);
        return out;
    }

    /**
     * The mask of {@code nn.Dropout(p)} / {@code F.dropout(x, p, training=True)} for a tensor of
     * {@code n} elements: the output is {@code x[i] * mask[i]} (float multiply, element by
     * element in row-major order of {@code x}), and the backward pass multiplies the gradient by
     * the same mask.
     *
     * <p>What PyTorch does: if {@code p == 0} or {@code n == 0} it returns {@code x} and draws
     * nothing (here: a mask of ones); if {@code p == 1} it returns {@code x * 0} and draws nothing
     * (a mask of zeros); otherwise {@code mask = empty(n).bernoulli_(1 - p)} ({@code 1 - p} in
     * double, 2 words per element) and {@code mask.div_(1 - p)}, so kept entries hold
     * {@code 1f / (float) (1 - p)} (2.0 for p = 0.5, 1.1111112f for p = 0.1) and dropped ones 0.
     * In eval mode dropout draws nothing: do not call this.
     *
     * @param n the number of elements
     * @param p the drop probability
     * @return a new mask of {@code n} elements
     * @throws IllegalArgumentException if {@code p} is outside [0, 1] or {@code n < 0}
     */
    public synchronized float[] dropoutMask(int n, double p) {
        checkCount("dropoutMask", n);
        if (!(p >= 0.0 && p <= 1.0)) {
            throw new IllegalArgumentException("dropoutMask: dropout probability has to be between 0 and 1, but got "
                    + p);
        }
        float[] mask = new float[n];
        if (p == 0.0 || n == 0) {
            Arrays.fill(mask, 1f);
            return mask;
        }
        if (p == 1.0) {
            return mask;
        }
        double keep = 1.0 - p;
        float scale = 1f / (float) keep;
        if (n >= PARALLEL_MASK) {
            // The words are drawn in order (cheap); tempering them and comparing, the costly part,
            // runs on the kernel threads. Same mask, bit for bit, as the loop below.
            int[] raw = new int[2 * n];
            mt.nextRawInts(raw, 0, 2 * n);
            // u53 · 2^-53 < keep  ⇔  u53 < ceil(keep · 2^53) (both sides exact), compared as the
            // high 21 bits (from the first word) and the low 32 bits (the second word, unsigned).
            long threshold = (long) Math.ceil(keep * 0x1p53);
            int hiT = (int) (threshold >>> 32), loT = (int) threshold ^ Integer.MIN_VALUE;
            dev.scratchllm.kernels.Parallel.forRange(n, PARALLEL_MASK / 4, (s, e) -> {
                // tempering in place: a plain int loop that C2 vectorizes
                for (int i = 2 * s; i < 2 * e; i++) raw[i] = Mt19937.temper(raw[i]);
                for (int i = s; i < e; i++) {
                    int hi = raw[2 * i] & 0x1FFFFF, lo = raw[2 * i + 1] ^ Integer.MIN_VALUE; // lo: unsigned order as signed
                    mask[i] = hi < hiT || hi == hiT && lo < loT ? scale : 0f;
                }
            });
            return mask;
        }
        for (int i = 0; i < n; i += BUF / 2) {
            int k = Math.min(n - i, BUF / 2);
            nextU53s(u53, k);
            for (int j = 0; j < k; j++) mask[i + j] = u53[j] < keep ? scale : 0f;
        }
        return mask;
    }

    /**
     * {@code F.dropout(x, p, training)} on a contiguous float32 tensor, as a new array:
     * {@code x[i] * mask[i]} with {@link #dropoutMask(int, double)} when training (so a dropped
     * negative element becomes {@code -0.0f}, as in PyTorch), and a plain copy without drawing
     * anything when not training.
     *
     * @param x the input values
     * @param p the drop probability, in [0, 1]
     * @param training whether to drop
     * @return a new array
     * @throws IllegalArgumentException if {@code x} is null or {@code p} is outside [0, 1]
     */
    public float[] dropout(float[] x, double p, boolean training) {
        if (x == null) {
            throw new IllegalArgumentException("dropout: x is null");
        }
        if (!(p >= 0.0 && p <= 1.0)) {
            throw new IllegalArgumentException("dropout: dropout probability has to be between 0 and 1, but got " + p);
        }
        float[] out = x.clone();
        if (!training || p == 0.0 || x.length == 0) {
            return out;
        }
        float[] mask = dropoutMask(x.length, p);
        for (int i = 0; i < out.length; i++) {
            out[i] = x[i] * mask[i];
        }
        return out;
    }

    // ------------------------------------------------------------------ multinomial

    /**
     * {@code torch.multinomial(probs, 1)} for a 1-D float32 {@code probs} (the book's sampling in
     * {@code generate}): one index, drawn as PyTorch 1.13's replacement-free path does:
     * {@code q = exponential_(1)} over all of {@code probs} (2 words per category), then the
     * first index of the maximum of {@code probs[i] / q[i]} (float division).
     * Probabilities need not sum to 1.
     *
     * @param probs the (unnormalised) probabilities
     * @return the drawn index
     * @throws IllegalArgumentException if {@code probs} is empty, has a negative, infinite or NaN
     *     entry, or sums to 0
     */
    public long multinomial(float[] probs) {
        if (probs == null) {
            throw new IllegalArgumentException("multinomial: probs is null");
        }
        return multinomial(probs, 1, probs.length, 1, false)[0];
    }

    /**
     * {@code torch.multinomial(probs, numSamples)} (without replacement, PyTorch's default) for
     * a 1-D float32 {@code probs}; see {@link #multinomial(float[], int, int, int, boolean)}.
     *
     * @param probs the (unnormalised) probabilities
     * @param numSamples the number of indices to draw
     * @return the drawn indices
     */
    public long[] multinomial(float[] probs, int numSamples) {
        return multinomial(probs, numSamples, false);
    }

    /**
     * {@code torch.multinomial(probs, numSamples, replacement)} for a 1-D float32 {@code probs};
     * see {@link #multinomial(float[], int, int, int, boolean)}.
     *
     * @param probs the (unnormalised) probabilities
     * @param numSamples the number of indices to draw
     * @param replacement whether an index may be drawn more than once
     * @return the drawn indices
     */
    public long[] multinomial(float[] probs, int numSamples, boolean replacement) {
        if (probs == null) {
            throw new IllegalArgumentException("multinomial: probs is null");
        }
        return multinomial(probs, 1, probs.length, numSamples, replacement);
    }

    /**
     * {@code torch.multinomial(probs, numSamples, replacement)} for float32 {@code probs} of shape
     * {@code [rows][categories]} (row-major; {@code rows = 1} for a 1-D tensor). Returns
     * {@code rows * numSamples} indices, row-major.
     *
     * <p>Without replacement (the default): {@code q = exponential_(1)} over the whole
     * {@code probs} tensor at once, {@code s = probs / q} (float), then per row the first index
     * of the maximum of {@code s} ({@code numSamples = 1}) or the indices of its
     * {@code numSamples} largest values in descending order. When {@code numSamples} exceeds the
     * number of non-zero probabilities, the order among the tied zero scores is by index here and
     * implementation-specific in PyTorch (its top-k is not stable).
     *
     * <p>With replacement (PyTorch 1.13's CPU kernel): per row, a float32 cumulative sum of the
     * row divided by its total, the last entry forced to 1; then per sample one
     * {@code U53} (2 words) and the first category whose cumulative value is not below it
     * (binary search).
     *
     * @param probs the (unnormalised) probabilities, row-major
     * @param rows the number of rows
     * @param categories the number of categories per row
     * @param numSamples the number of indices to draw per row
     * @param replacement whether an index may be drawn more than once within a row
     * @return the drawn indices
     * @throws IllegalArgumentException on a shape mismatch, {@code numSamples <= 0}, more
     *     samples than categories without replacement, more than 2^24 categories, an entry that
     *     is negative, infinite or NaN, or a row that sums to 0
     */
    public synchronized long[] multinomial(float[] probs, int rows, int categories, int numSamples,
            boolean replacement) {
        if (probs == null) {
            throw new IllegalArgumentException("multinomial: probs is null");
        }
        if (rows < 1 || categories < 1 || (long) rows * categories != probs.length) {
            throw new IllegalArgumentException("multinomial: probs of length " + probs.length
                    + " does not have the shape [" + rows + ", " + categories + "] with both sizes >= 1");
        }
        if (numSamples <= 0) {
            throw new IllegalArgumentException("multinomial: cannot sample numSamples <= 0 samples, got "
                    + numSamples);
        }
        if (!replacement && numSamples > categories) {
            throw new IllegalArgumentException("multinomial: cannot sample numSamples=" + numSamples
                    + " > " + categories + " categories without replacement");
        }
        if (categories > (1 << 24)) {
            throw new IllegalArgumentException("multinomial: number of categories cannot exceed 2^24, got "
                    + categories);
        }
        for (int i = 0; i < probs.length; i++) {
            float p = probs[i];
            if (!(p >= 0f && p < Float.POSITIVE_INFINITY)) {
                throw new IllegalArgumentException("multinomial: probability tensor contains either inf, nan or"
                        + " element < 0: probs[" + i + "]=" + p);
            }
        }
        for (int r = 0; r < rows; r++) {
            float sum = 0f;
            for (int c = 0; c < categories; c++) {
                sum += probs[r * categories + c];
            }
            if (!(sum > 0f)) {
                throw new IllegalArgumentException("multinomial: invalid distribution (sum of probabilities <= 0)"
                        + " in row " + r);
            }
        }
        long[] result = new long[rows * numSamples];
        if (replacement) {
            multinomialWithReplacement(probs, rows, categories, numSamples, result);
            return result;
        }
        float[] s = new float[probs.length];
        exponential_(s, 0, s.length, 1.0);
        for (int i = 0; i < s.length; i++) {
            s[i] = probs[i] / s[i];
        }
        for (int r = 0; r < rows; r++) {
            int base = r * categories;
            if (numSamples == 1) {
                result[r] = argmax(s, base, categories);
            } else {
                Integer[] idx = new Integer[categories];
                for (int c = 0; c < categories; c++) {
                    idx[c] = c;
                }
                Arrays.sort(idx, (x, y) -> Float.compare(s[base + y], s[base + x])); // NaN counts as largest
                for (int k = 0; k < numSamples; k++) {
                    result[r * numSamples + k] = idx[k];
                }
            }
        }
        return result;
    }

    /** argmax as PyTorch: the first maximum, and a NaN beats everything (the first NaN wins). */
    private static int argmax(float[] s, int base, int n) {
        int best = 0;
        float bestV = s[base];
        if (Float.isNaN(bestV)) {
            return 0;
        }
        for (int i = 1; i < n; i++) {
            float v = s[base + i];
            if (Float.isNaN(v)) {
                return i;
            }
            if (v > bestV) {
                bestV = v;
                best = i;
            }
        }
        return best;
    }

    private void multinomialWithReplacement(float[] probs, int rows, int categories, int numSamples, long[] result) {
        float[] cum = new float[categories];
        for (int r = 0; r < rows; r++) {
            int base = r * categories;
            float sum = 0f;
            for (int c = 0; c < categories; c++) {
                sum += probs[base + c];
                cum[c] = sum;
            }
            for (int c = 0; c < categories; c++) {
                cum[c] /= sum;
            }
            cum[categories - 1] = 1f;
            for (int k = 0; k < numSamples; k++) {
                double u = nextU53();
                int lo = 0;
                int hi = categories;
                while (hi - lo > 0) {
                    int mid = lo + (hi - lo) / 2;
                    if (cum[mid] < u) {
                        lo = mid + 1;
                    } else {
                        hi = mid;
                    }
                }
                result[r * numSamples + k] = lo;
            }
        }
    }

    // ------------------------------------------------------------------ nn.init

    /**
     * The bound of {@code nn.init.kaiming_uniform_(w, a=sqrt(5))}, the default init of
     * {@code nn.Linear}'s weight: {@link #kaimingUniformBound(long, double)} with {@code a = sqrt(5)}.
     *
     * @param fanIn the number of inputs, at least 1
     * @return the bound
     */
    public static double kaimingUniformBound(long fanIn) {
        return kaimingUniformBound(fanIn, Math.sqrt(5.0));
    }

    /**
     * The bound of {@code kaiming_uniform_(w, a, mode='fan_in', nonlinearity='leaky_relu')},
     * in double and in PyTorch's order: {@code sqrt(3) * (sqrt(2 / (1 + a*a)) / sqrt(fanIn))}.
     * (Not {@code 1/sqrt(fanIn)}: for {@code a = sqrt(5)}, {@code a*a} is 5.000000000000001 and
     * the bits differ.)
     *
     * @param fanIn the number of inputs, at least 1
     * @param a the negative slope of the leaky ReLU
     * @return the bound {@code b} of {@code uniform_(-b, b)}
     * @throws IllegalArgumentException if {@code fanIn < 1}
     */
    public static double kaimingUniformBound(long fanIn, double a) {
        if (fanIn < 1) {
            throw new IllegalArgumentException("kaimingUniformBound: fan_in must be >= 1, got " + fanIn);
        }
        double gain = Math.sqrt(2.0 / (1 + a * a));
        double std = gain / Math.sqrt((double) fanIn);
        return Math.sqrt(3.0) * std;
    }

    /**
     * The bound of {@code nn.Linear}'s bias init: {@code 1 / sqrt(fanIn)}, or 0 when {@code fanIn} is 0.
     *
     * @param fanIn the number of inputs, at least 0
     * @return the bound
     * @throws IllegalArgumentException if {@code fanIn} is negative
     */
    public static double linearBiasBound(long fanIn) {
        if (fanIn < 0) {
            throw new IllegalArgumentException("linearBiasBound: fan_in must be >= 0, got " + fanIn);
        }
        return fanIn > 0 ? 1 / Math.sqrt((double) fanIn) : 0.0;
    }

    /**
     * {@code nn.Linear(inFeatures, outFeatures, bias)}'s {@code reset_parameters()}: the weight
     * ({@code [out][in]} row-major, {@code weight.length = out * in}) gets
     * {@code uniform_(-b, b)} with {@code b = }{@link #kaimingUniformBound(long) kaimingUniformBound(in)};
     * then, if {@code bias} is not null, the bias ({@code out} elements) gets
     * {@code uniform_(-1/sqrt(in), 1/sqrt(in))}. Words: {@code out*in (+ out)}.
     *
     * @param bias null for {@code bias=False}
     * @param weight the weight storage, {@code out * in} elements
     * @param inFeatures the number of inputs
     * @throws IllegalArgumentException if {@code inFeatures < 1}, {@code weight.length} is not a
     *     multiple of it, or {@code bias.length != weight.length / inFeatures}
     */
    public synchronized void initLinear_(float[] weight, float[] bias, int inFeatures) {
        if (weight == null) {
            throw new IllegalArgumentException("initLinear_: weight is null");
        }
        if (inFeatures < 1 || weight.length % inFeatures != 0) {
            throw new IllegalArgumentException("initLinear_: weight of length " + weight.length
                    + " is not [out][in] for inFeatures=" + inFeatures);
        }
        int outFeatures = weight.length / inFeatures;
        if (bias != null && bias.length != outFeatures) {
            throw new IllegalArgumentException("initLinear_: bias of length " + bias.length + " does not match "
                    + outFeatures + " output features");
        }
        double wb = kaimingUniformBound(inFeatures);
        uniform_(weight, 0, weight.length, -wb, wb);
        if (bias != null) {
            double bb = linearBiasBound(inFeatures);
            uniform_(bias, 0, bias.length, -bb, bb);
        }
    }

    /**
     * {@code nn.Embedding(V, D)}'s init: {@code normal_(0, 1)} over the whole {@code [V][D]}
     * weight, so the block path if {@code V*D >= 16} (e.g. the book's {@code Embedding(6, 3)})
     * and the scalar path otherwise. (A {@code padding_idx} row is zeroed afterwards by the
     * module, without drawing.)
     *
     * @param weight the weight storage
     * @throws IllegalArgumentException if {@code weight} is null
     */
    public void initEmbedding_(float[] weight) {
        if (weight == null) {
            throw new IllegalArgumentException("initEmbedding_: weight is null");
        }
        normal_(weight, 0, weight.length, 0.0, 1.0);
    }

    // ------------------------------------------------------------------ DataLoader

    /**
     * The draw {@code iter(loader)} makes on the loader's generator (the default one unless the
     * DataLoader got a {@code generator=}): {@code _base_seed}, from {@link #randomInt64()}.
     * PyTorch makes it at <em>every</em> {@code iter()} (each epoch, each loop over the loader),
     * with or without shuffling, before any batch.
     *
     * @return the base seed drawn
     */
    public long dataLoaderBaseSeed() {
        return randomInt64();
    }

    /**
     * What {@code RandomSampler} (DataLoader {@code shuffle=True} without a {@code generator=})
     * does at the first {@code next()} of an epoch: draws {@code seed = }{@link #randomInt64()}
     * from this generator (the default one), seeds a fresh private generator with it and returns
     * that generator's {@code randperm(n)}; batches are consecutive chunks of it
     * ({@code drop_last} drops a short last chunk). A whole shuffled epoch therefore draws 4
     * words of this generator: {@link #dataLoaderBaseSeed()} at {@code iter()}, then this.
     *
     * <p>A DataLoader given its own generator {@code g} works differently, and this method is not
     * for it: {@code iter()} draws {@code g.dataLoaderBaseSeed()}, the first {@code next()} uses
     * {@code g.randperm(n)} directly (no seed draw), and when the loop runs to the end of the
     * epoch (with or without {@code drop_last}) RandomSampler draws a second, discarded
     * {@code g.randperm(n)}, so a full epoch costs {@code 2 + 2(n-1)} words of {@code g}.
     *
     * @param n the number of examples, at least 0
     * @return the permutation of the epoch
     * @throws IllegalArgumentException if {@code n} is negative
     */
    public long[] randomSamplerPermutation(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("randomSamplerPermutation: n must be non-negative, got " + n);
        }
        long seed = randomInt64();
        return new Generator(seed).randperm(n);
    }

    // ------------------------------------------------------------------ helpers

    /** Advances the engine by {@code n} words without converting them (tests count words with it). */
    synchronized void skipWords(long n) {
        mt.skip(n);
    }

    private static void checkCount(String op, int n) {
        if (n < 0) {
            throw new IllegalArgumentException(op + ": element count must be non-negative, got " + n);
        }
    }

    private static void checkRange(String op, int length, int off, int n) {
        if (length < 0) {
            throw new IllegalArgumentException(op + ": array is null");
        }
        if (n < 0 || off < 0 || off > length - n) {
            throw new IllegalArgumentException(op + ": range [" + off + ", " + off + " + " + n
                    + ") is outside an array of length " + length);
        }
    }

    @Override
    public synchronized String toString() {
        return "Generator(initialSeed=" + Long.toUnsignedString(mt.seed) + ")";
    }
}
