package dev.scratchllm.kernels;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * SGEMM on both implementations against a double-precision reference written here.
 *
 * <p>Tolerance: each element of C may differ from the exact product by
 * {@code 1e-5 · Σ_p |a_ip·b_pj| + 1e-6} — float32 rounding over K up to a few hundred terms
 * (typical error ≈ √K·6e-8 relative to that sum, the bound allows for the worst orderings).
 * Sizes hit every tail of the micro-kernel (MR = 12, NR = 32 with AVX-512), the blocking (KC = 384,
 * MC = 512, NC = 256), the direct path for tiny and thin products, and the multi-threaded tile split.
 */
class GemmTest {

    static List<Kernels> impls() {
        Kernels simd = KernelProvider.simdOrNull();
        if (simd == null)
            fail("the Vector API kernels did not load: surefire must run with --add-modules jdk.incubator.vector");
        return List.of(new ScalarKernels(), simd);
    }

    static Stream<Arguments> implsAndThreads() {
        List<Arguments> out = new ArrayList<>();
        for (Kernels k : impls()) for (int t : new int[]{1, 2}) out.add(Arguments.of(k, t));
        return out.stream();
    }

    private final int savedThreads = Parallel.numThreads();

    @AfterEach
    void restoreThreads() {
        Parallel.setNumThreads(savedThreads);
    }

    /** (m, n, k) triples: tails of MR/NR/KC/MC, thin shapes, the threaded path. */
    static final int[][] SHAPES = {
            {1, 1, 1}, {1, 2, 3}, {2, 1, 7}, {3, 7, 15}, {7, 3, 16}, {8, 32, 17}, {15, 16, 31},
            {16, 17, 33}, {17, 31, 1}, {31, 33, 63}, {33, 63, 64}, {63, 64, 65}, {64, 65, 100},
            {65, 100, 127}, {100, 127, 129}, {127, 129, 255}, {129, 255, 257}, {255, 257, 17},
            {257, 33, 129}, {9, 257, 300}, {1, 300, 77}, {2, 129, 513}, {3, 64, 64}, {300, 1, 65},
            {130, 97, 256}, {136, 40, 600}, {40, 2, 300}, {5, 600, 33}, {128, 64, 512},
            // several row, column and depth blocks, in both loop orders of the packed path
            {520, 90, 1030}, {530, 300, 40}, {1100, 200, 70},
            // every remainder of MR = 12, and depths just past one and two KC = 384 slices
            {12, 32, 385}, {13, 33, 769}, {22, 64, 384}, {23, 65, 770}, {24, 96, 12}, {35, 31, 400},
            {46, 47, 48}, {57, 58, 59}, {10, 40, 390}, {11, 70, 800},
            // A·Bᵀ with 4..16 rows and m·n·k ≥ 32K runs as 4×4 dot tiles: row, column and depth
            // tails, one thread and split (≥ 1M)
            {4, 520, 16}, {16, 130, 777}, {6, 1030, 50}, {15, 90, 32}, {13, 67, 41},
            // A·Bᵀ with 17..96 rows runs as swapped tiles (B in place): row, column and depth tails
            {17, 100, 800}, {96, 1300, 40}, {50, 13, 385},
    };

    static Stream<Arguments> shapesImplsThreads() {
        List<Arguments> out = new ArrayList<>();
        for (Kernels k : impls())
            for (int t : new int[]{1, 2})
                for (int[] s : SHAPES) out.add(Arguments.of(k, t, s[0], s[1], s[2]));
        return out.stream();
    }

    @ParameterizedTest(name = "{0} threads={1} m={2} n={3} k={4}")
    @MethodSource("shapesImplsThreads")
    void gemmMatchesDoubleReferenceForAllTransposes(Kernels kern, int threads, int m, int n, int k) {
        Parallel.setNumThreads(threads);
        Random rnd = new Random(31L * m + 7L * n + k);
        for (boolean ta : new boolean[]{false, true})
            for (boolean tb : new boolean[]{false, true})
                for (boolean acc : new boolean[]{false, true})
                    checkOne(kern, rnd, ta, tb, m, n, k, acc, 3, 5);
    }

    @ParameterizedTest(name = "{0} threads={1}")
    @MethodSource("implsAndThreads")
    void gemmWithZeroOffsetsAndTightStrides(Kernels kern, int threads) {
        Parallel.setNumThreads(threads);
        Random rnd = new Random(5);
        for (int[] s : new int[][]{{200, 300, 120}, {64, 64, 64}, {17, 33, 5}})
            for (boolean ta : new boolean[]{false, true})
                for (boolean tb : new boolean[]{false, true})
                    checkOne(kern, rnd, ta, tb, s[0], s[1], s[2], false, 0, 0);
    }

