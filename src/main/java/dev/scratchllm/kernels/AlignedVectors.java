package dev.scratchllm.kernels;

/**
 * A reusable copy of a few input vectors in which every vector starts on a 64-byte boundary, for
 * the matrix-vector kernels of decoding ({@link DecodeKernels}).
 *
 * <p>Why: those kernels read each input vector once per weight row, 64 bytes per load. The
 * activations they get sit in plain {@code float[]}s, whose elements start 16 bytes past an
 * 8-byte-aligned object, so almost every such load spans two cache lines and costs two L1
 * accesses. Where the kernel is bound by the core rather than by memory (Q8_0 on one sequence,
 * every format on a batch), that is the limit. Copying the vectors costs one pass over a few
 * kilobytes per call, against the megabytes of weights the call reads.
 *
 * <p>The buffer comes from {@link AlignedBuffers} (a G1 humongous array, so its element
 * {@link #OFFSET} is on a 64-byte boundary) and each vector's stride is its length rounded up to
 * 16 floats. What it does not do: change any value (the kernels see the same numbers at another
 * address), or align anything under another collector ({@link #OFFSET} is then 0 and only the
 * speed differs). One instance serves one thread of control; it grows on demand and is reused, so
 * a step allocates nothing once the largest shape has been seen.
 */
public final class AlignedVectors {
    /** Index of vector 0 in {@link #load}'s array. */
    public static final int OFFSET = AlignedBuffers.PAD;
    private static final int LINE_FLOATS = AlignedBuffers.ALIGN_BYTES / Float.BYTES;

    private float[] buf = new float[0];

    /**
     * {@return the distance between copied vectors of length {@code cols}: cols rounded up to a
     * whole number of 64-byte lines}
     *
     * @param cols the vectors' length
     */
    public static int stride(int cols) {
        return (cols + LINE_FLOATS - 1) / LINE_FLOATS * LINE_FLOATS;
    }

    /**
     * Copies {@code m} vectors of {@code cols} floats: vector {@code i} from {@code in[inOff + i·ldIn]}
     * to index {@code OFFSET + i·stride(cols)} of the returned array.
     *
     * @param in the vectors
     * @param inOff the index of vector 0
     * @param ldIn the distance between vectors in {@code in}
     * @param m how many vectors
     * @param cols the length of each
     * @return this object's buffer holding the copies (valid until the next call)
     * @throws IllegalArgumentException if {@code m} or {@code cols} is negative
     */
    public float[] load(float[] in, int inOff, int ldIn, int m, int cols) {
        if (m < 0 || cols < 0)
            throw new IllegalArgumentException("AlignedVectors.load: negative count " + m + " or length " + cols);
        int ld = stride(cols);
        long need = (long) m * ld;
        if (need > Integer.MAX_VALUE - OFFSET - LINE_FLOATS)
            throw new IllegalArgumentException("AlignedVectors.load: " + m + " vectors of " + cols + " floats are too many");
        if (buf.length < OFFSET + need) buf = AlignedBuffers.allocate((int) need);
        for (int i = 0; i < m; i++) System.arraycopy(in, inOff + i * ldIn, buf, OFFSET + i * ld, cols);
        return buf;
    }
}
