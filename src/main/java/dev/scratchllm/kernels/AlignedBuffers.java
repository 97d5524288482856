package dev.scratchllm.kernels;

import java.lang.management.ManagementFactory;

/**
 * Float buffers with a known 64-byte-aligned element, for SGEMM's packed panels.
 *
 * <p>Why: a 512-bit load whose address is not a multiple of 64 bytes spans two cache lines and
 * costs two L1 accesses. The micro-kernel loads two such vectors of packed B per step; with the
 * panel 16 bytes off (where a plain {@code new float[]} usually puts it) the kernel on
 * L1-resident data ran 11–13 % slower, and whole one-thread products 6–11 % slower, than with the
 * panel aligned (session 6, {@code SgemmAlignAB}).
 *
 * <p>Java gives no address of a heap array, so alignment comes from how G1 places large arrays:
 * an array of at least half a region is "humongous" and starts at the start of a region (1–32 MB,
 * so a multiple of 64), and G1's collections leave it where it is (should one ever move it, only
 * speed is lost).
 * Its first element then sits at the array base offset — 16 bytes with the default object header,
 * 12 with {@code -XX:+UseCompactObjectHeaders} — read once from {@code sun.misc.Unsafe}'s public
 * constant. {@link #allocate} returns such an array and {@link #PAD} is the index of its first
 * aligned element. Looking up the collector starts the JVM's management beans: about 40–50 ms,
 * once, when the first packed product loads this class.
 *
 * <p>What it does not do: it never affects results, only speed. With another collector, or when
 * the JVM will not say what it is (no {@code jdk.management} module, no {@code sun.misc.Unsafe}),
 * {@link #PAD} is 0 and {@link #allocate} is a plain {@code new float[n]}: buffers work as before,
 * just not aligned. It does not align anything outside the packing buffers (C, the caller's
 * matrices).
 */
final class AlignedBuffers {
    /** The alignment sought, in bytes: one cache line, one 512-bit vector. */
    static final int ALIGN_BYTES = 64;

    /** Index of the first 64-byte-aligned element of arrays from {@link #allocate}; 0 when unknown. */
    static final int PAD;
    /** Arrays of at least this many floats are humongous (region-aligned); 0 when alignment is unknown. */
    static final int MIN_FLOATS;
    /** What was found, for the log and for tests. */
    static final String DESCRIPTION;

    static {
        int pad = 0, minFloats = 0;
        String why;
        try {
            long region = g1RegionBytes();
            int base = floatArrayBaseOffset();
            if (region <= 0) {
                why = "not aligned: the collector is not G1";
            } else if (base < 0 || base % Float.BYTES != 0) {
                why = "not aligned: float[] base offset unknown";
            } else {
                // humongous from half a region; a line more for safety
                minFloats = (int) Math.min(Integer.MAX_VALUE - 64, (region / 2 + ALIGN_BYTES) / Float.BYTES);
                pad = (ALIGN_BYTES - base % ALIGN_BYTES) % ALIGN_BYTES / Float.BYTES;
                why = "G1 region " + (region >> 20) + " MB, float[] base offset " + base + " B: pad " + pad;
            }
        } catch (Throwable t) { // a JVM without the management beans or sun.misc.Unsafe
            pad = 0;
            minFloats = 0;
            why = "not aligned: " + t;
        }
        PAD = pad;
        MIN_FLOATS = minFloats;
        DESCRIPTION = why;
    }

    private AlignedBuffers() {
    }

    /**
     * A buffer of at least {@code n + PAD} floats whose element {@link #PAD} is 64-byte aligned
     * (when {@link #PAD} is known). Use elements {@code PAD … PAD + n - 1}.
     *
     * @param n floats needed from {@link #PAD} on
     * @return a new zeroed array
     */
    static float[] allocate(int n) {
        if (n < 0) throw new IllegalArgumentException("AlignedBuffers.allocate: negative size " + n);
        return new float[Math.max(n + PAD, MIN_FLOATS)];
    }

    /** G1's region size in bytes, or 0 when G1 is not the collector. */
    private static long g1RegionBytes() {
        var hs = ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
        if (hs == null || !Boolean.parseBoolean(hs.getVMOption("UseG1GC").getValue())) return 0;
        long region = Long.parseLong(hs.getVMOption("G1HeapRegionSize").getValue());
        return region >= ALIGN_BYTES && Long.bitCount(region) == 1 ? region : 0;
    }

    /**
     * The byte offset of element 0 in a {@code float[]}: {@code sun.misc.Unsafe.ARRAY_FLOAT_BASE_OFFSET},
     * read reflectively (a public constant of the {@code jdk.unsupported} module; reading it calls
     * none of Unsafe's memory-access methods). −1 when it cannot be read.
     */
    private static int floatArrayBaseOffset() {
        try {
            return Class.forName("sun.misc.Unsafe").getField("ARRAY_FLOAT_BASE_OFFSET").getInt(null);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return -1;
        }
    }
}
