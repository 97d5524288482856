package dev.scratchllm.nn;

import java.util.Map;

/**
 * Parameter counts from a table of shapes, so that a multi-billion-parameter configuration can be
 * counted without allocating it, and the reference notebooks' printout of the counts
 * ({@code Total number of parameters: …} and {@code Total number of unique parameters: …}, the
 * latter without the token embedding that a tied output head shares).
 */
public final class ParameterCounts {
    private ParameterCounts() {
    }

    /**
     * The total over all shapes and the total without {@code embeddingName}.
     *
     * @param shapes dotted name → shape
     * @param embeddingName the name of the token embedding that a tied head would share
     * @return {@code {total, unique}}
     * @throws IllegalArgumentException if {@code embeddingName} is not in the table
     */
    public static long[] count(Map<String, int[]> shapes, String embeddingName) {
        long total = 0;
        for (int[] s : shapes.values()) total += numel(s);
        int[] emb = shapes.get(embeddingName);
        if (emb == null) throw new IllegalArgumentException("ParameterCounts: no parameter '" + embeddingName + "' in the table");
        return new long[] {total, total - numel(emb)};
    }

    /**
     * The notebook's two lines, with thousands separators: total, a blank line, unique.
     *
     * @param counts {@code {total, unique}}
     * @return the printout
     */
    public static String report(long[] counts) {
        return String.format(java.util.Locale.ROOT, "Total number of parameters: %,d%n%nTotal number of unique parameters: %,d", counts[0], counts[1]);
    }

    /**
     * The number of elements of a shape, as a long.
     *
     * @param shape the sizes
     * @return their product
     */
    public static long numel(int[] shape) {
        long n = 1;
        for (int d : shape) n *= d;
        return n;
    }
}
