package dev.scratchllm.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API implementation of {@link Kernels} (the only class of the project that imports
 * {@code jdk.incubator.vector}). It is loaded reflectively by {@link KernelProvider} when the JVM
 * runs with {@code --add-modules jdk.incubator.vector}.
 *
 * <p>What it does: a packed, blocked, register-tiled SGEMM (see {@link Gemm}) for all four
 * transpose combinations, and vectorised element-wise, row-wise and optimizer kernels that split
 * large inputs over {@link Parallel}'s threads. {@code exp} and {@code tanh} use the polynomial
 * approximations in {@link VMath} (relative error ≈ 1e-7, far below float32's loss elsewhere).
 *
 * <p>What it does not do: it does not change any result's definition — every method keeps the
 * contract of {@link Kernels} and is tested against {@link ScalarKernels}; sums that the
 * reference accumulates in double are accumulated here in float vectors over lanes (each lane a
 * partial sum) and combined in double, so results agree to float rounding, not bit for bit.
 */
public final class VectorKernels extends ScalarKernels {

    /** The vector shape used throughout: the widest the CPU supports (16 floats with AVX-512). */
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /** Lanes per vector. */
    static final int L = S.length();

    /** Row-wise ops and element-wise ops split over threads above this many elements. */
    static final int PARALLEL_ELEMS = 1 << 15;

    /** Public for reflection in {@link KernelProvider}. */
    public VectorKernels() {
    }

    @Override
    public String name() {
        return "simd";
    }

    // ================================================================== matrix multiply

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k,
                     float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                     float[] c, int cOff, int ldc, boolean accumulate) {
        Gemm.gemm(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate,
                Parallel.inWorker() ? 1 : Parallel.numThreads());
    }

    @Override
    public void gemmBatched(boolean transA, boolean transB, int batch, int m, int n, int k,
                            float[] a, int[] aOffs, int lda, float[] b, int[] bOffs, int ldb,
                            float[] c, int[] cOffs, int ldc, boolean accumulate) {
        checkBatch("gemmBatched", batch, aOffs, bOffs, cOffs);
        int threads = Parallel.inWorker() ? 1 : Parallel.numThreads();
        long work = (long) m * n * k;
        // Batch entries in parallel (each entry single-threaded, no synchronisation inside) when
        // there are enough of them to balance, or when each one is too small to split well.
        boolean overBatch = threads > 1 && batch > 1
                && (batch >= 2 * threads || batch % threads == 0 || work < Gemm.MIN_PARALLEL_WORK);
        if (overBatch) {
            Parallel.forRange(batch, 1, (s, e) -> {
                for (int i = s; i < e; i++)
                    Gemm.gemm(transA, transB, m, n, k, a, aOffs[i], lda, b, bOffs[i], ldb,
                            c, cOffs[i], ldc, accumulate, 1);
            });
        } else {
            for (int i = 0; i < batch; i++)
                Gemm.gemm(transA, transB, m, n, k, a, aOffs[i], lda, b, bOffs[i], ldb,
                        c, cOffs[i], ldc, accumulate, threads);
        }
    }

    static void checkBatch(String op, int batch, int[] aOffs, int[] bOffs, int[] cOffs) {
        if (batch < 0 || aOffs.length < batch || bOffs.length < batch || cOffs.length < batch)
            throw new IllegalArgumentException(op + ": batch " + batch + " but offset arrays have lengths "
                    + aOffs.length + ", " + bOffs.length + ", " + cOffs.length);
    }

    /**
     * The SGEMM engine: a Goto/BLIS-style packed kernel.
     *
     * <h2>Blocking scheme</h2>
     * <pre>
     * for jc in [n0, n1) step NC              — a column panel of C (and op(B))
     *   for pc in [0, k) step KC              — a depth slice
     *     pack op(B)[pc:pc+kc, jc:jc+nc]      → bufB: ⌈nc/NR⌉ panels, each kc×NR, row p contiguous
     *     for ic in [m0, m1) step MC          — a row block of C (and op(A))
     *       pack op(A)[ic:ic+mc, pc:pc+kc]    → bufA: ⌈mc/MR⌉ slivers, each kc×MR ("MR-interleaved")
     *       for jr in [0, nc) step NR         — one B panel (32 KB, stays in L1)
     *         for ir in [0, mc) step MR       — one A sliver (read from L2)
     *           micro-kernel: C[ir:ir+MR, jr:jr+NR] (+)= sliver · panel
     * </pre>
     * Packing absorbs the transposes, strides and offsets: the micro-kernel only ever reads two
     * dense buffers. Ragged edges are zero-padded in the buffers; the micro-kernel then writes a
     * full MR×NR tile into a small temporary and only the valid part is added to C.
     *
     * <h2>Micro-kernel register layout (MR = 8, NR = 2 vectors = 32 floats with AVX-512)</h2>
     * <pre>
     *            b0 = bufB[p][0:16]   b1 = bufB[p][16:32]
     * a0 = bcast(bufA[p][0])   c00 += a0·b0   c01 += a0·b1
     * a1 = bcast(bufA[p][1])   c10 += a1·b0   c11 += a1·b1
     * ...                      ...            ...
     * a7 = bcast(bufA[p][7])   c70 += a7·b0   c71 += a7·b1
     * </pre>
     * 16 accumulators + 2 B vectors + 1 broadcast = 19 of the 32 zmm registers; 16 FMAs per
     * 10 loads, enough independent chains (16) to cover the FMA latency on two FMA ports.
     *
     * <h2>Threads</h2>
     * C is cut into {@code T} 2-D tiles (a {@code tm × tn} grid chosen to minimise duplicated
     * packing: splitting columns re-packs A in each thread, splitting rows re-packs B); each thread
     * runs the whole blocked loop above on its tile with its own packing buffers, so the threads
     * never synchronise inside a product. One {@link Parallel#forRange} call per product; small
     * products ({@code m·n·k < MIN_PARALLEL_WORK}) stay on the calling thread, and tiny ones
     * ({@code < DIRECT_WORK}) or very thin ones skip packing entirely.
     */
    static final class Gemm {
        static final int MR = 8;
        static final int NR = 2 * L;
        static final int KC = 256;
        static final int MC = 128;
        static final int NC = 3072;
        /** Below this many multiply-adds the direct (unpacked) loops are used. */
        static final long DIRECT_WORK = 32 * 1024;
        /** Below this many multiply-adds a product runs on one thread. */
        static final long MIN_PARALLEL_WORK = 1L << 20;

        private Gemm() {
        }

        /** Per-thread packing buffers, grown on demand and reused across calls. */
        private static final ThreadLocal<float[][]> BUFFERS = ThreadLocal.withInitial(() -> new float[3][]);

        static void gemm(boolean transA, boolean transB, int m, int n, int k,
                         float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                         float[] c, int cOff, int ldc, boolean accumulate, int threads) {
            checkArgs(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
            if (m == 0 || n == 0) return;
            if (k == 0) {
                if (!accumulate)
                    for (int i = 0; i < m; i++) java.util.Arrays.fill(c, cOff + i * ldc, cOff + i * ldc + n, 0f);
                return;
            }
            long work = (long) m * n * k;
            if (work < DIRECT_WORK || m < 4 && n >= NR) {
                direct(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate, threads);
                return;
            }
            if (threads <= 1 || work < MIN_PARALLEL_WORK) {
                blocked(transA, transB, 0, m, 0, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
                return;
            }
            // Choose the tm × tn grid of tiles that duplicates the least packing work:
            // each of the tn column groups packs its rows of A; each of the tm row groups packs B.
            int mBlocks = (m + MR - 1) / MR, nBlocks = (n + NR - 1) / NR;
            int bestTm = 1;
            double bestCost = Double.MAX_VALUE;
            for (int tm = 1; tm <= threads; tm++) {
                if (threads % tm != 0) continue;
                int tn = threads / tm;
                if (tm > mBlocks || tn > nBlocks) continue;
                // imbalance: the largest tile's share of micro-kernel work versus the ideal
                double imbalance = (double) ceilDiv(mBlocks, tm) * ceilDiv(nBlocks, tn) * tm * tn
                        / ((double) mBlocks * nBlocks);
                double cost = work * imbalance + (double) (tn - 1) * m * k * 4 + (double) (tm - 1) * k * n * 4;
                if (cost < bestCost) {
                    bestCost = cost;
                    bestTm = tm;
                }
            }
            if (bestCost == Double.MAX_VALUE) {
                blocked(transA, transB, 0, m, 0, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
                return;
            }
            final int tm = bestTm, tn = threads / tm;
            Parallel.forRange(threads, 1, (s, e) -> {
                for (int t = s; t < e; t++) {
                    int ti = t / tn, tj = t % tn;
                    int m0 = (int) ((long) mBlocks * ti / tm) * MR, m1 = Math.min(m, (int) ((long) mBlocks * (ti + 1) / tm) * MR);
                    int n0 = (int) ((long) nBlocks * tj / tn) * NR, n1 = Math.min(n, (int) ((long) nBlocks * (tj + 1) / tn) * NR);
                    if (m0 < m1 && n0 < n1)
                        blocked(transA, transB, m0, m1, n0, n1, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
                }
            });
        }

        static int ceilDiv(int x, int y) {
            return (x + y - 1) / y;
        }

        static void checkArgs(boolean transA, boolean transB, int m, int n, int k,
                              float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                              float[] c, int cOff, int ldc) {
            if (m < 0 || n < 0 || k < 0)
                throw new IllegalArgumentException("gemm: negative size m=" + m + " n=" + n + " k=" + k);
            if (m == 0 || n == 0) return;
            int aRows = transA ? k : m, aCols = transA ? m : k;
            int bRows = transB ? n : k, bCols = transB ? k : n;
            if (k > 0) {
                if (lda < aCols || aOff < 0 || (long) aOff + (long) (aRows - 1) * lda + aCols > a.length)
                    throw new IllegalArgumentException("gemm: A (" + aRows + "×" + aCols + ", lda=" + lda + ", offset "
                            + aOff + ") does not fit in an array of " + a.length + " for m=" + m + " n=" + n + " k=" + k);
                if (ldb < bCols || bOff < 0 || (long) bOff + (long) (bRows - 1) * ldb + bCols > b.length)
                    throw new IllegalArgumentException("gemm: B (" + bRows + "×" + bCols + ", ldb=" + ldb + ", offset "
                            + bOff + ") does not fit in an array of " + b.length + " for m=" + m + " n=" + n + " k=" + k);
            }
            if (ldc < n || cOff < 0 || (long) cOff + (long) (m - 1) * ldc + n > c.length)
                throw new IllegalArgumentException("gemm: C (" + m + "×" + n + ", ldc=" + ldc + ", offset "
                        + cOff + ") does not fit in an array of " + c.length + " for k=" + k);
        }

        // ------------------------------------------------------------ the packed path

        /** C[m0:m1, n0:n1] (+)= op(A)[m0:m1, :] · op(B)[:, n0:n1] on the calling thread. */
        static void blocked(boolean transA, boolean transB, int m0, int m1, int n0, int n1, int k,
                            float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                            float[] c, int cOff, int ldc, boolean accumulate) {
            // Even block sizes: 769 = 257+256+256 rather than 256+256+256+1.
            int kBlocks = ceilDiv(k, KC), kc0 = ceilDiv(k, kBlocks);
            int mTile = m1 - m0, mcBlocks = ceilDiv(mTile, MC);
            int mc0 = Math.min(MC, ceilDiv(ceilDiv(mTile, mcBlocks), MR) * MR);
            int nTile = n1 - n0, ncBlocks = ceilDiv(nTile, NC);
            int nc0 = ceilDiv(ceilDiv(nTile, ncBlocks), NR) * NR;

            float[][] bufs = BUFFERS.get();
            int needB = kc0 * nc0, needA = kc0 * mc0;
            if (bufs[0] == null || bufs[0].length < needB) bufs[0] = new float[Math.max(needB, KC * NR)];
            if (bufs[1] == null || bufs[1].length < needA) bufs[1] = new float[Math.max(needA, KC * MR)];
            if (bufs[2] == null) bufs[2] = new float[MR * NR];
            float[] bufB = bufs[0], bufA = bufs[1], tmp = bufs[2];

            for (int jc = n0; jc < n1; jc += nc0) {
                int nc = Math.min(nc0, n1 - jc);
                for (int pc = 0; pc < k; pc += kc0) {
                    int kc = Math.min(kc0, k - pc);
                    boolean load = accumulate || pc > 0;
                    packB(transB, b, bOff, ldb, pc, kc, jc, nc, bufB);
                    for (int ic = m0; ic < m1; ic += mc0) {
                        int mc = Math.min(mc0, m1 - ic);
                        packA(transA, a, aOff, lda, ic, mc, pc, kc, bufA);
                        for (int jr = 0; jr < nc; jr += NR) {
                            int nr = Math.min(NR, nc - jr);
                            int bIdx = jr * kc;                      // panel jr/NR starts at (jr/NR)·kc·NR
                            for (int ir = 0; ir < mc; ir += MR) {
                                int mr = Math.min(MR, mc - ir);
                                int aIdx = ir * kc;                  // sliver ir/MR starts at (ir/MR)·kc·MR
                                int cIdx = cOff + (ic + ir) * ldc + jc + jr;
                                if (mr == MR && nr == NR) {
                                    kernel(kc, bufA, aIdx, bufB, bIdx, c, cIdx, ldc, load);
                                } else {
                                    kernel(kc, bufA, aIdx, bufB, bIdx, tmp, 0, NR, false);
                                    for (int i = 0; i < mr; i++) {
                                        int ci = cIdx + i * ldc, ti = i * NR;
                                        if (load) for (int j = 0; j < nr; j++) c[ci + j] += tmp[ti + j];
                                        else System.arraycopy(tmp, ti, c, ci, nr);
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }

        /**
         * Packs op(B)[pc:pc+kc, jc:jc+nc] into panels of NR columns: element (p, j) of panel q goes
         * to {@code buf[q·kc·NR + p·NR + j]}; columns past nc are zero.
         */
        static void packB(boolean transB, float[] b, int bOff, int ldb, int pc, int kc, int jc, int nc, float[] buf) {
            for (int jr = 0; jr < nc; jr += NR) {
                int nr = Math.min(NR, nc - jr);
                int dst = jr * kc;
                if (!transB) {
                    // op(B) = B (k×n): each panel row is a contiguous run of B's row pc+p.
                    int src = bOff + pc * ldb + jc + jr;
                    if (nr == NR) {
                        for (int p = 0; p < kc; p++, src += ldb, dst += NR) {
                            FloatVector.fromArray(S, b, src).intoArray(buf, dst);
                            FloatVector.fromArray(S, b, src + L).intoArray(buf, dst + L);
                        }
                    } else {
                        for (int p = 0; p < kc; p++, src += ldb, dst += NR) {
                            System.arraycopy(b, src, buf, dst, nr);
                            java.util.Arrays.fill(buf, dst + nr, dst + NR, 0f);
                        }
                    }
                } else {
                    // op(B) = Bᵀ, B stored n×k: panel column j is a contiguous run of B's row jc+jr+j.
                    transposePack(b, bOff + (jc + jr) * ldb + pc, ldb, nr, kc, buf, dst, NR);
                }
            }
        }

        /**
         * Packs op(A)[ic:ic+mc, pc:pc+kc] into slivers of MR rows: element (i, p) of sliver q goes to
         * {@code buf[q·kc·MR + p·MR + i]}; rows past mc are zero.
         */
        static void packA(boolean transA, float[] a, int aOff, int lda, int ic, int mc, int pc, int kc, float[] buf) {
            for (int ir = 0; ir < mc; ir += MR) {
                int mr = Math.min(MR, mc - ir);
                int dst = ir * kc;
                if (transA) {
                    // op(A) = Aᵀ, A stored k×m: sliver row p is a contiguous run of A's row pc+p.
                    int src = aOff + pc * lda + ic + ir;
                    if (mr == MR) {
                        for (int p = 0; p < kc; p++, src += lda, dst += MR)
                            System.arraycopy(a, src, buf, dst, MR);
                    } else {
                        for (int p = 0; p < kc; p++, src += lda, dst += MR) {
                            System.arraycopy(a, src, buf, dst, mr);
                            java.util.Arrays.fill(buf, dst + mr, dst + MR, 0f);
                        }
                    }
                } else {
                    // op(A) = A (m×k): sliver column i is a contiguous run of A's row ic+ir+i.
                    transposePack(a, aOff + (ic + ir) * lda + pc, lda, mr, kc, buf, dst, MR);
                }
            }
        }

        /**
         * {@code buf[dst + p·w + j] = src[s + j·ld + p]} for {@code j < rows}, {@code p < kc}, and zero
         * for {@code rows ≤ j < w}: turns {@code rows} contiguous source rows into an interleaved
         * kc×w block. Reads stream along each source row; the block (≤ 32 KB) stays in L1.
         */
        static void transposePack(float[] src, int s, int ld, int rows, int kc, float[] buf, int dst, int w) {
            if (rows < w) {
                for (int p = 0; p < kc; p++) java.util.Arrays.fill(buf, dst + p * w + rows, dst + p * w + w, 0f);
            }
            // Four source rows at a time keeps four read streams and writes 4 floats per w-row.
            int j = 0;
            for (; j + 4 <= rows; j += 4) {
                int s0 = s + j * ld, s1 = s0 + ld, s2 = s1 + ld, s3 = s2 + ld;
                int d = dst + j;
                for (int p = 0; p < kc; p++, d += w) {
                    buf[d] = src[s0 + p];
                    buf[d + 1] = src[s1 + p];
                    buf[d + 2] = src[s2 + p];
                    buf[d + 3] = src[s3 + p];
                }
            }
            for (; j < rows; j++) {
                int s0 = s + j * ld;
                int d = dst + j;
                for (int p = 0; p < kc; p++, d += w) buf[d] = src[s0 + p];
            }
        }

        /**
         * The MR×NR micro-kernel: {@code C[0:8, 0:32] (+)= Σ_p a[p][0:8] ⊗ b[p][0:32]} over the packed
         * sliver at {@code ap[aIdx…]} and panel at {@code bp[bIdx…]}. When {@code load} the existing C
         * values are added, else overwritten. See {@link Gemm} for the register layout.
         */
        static void kernel(int kc, float[] ap, int aIdx, float[] bp, int bIdx,
                           float[] c, int cIdx, int ldc, boolean load) {
            FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
            FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
            FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
            FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
            FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
            FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
            FloatVector c60 = FloatVector.zero(S), c61 = FloatVector.zero(S);
            FloatVector c70 = FloatVector.zero(S), c71 = FloatVector.zero(S);
            for (int p = 0; p < kc; p++) {
                int bi = bIdx + p * NR, ai = aIdx + p * MR;
                FloatVector b0 = FloatVector.fromArray(S, bp, bi);
                FloatVector b1 = FloatVector.fromArray(S, bp, bi + L);
                FloatVector av;
                av = FloatVector.broadcast(S, ap[ai]);
                c00 = av.fma(b0, c00); c01 = av.fma(b1, c01);
                av = FloatVector.broadcast(S, ap[ai + 1]);
                c10 = av.fma(b0, c10); c11 = av.fma(b1, c11);
                av = FloatVector.broadcast(S, ap[ai + 2]);
                c20 = av.fma(b0, c20); c21 = av.fma(b1, c21);
                av = FloatVector.broadcast(S, ap[ai + 3]);
                c30 = av.fma(b0, c30); c31 = av.fma(b1, c31);
                av = FloatVector.broadcast(S, ap[ai + 4]);
                c40 = av.fma(b0, c40); c41 = av.fma(b1, c41);
                av = FloatVector.broadcast(S, ap[ai + 5]);
                c50 = av.fma(b0, c50); c51 = av.fma(b1, c51);
                av = FloatVector.broadcast(S, ap[ai + 6]);
                c60 = av.fma(b0, c60); c61 = av.fma(b1, c61);
                av = FloatVector.broadcast(S, ap[ai + 7]);
                c70 = av.fma(b0, c70); c71 = av.fma(b1, c71);
            }
            // Written out rather than through a helper: passing vectors to a call that C2 does not
            // inline would box them.
            int i0 = cIdx, i1 = i0 + ldc, i2 = i1 + ldc, i3 = i2 + ldc, i4 = i3 + ldc, i5 = i4 + ldc, i6 = i5 + ldc, i7 = i6 + ldc;
            if (load) {
                c00 = c00.add(FloatVector.fromArray(S, c, i0)); c01 = c01.add(FloatVector.fromArray(S, c, i0 + L));
                c10 = c10.add(FloatVector.fromArray(S, c, i1)); c11 = c11.add(FloatVector.fromArray(S, c, i1 + L));
                c20 = c20.add(FloatVector.fromArray(S, c, i2)); c21 = c21.add(FloatVector.fromArray(S, c, i2 + L));
                c30 = c30.add(FloatVector.fromArray(S, c, i3)); c31 = c31.add(FloatVector.fromArray(S, c, i3 + L));
                c40 = c40.add(FloatVector.fromArray(S, c, i4)); c41 = c41.add(FloatVector.fromArray(S, c, i4 + L));
                c50 = c50.add(FloatVector.fromArray(S, c, i5)); c51 = c51.add(FloatVector.fromArray(S, c, i5 + L));
                c60 = c60.add(FloatVector.fromArray(S, c, i6)); c61 = c61.add(FloatVector.fromArray(S, c, i6 + L));
                c70 = c70.add(FloatVector.fromArray(S, c, i7)); c71 = c71.add(FloatVector.fromArray(S, c, i7 + L));
            }
            c00.intoArray(c, i0); c01.intoArray(c, i0 + L);
            c10.intoArray(c, i1); c11.intoArray(c, i1 + L);
            c20.intoArray(c, i2); c21.intoArray(c, i2 + L);
            c30.intoArray(c, i3); c31.intoArray(c, i3 + L);
            c40.intoArray(c, i4); c41.intoArray(c, i4 + L);
            c50.intoArray(c, i5); c51.intoArray(c, i5 + L);
            c60.intoArray(c, i6); c61.intoArray(c, i6 + L);
            c70.intoArray(c, i7); c71.intoArray(c, i7 + L);
        }

        // ------------------------------------------------------------ the direct path

        /**
         * Unpacked loops for tiny or thin products (e.g. one token's row times a weight matrix):
         * for {@code op(B) = B} an i-p-j axpy over contiguous rows of B, for {@code op(B) = Bᵀ} a dot
         * product per output. Splits output columns over threads when the work is large.
         */
        static void direct(boolean transA, boolean transB, int m, int n, int k,
                           float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                           float[] c, int cOff, int ldc, boolean accumulate, int threads) {
            long work = (long) m * n * k;
            int chunks = threads > 1 && work >= MIN_PARALLEL_WORK ? threads : 1;
            int minCols = Math.max(1, n / chunks);
            Parallel.forRange(n, minCols, (j0, j1) -> {
                for (int i = 0; i < m; i++) {
                    int ci = cOff + i * ldc;
                    if (!transB) {
                        if (!accumulate) java.util.Arrays.fill(c, ci + j0, ci + j1, 0f);
                        for (int p = 0; p < k; p++) {
                            float av = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                            axpyRange(av, b, bOff + p * ldb + j0, c, ci + j0, j1 - j0);
                        }
                    } else {
                        for (int j = j0; j < j1; j++) {
                            float s;
                            if (!transA) s = dotF(a, aOff + i * lda, b, bOff + j * ldb, k);
                            else {
                                s = 0f;
                                for (int p = 0; p < k; p++) s += a[aOff + p * lda + i] * b[bOff + j * ldb + p];
                            }
                            c[ci + j] = accumulate ? c[ci + j] + s : s;
                        }
                    }
                }
            });
        }
    }

    // ================================================================== shared vector helpers

    /** {@code y[yi:yi+n] += alpha·x[xi:xi+n]}. */
    static void axpyRange(float alpha, float[] x, int xi, float[] y, int yi, int n) {
        FloatVector va = FloatVector.broadcast(S, alpha);
        int i = 0, ub = S.loopBound(n);
        for (; i < ub; i += L)
            FloatVector.fromArray(S, x, xi + i).fma(va, FloatVector.fromArray(S, y, yi + i)).intoArray(y, yi + i);
        for (; i < n; i++) y[yi + i] += alpha * x[xi + i];
    }

    /** Float dot product with vector partial sums (for the gemm's direct path). */
    static float dotF(float[] x, int xi, float[] y, int yi, int n) {
        FloatVector acc0 = FloatVector.zero(S), acc1 = FloatVector.zero(S);
        int i = 0;
        for (; i + 2 * L <= n; i += 2 * L) {
            acc0 = FloatVector.fromArray(S, x, xi + i).fma(FloatVector.fromArray(S, y, yi + i), acc0);
            acc1 = FloatVector.fromArray(S, x, xi + i + L).fma(FloatVector.fromArray(S, y, yi + i + L), acc1);
        }
        for (; i + L <= n; i += L)
            acc0 = FloatVector.fromArray(S, x, xi + i).fma(FloatVector.fromArray(S, y, yi + i), acc0);
        float s = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) s += x[xi + i] * y[yi + i];
        return s;
    }
}