    /**
     * One product with random data: A and B embedded at offset {@code off} in arrays with row
     * strides padded by {@code pad}; C likewise, pre-filled with values (kept when accumulating).
     */
    static void checkOne(Kernels kern, Random rnd, boolean ta, boolean tb, int m, int n, int k,
                         boolean acc, int off, int pad) {
        int aRows = ta ? k : m, aCols = ta ? m : k, bRows = tb ? n : k, bCols = tb ? k : n;
        int lda = aCols + pad, ldb = bCols + pad, ldc = n + pad;
        float[] a = random(rnd, off + aRows * lda + 3);
        float[] b = random(rnd, off + bRows * ldb + 3);
        float[] c = random(rnd, off + m * ldc + 3);
        float[] c0 = c.clone();
        kern.gemm(ta, tb, m, n, k, a, off, lda, b, off, ldb, c, off, ldc, acc);
        String what = kern.name() + " ta=" + ta + " tb=" + tb + " m=" + m + " n=" + n + " k=" + k + " acc=" + acc;
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++) {
                double s = 0, sAbs = 0;
                for (int p = 0; p < k; p++) {
                    double x = ta ? a[off + p * lda + i] : a[off + i * lda + p];
                    double y = tb ? b[off + j * ldb + p] : b[off + p * ldb + j];
                    s += x * y;
                    sAbs += Math.abs(x * y);
                }
                int ci = off + i * ldc + j;
                double want = (acc ? c0[ci] : 0) + s;
                double tol = 1e-5 * (sAbs + (acc ? Math.abs(c0[ci]) : 0)) + 1e-6;
                if (Math.abs(c[ci] - want) > tol)
                    fail(what + ": C[" + i + "][" + j + "] = " + c[ci] + ", want " + want + " (tol " + tol + ")");
            }
        // Nothing outside the m×n block of C may change: padding columns and the array's margins.
        for (int idx = 0; idx < c.length; idx++) {
            int rel = idx - off;
            boolean inside = rel >= 0 && rel / ldc < m && rel % ldc < n;
            if (!inside && c[idx] != c0[idx]) fail(what + ": wrote outside C at index " + idx);
        }
    }

    static float[] random(Random rnd, int len) {
        float[] x = new float[len];
        for (int i = 0; i < len; i++) x[i] = (float) rnd.nextGaussian();
        return x;
    }

    @ParameterizedTest(name = "{0} threads={1}")
    @MethodSource("implsAndThreads")
    void gemmWithKZeroClearsOrKeepsC(Kernels kern, int threads) {
        Parallel.setNumThreads(threads);
        float[] c = {1, 2, 3, 4, 5, 6};
        kern.gemm(false, false, 2, 3, 0, new float[0], 0, 0, new float[0], 0, 3, c, 0, 3, true);
        assertThat(c).containsExactly(1, 2, 3, 4, 5, 6);
        kern.gemm(false, false, 2, 3, 0, new float[0], 0, 0, new float[0], 0, 3, c, 0, 3, false);
        assertThat(c).containsExactly(0, 0, 0, 0, 0, 0);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("impls")
    void gemmRejectsArraysThatAreTooSmall(Kernels kern) {
        float[] a = new float[6], b = new float[6], c = new float[4];
        assertThatThrownBy(() -> kern.gemm(false, false, 2, 2, 4, a, 0, 4, b, 0, 2, c, 0, 2, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("gemm").hasMessageContaining("A");
        assertThatThrownBy(() -> kern.gemm(false, false, 2, 2, 3, a, 0, 3, b, 1, 2, c, 0, 2, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("B");
        assertThatThrownBy(() -> kern.gemm(false, false, 2, 2, 3, a, 0, 3, b, 0, 2, c, 1, 2, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("C");
        assertThatThrownBy(() -> kern.gemm(false, false, -1, 2, 3, a, 0, 3, b, 0, 2, c, 0, 2, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("m=-1");
    }

    @ParameterizedTest(name = "{0} threads={1}")
    @MethodSource("implsAndThreads")
    void gemmBatchedWithDistinctAndBroadcastOperands(Kernels kern, int threads) {
        Parallel.setNumThreads(threads);
        Random rnd = new Random(11);
        // batch sizes: 1 (plain), 3 (odd: the sequential path with 2 threads), 24 (attention-like)
        int[][] cases = {{1, 40, 50, 30}, {3, 70, 90, 64}, {24, 33, 33, 16}, {5, 130, 70, 200}};
        for (int[] cs : cases) {
            int batch = cs[0], m = cs[1], n = cs[2], k = cs[3];
            for (boolean ta : new boolean[]{false, true})
                for (boolean tb : new boolean[]{false, true})
                    for (boolean broadcastA : new boolean[]{false, true}) {
                        int aSize = m * k, bSize = k * n, cSize = m * n;
                        float[] a = random(rnd, 2 + batch * aSize), b = random(rnd, 1 + batch * bSize);
                        float[] c = random(rnd, 4 + batch * cSize);
                        float[] c0 = c.clone();
                        int[] aOffs = new int[batch], bOffs = new int[batch], cOffs = new int[batch];
                        for (int i = 0; i < batch; i++) {
                            aOffs[i] = broadcastA ? 2 : 2 + i * aSize;   // broadcast: every entry reads the same A
                            bOffs[i] = broadcastA ? 1 + i * bSize : 1;   // ...or the same B
                            cOffs[i] = 4 + (batch - 1 - i) * cSize;      // C blocks in reverse order
                        }
                        int lda = ta ? m : k, ldb = tb ? k : n;
                        kern.gemmBatched(ta, tb, batch, m, n, k, a, aOffs, lda, b, bOffs, ldb, c, cOffs, n, true);
                        for (int e = 0; e < batch; e++) {
                            float[] want = c0.clone();
                            ScalarKernels.gemmReference(ta, tb, m, n, k, a, aOffs[e], lda, b, bOffs[e], ldb,
                                    want, cOffs[e], n, true);
                            for (int q = 0; q < cSize; q++) {
                                int idx = cOffs[e] + q;
                                assertThat(c[idx]).as("%s batch %d entry %d elem %d", kern.name(), batch, e, q)
                                        .isCloseTo(want[idx], org.assertj.core.data.Offset.offset(
                                                2e-5f * (float) Math.sqrt(k) * (1 + Math.abs(want[idx]))));
                            }
                        }
                    }
        }
    }

    @Test
    void sharedPathWithSeveralColumnBlocksAndOddChunks() {
        // The multi-threaded shared-B path with a tiny buffer limit, so that the product runs in
        // several column blocks (with the barrier between them), on 1, 2 and 3 threads.
        Random rnd = new Random(9);
        int saved = Parallel.numThreads();
        try {
            for (int threads : new int[]{1, 2, 3}) {
                Parallel.setNumThreads(threads);
                for (int[] s : new int[][]{{97, 200, 70}, {130, 65, 300}, {64, 33, 1}})
                    for (boolean ta : new boolean[]{false, true})
                        for (boolean tb : new boolean[]{false, true})
                            for (boolean acc : new boolean[]{false, true}) {
                                int m = s[0], n = s[1], k = s[2];
                                float[] a = random(rnd, m * k), b = random(rnd, k * n), c = random(rnd, m * n);
                                float[] want = c.clone();
                                ScalarKernels.gemmReference(ta, tb, m, n, k, a, 0, ta ? m : k, b, 0, tb ? k : n, want, 0, n, acc);
                                VectorKernels.Gemm.shared(ta, tb, m, n, k, a, 0, ta ? m : k, b, 0, tb ? k : n, c, 0, n, acc,
                                        threads, 2 * 32 * k);
                                for (int i = 0; i < c.length; i++)
                                    assertThat(c[i]).as("threads %d %s ta=%b tb=%b acc=%b elem %d", threads,
                                            java.util.Arrays.toString(s), ta, tb, acc, i).isCloseTo(want[i],
                                            org.assertj.core.data.Offset.offset(2e-5f * (float) Math.sqrt(k) * (1 + Math.abs(want[i]))));
                            }
            }
        } finally {
            Parallel.setNumThreads(saved);
        }
    }

    @Test
    void alignedPackingChangesNoBit() {
        // B packed from AlignedBuffers.PAD (the default) or from index 0: only where the panels sit
        // changes, so both must give the same bits, on the one-thread blocked path (both loop
        // orders, tails of MR, NR and KC) and on the shared-B path.
        Random rnd = new Random(11);
        boolean saved = VectorKernels.Gemm.alignB;
        try {
            for (int[] s : new int[][]{{520, 90, 1030}, {530, 300, 40}, {13, 33, 769}, {97, 200, 70}})
                for (boolean ta : new boolean[]{false, true})
                    for (boolean tb : new boolean[]{false, true}) {
                        int m = s[0], n = s[1], k = s[2], lda = ta ? m : k, ldb = tb ? k : n;
                        float[] a = random(rnd, m * k), b = random(rnd, k * n), c0 = random(rnd, m * n);
                        float[][] out = new float[4][];
                        for (int v = 0; v < 4; v++) {
                            VectorKernels.Gemm.alignB = v % 2 == 1;
                            out[v] = c0.clone();
                            if (v < 2)
                                VectorKernels.Gemm.blocked(ta, tb, 0, m, 0, n, k, a, 0, lda, b, 0, ldb, out[v], 0, n, true);
                            else
                                VectorKernels.Gemm.shared(ta, tb, m, n, k, a, 0, lda, b, 0, ldb, out[v], 0, n, true, 2, 2 * 32 * k);
                        }
                        String what = java.util.Arrays.toString(s) + " ta=" + ta + " tb=" + tb;
                        assertThat(firstDifference(out[1], out[0])).as("blocked, aligned vs at 0, %s: first differing element", what).isEqualTo(-1);
                        assertThat(firstDifference(out[3], out[2])).as("shared, aligned vs at 0, %s: first differing element", what).isEqualTo(-1);
                        float[] want = c0.clone();
                        ScalarKernels.gemmReference(ta, tb, m, n, k, a, 0, lda, b, 0, ldb, want, 0, n, true);
                        for (int i = 0; i < want.length; i += 97)
                            assertThat(out[1][i]).as("%s elem %d", what, i).isCloseTo(want[i],
                                    org.assertj.core.data.Offset.offset(2e-5f * (float) Math.sqrt(k) * (1 + Math.abs(want[i]))));
                    }
        } finally {
            VectorKernels.Gemm.alignB = saved;
        }
    }

    @Test
    void swappedTilesGiveThePackedPathsBits() {
        // C = A·Bᵀ with B read in place (Cᵀ = B·Aᵀ, JR = 12 rows of B per tile, NR = 32 rows of A)
        // must sum in the packed path's depth slices: every tail of JR, NR and KC = 384, with and
        // without accumulate, leading dimensions wider than the rows, one thread and split.
        Random rnd = new Random(13);
        int saved = Parallel.numThreads();
        try {
            for (int threads : new int[]{1, 2}) {
                Parallel.setNumThreads(threads);
                for (int m : new int[]{1, 5, 17, 31, 32, 33, 64, 65, 96})
                    for (int n : new int[]{1, 11, 12, 13, 25, 300})
                        for (int k : new int[]{1, 15, 16, 17, 384, 385, 769})
                            for (boolean acc : new boolean[]{false, true}) {
                                int lda = k + 3, ldb = k + 1, ldc = n + 2, aOff = 5, bOff = 7, cOff = 2;
                                float[] a = random(rnd, aOff + m * lda), b = random(rnd, bOff + n * ldb), c0 = random(rnd, cOff + m * ldc);
                                float[] want = c0.clone(), got = c0.clone();
                                VectorKernels.Gemm.blocked(false, true, 0, m, 0, n, k, a, aOff, lda, b, bOff, ldb, want, cOff, ldc, acc);
                                VectorKernels.Gemm.swappedTiles(m, n, k, a, aOff, lda, b, bOff, ldb, got, cOff, ldc, acc, threads);
                                assertThat(firstDifference(got, want)).as("threads %d m=%d n=%d k=%d acc=%b: first differing element",
                                        threads, m, n, k, acc).isEqualTo(-1);
                            }
            }
        } finally {
            Parallel.setNumThreads(saved);
        }
    }

    /** The first index where the two arrays differ in any bit, or −1. */
    static int firstDifference(float[] x, float[] y) {
        if (x.length != y.length) return Math.min(x.length, y.length);
        for (int i = 0; i < x.length; i++)
            if (Float.floatToRawIntBits(x[i]) != Float.floatToRawIntBits(y[i])) return i;
        return -1;
    }

    @Test
    void gemmReferenceMatchesDoubleLoops() {
        Random rnd = new Random(3);
        int m = 13, n = 21, k = 34;
        for (boolean ta : new boolean[]{false, true})
            for (boolean tb : new boolean[]{false, true}) {
                float[] a = random(rnd, m * k), b = random(rnd, k * n), c = new float[m * n];
                ScalarKernels.gemmReference(ta, tb, m, n, k, a, 0, ta ? m : k, b, 0, tb ? k : n, c, 0, n, false);
                for (int i = 0; i < m; i++)
                    for (int j = 0; j < n; j++) {
                        double s = 0;
                        for (int p = 0; p < k; p++)
                            s += (double) (ta ? a[p * m + i] : a[i * k + p]) * (tb ? b[j * k + p] : b[p * n + j]);
                        assertThat((double) c[i * n + j]).isCloseTo(s, org.assertj.core.data.Offset.offset(1e-4));
                    }
            }
    }

    @Test
    void providerFallsBackToScalarWithoutTheModuleAndOnOverride() {
        assertThat(KernelProvider.choose(false, "").getClass()).isEqualTo(ScalarKernels.class);
        assertThat(KernelProvider.choose(true, "scalar").getClass()).isEqualTo(ScalarKernels.class);
        assertThat(KernelProvider.choose(true, "").name()).isEqualTo("simd");
        assertThat(KernelProvider.simdOrNull()).isNotNull();
        assertThat(KernelProvider.simdOrNull().name()).isEqualTo("simd");
        assertThat(new ScalarKernels().name()).isEqualTo("scalar");
    }
}
