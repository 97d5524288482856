package dev.scratchllm.kernels;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * A/B of the decode kernels ({@link DecodeKernels#gemvQ8}, {@code gemvBF16}, {@code gemvF32}; one
 * and four input vectors) with the input x on a 64-byte boundary ({@link AlignedBuffers#PAD},
 * what {@link AlignedVectors} gives {@code ParallelGemv}) against 16 bytes past it (where a plain
 * {@code new float[]} puts element 0). Both sides run in one process, the order alternating round
 * by round, timed by thread CPU time; it prints billions of weights (× vectors) per second, the
 * medians of the last two thirds of the rounds, and their ratio. Measures only; correctness is
 * DecodeKernelsTest's job.
 *
 * <p>Run: {@code mvn -q test-compile exec:exec@bench -Djmh.main=dev.scratchllm.kernels.DecodeAlignAB
 * -Djmh.args="ROWS COLS ROUNDS MATRICES"} (default 3072 768 9 24: 24 matrices cycled, so the
 * weights come from memory; 1 matrix of 256 × 768 keeps them in cache). Session 12's figures are
 * in docs/benchmarks.md ("Fixed: the input vectors are copied onto cache lines").
 */
public final class DecodeAlignAB {
    private DecodeAlignAB() {
    }

    /**
     * Runs the comparison.
     *
     * @param args optional: rows, columns, rounds, matrices cycled through
     */
    public static void main(String[] args) {
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 3072;
        int cols = args.length > 1 ? Integer.parseInt(args[1]) : 768;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 9;
        int nmat = args.length > 3 ? Integer.parseInt(args[3]) : 24;
        DecodeKernels k = DecodeKernels.get();
        Random rnd = new Random(1);
        byte[][] q = new byte[nmat][rows * cols];
        float[][] sc = new float[nmat][rows * cols / DecodeKernels.Q8_BLOCK];
        float[][] w = new float[nmat][rows * cols];
        short[][] wb = new short[nmat][rows * cols];
        for (int n = 0; n < nmat; n++) {
            rnd.nextBytes(q[n]);
            for (int i = 0; i < sc[n].length; i++) sc[n][i] = rnd.nextFloat() * 0.01f;
            for (int i = 0; i < w[n].length; i++) {
                w[n][i] = rnd.nextFloat() - 0.5f;
                wb[n][i] = (short) (Float.floatToRawIntBits(w[n][i]) >>> 16);
            }
        }
        float[] x = AlignedBuffers.allocate(4 * cols + 64);
        for (int i = 0; i < x.length; i++) x[i] = rnd.nextFloat();
        float[] y = new float[4 * rows];
        var mx = java.lang.management.ManagementFactory.getThreadMXBean();
        String[] formats = {"q8_0", "bf16", "f32"};
        int[] offsets = {AlignedBuffers.PAD, AlignedBuffers.PAD + 4};   // on a line, 16 bytes past it
        Map<String, List<Double>> res = new TreeMap<>();
        int reps = (int) Math.max(nmat, 1.5e8 / ((double) rows * cols));
        for (int r = 0; r < rounds; r++) {
            for (String f : formats) {
                for (int m : new int[] {1, 4}) {
                    for (int side = 0; side < 2; side++) {
                        int off = offsets[(side + r) % 2];
                        long t0 = mx.getCurrentThreadCpuTime();
                        for (int i = 0; i < reps; i++) {
                            int n = i % nmat;
                            switch (f) {
                                case "q8_0" -> k.gemvQ8(cols, 0, rows, q[n], 0, sc[n], 0, m, x, off, cols, null, 0, y, 0, rows, false);
                                case "bf16" -> k.gemvBF16(cols, 0, rows, wb[n], 0, m, x, off, cols, null, 0, y, 0, rows, false);
                                default -> k.gemvF32(cols, 0, rows, w[n], 0, m, x, off, cols, null, 0, y, 0, rows, false);
                            }
                        }
                        double rate = (double) rows * cols * m * reps / (mx.getCurrentThreadCpuTime() - t0);
                        String key = f + " m=" + m + (off == AlignedBuffers.PAD ? " aligned" : " off16");
                        if (r >= rounds / 3) res.computeIfAbsent(key, z -> new ArrayList<>()).add(rate);
                    }
                }
            }
        }
        System.out.printf("%d x %d, %d matrices, kernels %s; %s%n", rows, cols, nmat, k.name(), AlignedBuffers.DESCRIPTION);
        for (String f : formats) {
            for (int m : new int[] {1, 4}) {
                double al = median(res.get(f + " m=" + m + " aligned")), of = median(res.get(f + " m=" + m + " off16"));
                System.out.printf("  %-5s m=%d: aligned %.1f, 16 bytes off %.1f billion/s, ratio %.3f%n", f, m, al, of, al / of);
            }
        }
        if (y[0] == 42) System.out.println();
    }

    private static double median(List<Double> v) {
        List<Double> s = new ArrayList<>(v);
        Collections.sort(s);
        return s.get(s.size() / 2);
    }
}
