package dev.scratchllm.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API implementation of {@link Kernels} (with {@link VectorMath} and
 * {@code VectorDecodeKernels}, the only classes that import {@code jdk.incubator.vector}). It is
 * loaded reflectively by {@link KernelProvider} when the JVM
 * runs with {@code --add-modules jdk.incubator.vector}.
 *
 * <p>What it does: a packed, blocked, register-tiled SGEMM (see {@link Gemm}) for all four
 * transpose combinations, and vectorised element-wise, row-wise and optimizer kernels that split
 * large inputs over {@link Parallel}'s threads. {@code exp} and {@code tanh} (also inside GELU,
 * softmax and cross entropy) and the sums of a vector's lanes come from {@link VectorMath}, not
 * from the Vector API's {@code lanewise(EXP/TANH)} and {@code reduceLanes(ADD)}: those give
 * different bits once C2 has compiled them, VectorMath's give the same bits in every JIT tier
 * (exp within 1 ulp, tanh within 1.5 ulp; see {@code docs/determinism.md}).
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
        checkBatch(batch, aOffs, bOffs, cOffs);
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

    /**
     * The SGEMM engine: a Goto/BLIS-style packed kernel.
     *
     * <h2>Blocking scheme</h2>
     * <pre>
     * for pc in [0, k) step KC                — a depth slice (k = 768: two slices of 384)
     *   for ic in [m0, m1) step MC            — a row block of C (and op(A))      ┐ the two loops swap
     *     pack op(A)[ic:ic+mc, pc:pc+kc]      → bufA: ⌈mc/MR⌉ slivers, kc×MR      │ when re-packing A
     *     for jc in [n0, n1) step NC          — a column block of C (and op(B))   │ is cheaper than
     *       pack op(B)[pc:pc+kc, jc:jc+nc]    → bufB: ⌈nc/NR⌉ panels, kc×NR       ┘ re-packing B
     *       for ir in [0, mc) step MR         — one A sliver (stays in L1)
     *         for jr in [0, nc) step NR       — one B panel (streams from L2)
     *           micro-kernel: C[ir:ir+MR, jr:jr+NR] (+)= sliver · panel
     * </pre>
     * Packing absorbs the transposes, strides and offsets: the micro-kernel only ever reads two
     * dense buffers. The B buffer comes from {@link AlignedBuffers} and its panels start on a
     * 64-byte boundary, so the kernel's vector loads never straddle two cache lines (worth 6–10 %
     * on whole one-thread products). Ragged edges are zero-padded in the buffers; the
     * micro-kernel then writes a full MR×NR tile into a small temporary and only the valid part is added to C. Walking C
     * left to right along a row block lets the hardware prefetcher bring C in; an earlier order
     * (B panel in L1, A slivers streaming, KC = 256, C tiles taken down the columns) lost ≈ 20 %
     * to C misses and three passes over C for k = 768. KC = 1024 (one pass over C for GPT-2's
     * k = 768) was the default until MR went from 8 to 12: with the larger sliver, KC = 384 ran
     * 1.16× faster over the training shapes (1.3–1.5× on A·Bᵀ, where the transposing B pack of a
     * 768-deep panel was the slow part; in-process A/B by thread CPU time, three runs).
     *
     * <h2>Micro-kernel register layout (MR = 12, NR = 2 vectors = 32 floats with AVX-512)</h2>
     * <pre>
     *            b0 = bufB[p][0:16]   b1 = bufB[p][16:32]
     * a0 = bcast(bufA[p][0])   c00 += a0·b0   c01 += a0·b1
     * a1 = bcast(bufA[p][1])   c10 += a1·b0   c11 += a1·b1
     * ...                      ...            ...
     * a11 = bcast(bufA[p][11]) c110 += a11·b0  c111 += a11·b1
     * </pre>
     * 24 accumulators + 2 B vectors + 1 broadcast = 27 of the 32 zmm registers; 24 FMAs per
     * 14 loads, enough independent chains (24) to cover the FMA latency on two FMA ports. The
     * 8-row kernel used before (16 FMAs per 10 loads) was 4–13 % slower in an A/B of the
     * shapes 8×2, 8×3, 12×2, 6×4 and 4×4 (vectors) on this machine; 12×2 was never behind.
     *
     * <h2>Threads</h2>
     * C is cut into {@code T} 2-D tiles (a {@code tm × tn} grid chosen to minimise duplicated
     * packing: splitting columns re-packs A in each thread, splitting rows re-packs B); each thread
     * runs the whole blocked loop above on its tile with its own packing buffers, so the threads
     * never synchronise inside a product. One {@link Parallel#forRange} call per product; small
     * products ({@code m·n·k < MIN_PARALLEL_WORK}) stay on the calling thread, and tiny ones
     * ({@code < DIRECT_WORK}) or very thin ones skip packing entirely, and so does
     * {@code A·Bᵀ} with at most {@link #DOT_MAX_M} rows ({@link #dotTiles}); {@code A·Bᵀ} with up to
     * {@link #SWAP_MAX_M} rows reads B in place too ({@link #swappedTiles}, same bits as packed). An alternative, {@link #shared}
     * (B packed once into a buffer shared by the threads, row chunks handed out dynamically), is
     * selected with {@code -Dsgemm.sharedB=true}; see {@link #SHARED} for why it is not the default.
     */
    static final class Gemm {
        // Block sizes. An A sliver (KC·MR·4 = 18 KB) stays in the 48 KB L1; a KC×NC block of B
        // (384 KB) stays in the 2 MB L2 and its panels (48 KB) stream past the sliver; an MC×KC
        // block of A (768 KB) sits in L2/L3 and is read once per B block. KC, MC and NC can be
        // overridden for tuning with -Dsgemm.kc=… -Dsgemm.mc=… -Dsgemm.nc=… (read once at
        // start-up), or compared in one process with SgemmBlockingAB.
        static final int MR = 12;
        static final int NR = 2 * L;
        static final int KC = Integer.getInteger("sgemm.kc", 384);
        static final int MC = Integer.getInteger("sgemm.mc", 512);
        static final int NC = Integer.getInteger("sgemm.nc", 256);
        /** Below this many multiply-adds the direct (unpacked) loops are used. */
        static final long DIRECT_WORK = 32 * 1024;
        /** Below this many multiply-adds a product runs on one thread. */
        static final long MIN_PARALLEL_WORK = 1L << 20;

        private Gemm() {
        }

        /**
         * Pack B from the first 64-byte-aligned element of its buffer ({@link AlignedBuffers#PAD}) so
         * that the micro-kernel's vector loads never straddle two cache lines. On by default; a
         * switch only so that {@code SgemmAlignAB} can measure what it is worth in one process.
         */
        static boolean alignB = true;

        /** Per-thread packing buffers (B from {@link AlignedBuffers}), grown on demand and reused across calls. */
        private static final ThreadLocal<float[][]> BUFFERS = ThreadLocal.withInitial(() -> new float[3][]);

        static void gemm(boolean transA, boolean transB, int m, int n, int k,
                         float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                         float[] c, int cOff, int ldc, boolean accumulate, int threads) {
            checkGemm("gemm", transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
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
            if (!transA && transB && m <= DOT_MAX_M && k >= L) {
                dotTiles(m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate, threads);
                return;
            }
            if (!transA && transB && m <= SWAP_MAX_M && k <= SWAP_MAX_K) {
                swappedTiles(m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate, threads);
                return;
            }
            if (threads <= 1 || work < MIN_PARALLEL_WORK) {
                blocked(transA, transB, 0, m, 0, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
                return;
            }
            if (SHARED && (m + MR - 1) / MR >= 4 * threads) {
                shared(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate, threads, SHARED_MAX);
                return;
            }
            staticTiles(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate, threads);
        }

        /**
         * The default multi-threaded path: C cut into {@code threads} static 2-D tiles, each computed
         * by {@link #blocked} with its own packing buffers and no synchronisation until the end.
         */
        static void staticTiles(boolean transA, boolean transB, int m, int n, int k,
                                float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                                float[] c, int cOff, int ldc, boolean accumulate, int threads) {
            long work = (long) m * n * k;
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
                // Packing an element costs roughly as much as 4–8 multiply-adds; the transposing
                // packs (A as stored, Bᵀ) run about half as fast as the straight copies.
                double cost = work * imbalance + (double) (tn - 1) * m * k * (transA ? 4 : 8)
                        + (double) (tm - 1) * k * n * (transB ? 6 : 4);
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

        /**
         * Use the shared-B, dynamically scheduled path for multi-threaded products instead of static
         * 2-D tiles ({@code -Dsgemm.sharedB=true}). Off by default: in a quiet moment on the 2-vCPU
         * machine static tiles scaled 1.94× on 512×768·768×3072 against 1.7–1.8× for the shared path
         * (each thread keeps its half of the B panel in its own L2); the shared path only wins when
         * the other core is busy with something else.
         */
        static final boolean SHARED = Boolean.getBoolean("sgemm.sharedB");
        /** The shared packed B holds at most this many floats (64 MB); wider products go in column blocks. */
        static final int SHARED_MAX = 16 << 20;
        /** Per calling thread: the shared packed-B buffer it lends to the workers of its products. */
        private static final ThreadLocal<float[][]> SHARED_B = ThreadLocal.withInitial(() -> new float[1][]);

        /**
         * The alternative multi-threaded path (see {@link #SHARED}): op(B) is packed once into a buffer
         * shared by all threads (its panels handed out dynamically, so a thread that starts late or
         * is descheduled simply packs fewer), then — after every panel is in — row chunks of C are
         * handed out dynamically through an atomic counter; each thread packs the A rows of the chunks
         * it takes. Nothing is packed twice, and a slow thread (on a shared machine) takes fewer
         * chunks instead of holding the others up. Products wider than the buffer ({@code maxFloats})
         * go in column blocks with a barrier between blocks.
         */
        static void shared(boolean transA, boolean transB, int m, int n, int k,
                           float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                           float[] c, int cOff, int ldc, boolean accumulate, int threads, int maxFloats) {
            shared(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate, threads, maxFloats, 0);
        }

        /** {@link #shared} with an explicit row-chunk size ({@code chunkRows ≤ 0}: automatic), for tuning. */
        static void shared(boolean transA, boolean transB, int m, int n, int k,
                           float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                           float[] c, int cOff, int ldc, boolean accumulate, int threads, int maxFloats, int chunkRows) {
            int kBlocks = ceilDiv(k, KC), kc0 = ceilDiv(k, kBlocks);
            int panelsTotal = ceilDiv(n, NR);
            int blockPanels = Math.max(1, Math.min(panelsTotal, maxFloats / (k * NR)));
            int nJc = ceilDiv(panelsTotal, blockPanels);
            // about two row chunks per thread (balance against re-reading the B panel from L3 once per
            // chunk), whole slivers, at most MC rows
            int chunk = chunkRows > 0 ? chunkRows
                    : Math.min(MC, Math.max(MR, ceilDiv(ceilDiv(m, 2 * threads), MR) * MR));
            int nChunks = ceilDiv(m, chunk);
            float[][] holder = SHARED_B.get();
            int bPad = alignB ? AlignedBuffers.PAD : 0;
            int need = k * blockPanels * NR;
            if (holder[0] == null || holder[0].length < bPad + need) holder[0] = AlignedBuffers.allocate(need);
            float[] bufB = holder[0];
            // per column block: [panel claims, panels packed, row-chunk claims, threads finished]
            java.util.concurrent.atomic.AtomicIntegerArray ctr = new java.util.concurrent.atomic.AtomicIntegerArray(4 * nJc);
            Parallel.forRange(threads, 1, (t0, t1) -> {
                float[][] bufs = BUFFERS.get();
                if (bufs[1] == null || bufs[1].length < chunk * kc0) bufs[1] = new float[Math.max(chunk * kc0, KC * MR)];
                if (bufs[2] == null) bufs[2] = new float[MR * NR];
                float[] bufA = bufs[1], tmp = bufs[2];
                for (int jb = 0; jb < nJc; jb++) {
                    int q0 = jb * blockPanels, q1 = Math.min(panelsTotal, q0 + blockPanels), panels = q1 - q0;
                    int jc = q0 * NR, nc = Math.min(n, q1 * NR) - jc;
                    int ncPad = panels * NR;
                    // phase 1: pack op(B)[:, jc:jc+nc]; unit u = (depth block, panel). Depth block pb
                    // occupies bufB[bPad + pc·ncPad …], its panel q at + q·kc·NR, as packB lays it out.
                    int units = kBlocks * panels;
                    int u;
                    while ((u = ctr.getAndIncrement(4 * jb)) < units) {
                        int pb = u / panels, q = u % panels;
                        int pc = pb * kc0, kc = Math.min(kc0, k - pc);
                        int j0 = q * NR, nr = Math.min(NR, nc - j0);
                        packB(transB, b, bOff, ldb, pc, kc, jc + j0, nr, bufB, bPad + pc * ncPad + j0 * kc);
                        ctr.incrementAndGet(4 * jb + 1);
                    }
                    spinUntil(ctr, 4 * jb + 1, units);
                    // phase 2: row chunks
                    int ch;
                    while ((ch = ctr.getAndIncrement(4 * jb + 2)) < nChunks) {
                        int i0 = ch * chunk, mc = Math.min(chunk, m - i0);
                        for (int pc = 0; pc < k; pc += kc0) {
                            int kc = Math.min(kc0, k - pc);
                            boolean load = accumulate || pc > 0;
                            packA(transA, a, aOff, lda, i0, mc, pc, kc, bufA);
                            int base = bPad + pc * ncPad;
                            for (int jr = 0; jr < nc; jr += NR)
                                for (int ir = 0; ir < mc; ir += MR)
                                    tile(kc, mc, nc, ir, jr, bufA, bufB, base, tmp, c, cOff + (i0 + ir) * ldc + jc + jr, ldc, load);
                        }
                    }
                    // before the next column block overwrites the shared buffer, everyone must be done
                    // (a body given several indices — forRange ran with fewer threads — counts for each)
                    if (jb + 1 < nJc) {
                        ctr.addAndGet(4 * jb + 3, t1 - t0);
                        spinUntil(ctr, 4 * jb + 3, threads);
                    }
                }
            });
        }

        /** Waits (spinning, then yielding) until counter {@code i} reaches {@code target}. */
        private static void spinUntil(java.util.concurrent.atomic.AtomicIntegerArray ctr, int i, int target) {
            int spins = 0;
            while (ctr.get(i) < target) {
                if (++spins < 2000) Thread.onSpinWait();
                else Thread.yield();
            }
        }

        static int ceilDiv(int x, int y) {
            return (x + y - 1) / y;
        }

        // ------------------------------------------------------------ the packed path

        /** C[m0:m1, n0:n1] (+)= op(A)[m0:m1, :] · op(B)[:, n0:n1] on the calling thread. */
        static void blocked(boolean transA, boolean transB, int m0, int m1, int n0, int n1, int k,
                            float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                            float[] c, int cOff, int ldc, boolean accumulate) {
            blocked(transA, transB, m0, m1, n0, n1, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate, KC, MC, NC);
        }

        /** {@link #blocked} with explicit upper bounds for the block sizes (for tuning, see {@code SgemmBlockingAB}). */
        static void blocked(boolean transA, boolean transB, int m0, int m1, int n0, int n1, int k,
                            float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                            float[] c, int cOff, int ldc, boolean accumulate, int kcMax, int mcMax, int ncMax) {
            // Even block sizes: 800 = 400+400 rather than 384+384+32.
            int kBlocks = ceilDiv(k, kcMax), kc0 = ceilDiv(k, kBlocks);
            int mTile = m1 - m0, mcBlocks = ceilDiv(mTile, mcMax);
            int mc0 = ceilDiv(ceilDiv(mTile, mcBlocks), MR) * MR;
            int nTile = n1 - n0, ncBlocks = ceilDiv(nTile, ncMax);
            int nc0 = ceilDiv(ceilDiv(nTile, ncBlocks), NR) * NR;

            float[][] bufs = BUFFERS.get();
            int needB = kc0 * nc0, needA = kc0 * mc0;
            // B panels start at a 64-byte boundary (the kernel's vector loads); see AlignedBuffers
            int bPad = alignB ? AlignedBuffers.PAD : 0;
            if (bufs[0] == null || bufs[0].length < bPad + needB) bufs[0] = AlignedBuffers.allocate(Math.max(needB, KC * NR));
            if (bufs[1] == null || bufs[1].length < needA) bufs[1] = new float[Math.max(needA, KC * MR)];
            if (bufs[2] == null) bufs[2] = new float[MR * NR];
            float[] bufB = bufs[0], bufA = bufs[1], tmp = bufs[2];

            // Row blocks outside column blocks re-packs each B block once per extra row block; the
            // other order re-packs each A block once per extra column block. Take the cheaper.
            boolean rowsOuter = (long) (mcBlocks - 1) * nTile <= (long) (ncBlocks - 1) * mTile;
            for (int pc = 0; pc < k; pc += kc0) {
                int kc = Math.min(kc0, k - pc);
                boolean load = accumulate || pc > 0;
                if (rowsOuter) {
                    for (int ic = m0; ic < m1; ic += mc0) {
                        int mc = Math.min(mc0, m1 - ic);
                        packA(transA, a, aOff, lda, ic, mc, pc, kc, bufA);
                        for (int jc = n0; jc < n1; jc += nc0) {
                            int nc = Math.min(nc0, n1 - jc);
                            packB(transB, b, bOff, ldb, pc, kc, jc, nc, bufB, bPad);
                            panels(kc, mc, nc, bufA, bufB, bPad, tmp, c, cOff + ic * ldc + jc, ldc, load);
                        }
                    }
                } else {
                    for (int jc = n0; jc < n1; jc += nc0) {
                        int nc = Math.min(nc0, n1 - jc);
                        packB(transB, b, bOff, ldb, pc, kc, jc, nc, bufB, bPad);
                        for (int ic = m0; ic < m1; ic += mc0) {
                            int mc = Math.min(mc0, m1 - ic);
                            packA(transA, a, aOff, lda, ic, mc, pc, kc, bufA);
                            panels(kc, mc, nc, bufA, bufB, bPad, tmp, c, cOff + ic * ldc + jc, ldc, load);
                        }
                    }
                }
            }
        }

        /**
         * The micro-kernel sweep over one packed mc×kc A block and kc×nc B block: ir outer, so one A
         * sliver stays in L1 while the B panels stream from L2, and C is written row block by row
         * block, left to right, in runs the hardware prefetcher follows.
         */
        private static void panels(int kc, int mc, int nc, float[] bufA, float[] bufB, int bBase, float[] tmp,
                                   float[] c, int cIdx, int ldc, boolean load) {
            for (int ir = 0; ir < mc; ir += MR)
                for (int jr = 0; jr < nc; jr += NR)
                    tile(kc, mc, nc, ir, jr, bufA, bufB, bBase, tmp, c, cIdx + ir * ldc + jr, ldc, load);
        }

        /** One MR×NR tile of C at (ir, jr) of the current block: straight into C, or through tmp at the edges. */
        private static void tile(int kc, int mc, int nc, int ir, int jr, float[] bufA, float[] bufB, int bBase,
                                 float[] tmp, float[] c, int cIdx, int ldc, boolean load) {
            int mr = Math.min(MR, mc - ir), nr = Math.min(NR, nc - jr);
            int aIdx = ir * kc;                  // sliver ir/MR starts at (ir/MR)·kc·MR
            int bIdx = bBase + jr * kc;          // panel jr/NR starts at (jr/NR)·kc·NR
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

        /**
         * Packs op(B)[pc:pc+kc, jc:jc+nc] into panels of NR columns: element (p, j) of panel q goes
         * to {@code buf[dst0 + q·kc·NR + p·NR + j]}; columns past nc are zero.
         */
        static void packB(boolean transB, float[] b, int bOff, int ldb, int pc, int kc, int jc, int nc, float[] buf, int dst0) {
            for (int jr = 0; jr < nc; jr += NR) {
                int nr = Math.min(NR, nc - jr);
                int dst = dst0 + jr * kc;
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
                        // one 16-lane copy per row: the 4 extra lanes land in the next row's slot (or the
                        // next sliver's), which is written afterwards; arraycopy of 12 floats took 1.4–1.6×
                        // as long (0.97 against 1.39–1.56 ns per element, 512×384 blocks)
                        int p = 0;
                        if (L >= MR) // one vector holds a row (AVX-512); narrower vectors take arraycopy
                            for (; p < kc && src + L <= a.length && dst + L <= buf.length; p++, src += lda, dst += MR)
                                FloatVector.fromArray(S, a, src).intoArray(buf, dst);
                        for (; p < kc; p++, src += lda, dst += MR)
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
         * kc×w block. Reads stream along each source row; the block (≤ 48 KB) stays in L1/L2.
         */
        static void transposePack(float[] src, int s, int ld, int rows, int kc, float[] buf, int dst, int w) {
            if (rows < w) {
                for (int p = 0; p < kc; p++) java.util.Arrays.fill(buf, dst + p * w + rows, dst + p * w + w, 0f);
            }
            int j = 0;
            if (ld <= GATHER_MAX_LD && w == NR) {
                // Whole vectors of rows by gathers: lane l of the vector for column p reads src[s + (j+l)·ld + p].
                int[] idx = new int[L];
                for (int l = 0; l < L; l++) idx[l] = l * ld;
                for (; j + L <= rows; j += L) {
                    int base = s + j * ld;
                    int d = dst + j;
                    for (int p = 0; p < kc; p++, d += w)
                        FloatVector.fromArray(S, src, base + p, idx, 0).intoArray(buf, d);
                }
            }
            // Four source rows at a time keeps four read streams and writes 4 floats per w-row.
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

        /** Gathers index with int offsets {@code l·ld}; beyond this the scalar path is used. */
        static final int GATHER_MAX_LD = Integer.MAX_VALUE / (4 * L);

        /**
         * The MR×NR micro-kernel: {@code C[0:12, 0:32] (+)= Σ_p a[p][0:12] ⊗ b[p][0:32]} over the packed
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
            FloatVector c80 = FloatVector.zero(S), c81 = FloatVector.zero(S);
            FloatVector c90 = FloatVector.zero(S), c91 = FloatVector.zero(S);
            FloatVector c100 = FloatVector.zero(S), c101 = FloatVector.zero(S);
            FloatVector c110 = FloatVector.zero(S), c111 = FloatVector.zero(S);
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
                av = FloatVector.broadcast(S, ap[ai + 8]);
                c80 = av.fma(b0, c80); c81 = av.fma(b1, c81);
                av = FloatVector.broadcast(S, ap[ai + 9]);
                c90 = av.fma(b0, c90); c91 = av.fma(b1, c91);
                av = FloatVector.broadcast(S, ap[ai + 10]);
                c100 = av.fma(b0, c100); c101 = av.fma(b1, c101);
                av = FloatVector.broadcast(S, ap[ai + 11]);
                c110 = av.fma(b0, c110); c111 = av.fma(b1, c111);
            }
            // Written out rather than through a helper: passing vectors to a call that C2 does not
            // inline would box them.
            int i0 = cIdx, i1 = i0 + ldc, i2 = i1 + ldc, i3 = i2 + ldc, i4 = i3 + ldc, i5 = i4 + ldc, i6 = i5 + ldc, i7 = i6 + ldc, i8 = i7 + ldc, i9 = i8 + ldc, i10 = i9 + ldc, i11 = i10 + ldc;
            if (load) {
                c00 = c00.add(FloatVector.fromArray(S, c, i0)); c01 = c01.add(FloatVector.fromArray(S, c, i0 + L));
                c10 = c10.add(FloatVector.fromArray(S, c, i1)); c11 = c11.add(FloatVector.fromArray(S, c, i1 + L));
                c20 = c20.add(FloatVector.fromArray(S, c, i2)); c21 = c21.add(FloatVector.fromArray(S, c, i2 + L));
                c30 = c30.add(FloatVector.fromArray(S, c, i3)); c31 = c31.add(FloatVector.fromArray(S, c, i3 + L));
                c40 = c40.add(FloatVector.fromArray(S, c, i4)); c41 = c41.add(FloatVector.fromArray(S, c, i4 + L));
                c50 = c50.add(FloatVector.fromArray(S, c, i5)); c51 = c51.add(FloatVector.fromArray(S, c, i5 + L));
                c60 = c60.add(FloatVector.fromArray(S, c, i6)); c61 = c61.add(FloatVector.fromArray(S, c, i6 + L));
                c70 = c70.add(FloatVector.fromArray(S, c, i7)); c71 = c71.add(FloatVector.fromArray(S, c, i7 + L));
                c80 = c80.add(FloatVector.fromArray(S, c, i8)); c81 = c81.add(FloatVector.fromArray(S, c, i8 + L));
                c90 = c90.add(FloatVector.fromArray(S, c, i9)); c91 = c91.add(FloatVector.fromArray(S, c, i9 + L));
                c100 = c100.add(FloatVector.fromArray(S, c, i10)); c101 = c101.add(FloatVector.fromArray(S, c, i10 + L));
                c110 = c110.add(FloatVector.fromArray(S, c, i11)); c111 = c111.add(FloatVector.fromArray(S, c, i11 + L));
            }
            c00.intoArray(c, i0); c01.intoArray(c, i0 + L);
            c10.intoArray(c, i1); c11.intoArray(c, i1 + L);
            c20.intoArray(c, i2); c21.intoArray(c, i2 + L);
            c30.intoArray(c, i3); c31.intoArray(c, i3 + L);
            c40.intoArray(c, i4); c41.intoArray(c, i4 + L);
            c50.intoArray(c, i5); c51.intoArray(c, i5 + L);
            c60.intoArray(c, i6); c61.intoArray(c, i6 + L);
            c70.intoArray(c, i7); c71.intoArray(c, i7 + L);
            c80.intoArray(c, i8); c81.intoArray(c, i8 + L);
            c90.intoArray(c, i9); c91.intoArray(c, i9 + L);
            c100.intoArray(c, i10); c101.intoArray(c, i10 + L);
            c110.intoArray(c, i11); c111.intoArray(c, i11 + L);
        }

        /** Up to this many rows, {@code A·Bᵀ} runs as {@link #dotTiles} (no packing). */
        static final int DOT_MAX_M = 16;

        /**
         * {@code C (+)= A·Bᵀ} for few rows of A (decoding without a KV cache: a short sequence times
         * a weight matrix). Both operands are contiguous along k,
         * so 4×4 blocks of dot products read their rows in place: nothing is packed or transposed,
         * each row of B (a weight row) is read from memory once while A's rows stay in cache.
         * Columns of C are split over threads. The tiles run at about half the packed kernel's
         * speed (16 reductions per tile, A from L2), so they only pay while packing op(B) costs more
         * than the product: below about 16 rows (packing GPT-2's 768×50257 head takes longer than
         * multiplying 8 rows by it). {@link #direct} (one dot at a time) is the simple reference
         * with the same contract.
         */
        static void dotTiles(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                             float[] c, int cOff, int ldc, boolean accumulate, int threads) {
            int blocks = (n + 3) / 4;
            boolean split = threads > 1 && (long) m * n * k >= MIN_PARALLEL_WORK;
            Parallel.forRange(blocks, split ? 1 : blocks, (q0, q1) -> {
                for (int q = q0; q < q1; q++) {
                    int j = 4 * q, i = 0;
                    if (j + 4 <= n)
                        for (; i + 4 <= m; i += 4)
                            dot4x4(k, a, aOff + i * lda, lda, b, bOff + j * ldb, ldb, c, cOff + i * ldc + j, ldc, accumulate);
                    // rows past the last 4-block; all rows of the last block when n is not a multiple of 4
                    for (int ii = i; ii < m; ii++)
                        for (int jj = j; jj < Math.min(n, j + 4); jj++) {
                            float s = dotF(a, aOff + ii * lda, b, bOff + jj * ldb, k);
                            int ci = cOff + ii * ldc + jj;
                            c[ci] = accumulate ? c[ci] + s : s;
                        }
                }
            });
        }

        /** {@code C[0:4, 0:4] (+)= A[0:4, :]·B[0:4, :]ᵀ} with 16 vector accumulators along k. */
        private static void dot4x4(int k, float[] a, int a0, int lda, float[] b, int b0, int ldb,
                                   float[] c, int c0, int ldc, boolean accumulate) {
            FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S), c02 = FloatVector.zero(S), c03 = FloatVector.zero(S), c10 = FloatVector.zero(S), c11 = FloatVector.zero(S), c12 = FloatVector.zero(S), c13 = FloatVector.zero(S);
            FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S), c22 = FloatVector.zero(S), c23 = FloatVector.zero(S), c30 = FloatVector.zero(S), c31 = FloatVector.zero(S), c32 = FloatVector.zero(S), c33 = FloatVector.zero(S);
            int a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda, b1 = b0 + ldb, b2 = b1 + ldb, b3 = b2 + ldb;
            int p = 0;
            for (int ub = S.loopBound(k); p < ub; p += L) {
                FloatVector x0 = FloatVector.fromArray(S, a, a0 + p);
                FloatVector x1 = FloatVector.fromArray(S, a, a1 + p);
                FloatVector x2 = FloatVector.fromArray(S, a, a2 + p);
                FloatVector x3 = FloatVector.fromArray(S, a, a3 + p);
                FloatVector w = FloatVector.fromArray(S, b, b0 + p);
                c00 = x0.fma(w, c00); c10 = x1.fma(w, c10); c20 = x2.fma(w, c20); c30 = x3.fma(w, c30);
                w = FloatVector.fromArray(S, b, b1 + p);
                c01 = x0.fma(w, c01); c11 = x1.fma(w, c11); c21 = x2.fma(w, c21); c31 = x3.fma(w, c31);
                w = FloatVector.fromArray(S, b, b2 + p);
                c02 = x0.fma(w, c02); c12 = x1.fma(w, c12); c22 = x2.fma(w, c22); c32 = x3.fma(w, c32);
                w = FloatVector.fromArray(S, b, b3 + p);
                c03 = x0.fma(w, c03); c13 = x1.fma(w, c13); c23 = x2.fma(w, c23); c33 = x3.fma(w, c33);
            }
            // each accumulator's lanes in VectorMath's fixed order (reduceLanes' order depends on the JIT)
            float[] r = {
                    VectorMath.sumLanes(c00), VectorMath.sumLanes(c01), VectorMath.sumLanes(c02), VectorMath.sumLanes(c03),
                    VectorMath.sumLanes(c10), VectorMath.sumLanes(c11), VectorMath.sumLanes(c12), VectorMath.sumLanes(c13),
                    VectorMath.sumLanes(c20), VectorMath.sumLanes(c21), VectorMath.sumLanes(c22), VectorMath.sumLanes(c23),
                    VectorMath.sumLanes(c30), VectorMath.sumLanes(c31), VectorMath.sumLanes(c32), VectorMath.sumLanes(c33)
            };
            for (; p < k; p++) // the last k % L terms
                for (int i = 0; i < 4; i++)
                    for (int j = 0; j < 4; j++) r[4 * i + j] += a[a0 + i * lda + p] * b[b0 + j * ldb + p];
            for (int i = 0; i < 4; i++)
                for (int j = 0; j < 4; j++) {
                    int ci = c0 + i * ldc + j;
                    c[ci] = accumulate ? c[ci] + r[4 * i + j] : r[4 * i + j];
                }
        }

        /** Up to this many rows (and past {@link #DOT_MAX_M}), {@code A·Bᵀ} runs as {@link #swappedTiles} (no packing of B). */
        static final int SWAP_MAX_M = 96;
        /** Deeper products than this go to the packed path (the packed Aᵀ would exceed 3 MB). */
        static final int SWAP_MAX_K = 8192;
        /** Rows of B per swapped tile (the broadcast operand): 12 × 2 vectors = 24 accumulators, as in {@link #kernel}. */
        static final int JR = 12;
        private static final ThreadLocal<float[]> SWAP_A = ThreadLocal.withInitial(() -> new float[0]);
        private static final ThreadLocal<float[]> SWAP_TILE = ThreadLocal.withInitial(() -> new float[JR * NR]);

        /**
         * {@code C (+)= A·Bᵀ} for a few dozen rows of A (the book's cache-free generation: a prompt
         * of 17–96 tokens times each weight matrix), computed as {@code Cᵀ = B·Aᵀ}: Aᵀ is packed once
         * (at most 96 × k floats, in blocks of NR rows), and each tile broadcasts JR rows of B straight
         * from where they lie, so the weights are read once, in place, and never transposed. Packing
         * op(B) = Bᵀ for the packed path costs more than the product when A has this few rows
         * (GPT-2's forward: 2.2× the whole product at 17–32 rows).
         *
         * <p>Bit-identical to {@link #blocked}, so the path taken never shows in a result: each
         * element of C sums its depth in the same slices of {@code kc0 = ⌈k / ⌈k / KC⌉⌉}, each slice
         * one fused multiply-add chain from zero in increasing p, added to C (or to the previous
         * slices) after the slice. {@code GemmTest} checks the bits against {@link #blocked} over
         * every tail of JR, NR and the slices.
         *
         * <p>Measured on GPT-2 124M's 73 forward products, weights cold (thread CPU time, one
         * thread): 17–32 rows 0.45–0.49× the packed path's time, 48–64 rows 0.65–0.75×, 96 rows
         * 0.82×, 128 rows 0.88×, 256 rows 1.05×, 512 rows 1.2×; on two threads (wall) 0.41–0.63×
         * up to 32 rows, 0.74–0.92× at 48–96, 1.0× at 112. Hence {@link #SWAP_MAX_M} = 96.
         */
        static void swappedTiles(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                                 float[] c, int cOff, int ldc, boolean accumulate, int threads) {
            int iBlocks = ceilDiv(m, NR);
            float[] at = SWAP_A.get();
            if (at.length < iBlocks * NR * k) {
                at = new float[iBlocks * NR * k];
                SWAP_A.set(at);
            }
            // (iBlocks, k, NR): element (p, l) of block ib is A[ib·NR + l, p]; lanes past m are zero
            for (int ib = 0; ib < iBlocks; ib++)
                transposePack(a, aOff + ib * NR * lda, lda, Math.min(NR, m - ib * NR), k, at, ib * NR * k, NR);
            int kBlocks = ceilDiv(k, KC), kc0 = ceilDiv(k, kBlocks);
            int jBlocks = ceilDiv(n, JR);
            float[] atf = at;
            boolean split = threads > 1 && (long) m * n * k >= MIN_PARALLEL_WORK;
            Parallel.forRange(jBlocks, split ? 1 : jBlocks, (q0, q1) -> {
                float[] t = SWAP_TILE.get();
                for (int q = q0; q < q1; q++)
                    for (int ib = 0; ib < iBlocks; ib++)
                        swappedTile(m, n, k, kc0, atf, ib * NR * k, ib * NR, q * JR, b, bOff, ldb, c, cOff, ldc, accumulate, t);
            });
        }

        /**
         * {@code Cᵀ[j0:j0+JR, i0:i0+NR] (+)= B[j0:j0+JR, :]·Aᵀ[:, i0:i0+NR]}: slice by slice into the
         * JR×NR tile {@code t} (row r holds C's column j0+r), which is then written into C
         * transposed, only where i &lt; m and j &lt; n. Rows of B past n repeat row n − 1; their
         * results are dropped.
         */
        private static void swappedTile(int m, int n, int k, int kc0, float[] at, int atIdx, int i0, int j0,
                                        float[] b, int bOff, int ldb, float[] c, int cOff, int ldc, boolean accumulate, float[] t) {
            int ni = Math.min(NR, m - i0), nj = Math.min(JR, n - j0);
            if (accumulate)
                for (int r = 0; r < nj; r++)
                    for (int l = 0; l < ni; l++) t[r * NR + l] = c[cOff + (i0 + l) * ldc + j0 + r];
            int r0 = bOff + Math.min(j0, n - 1) * ldb;
            int r1 = bOff + Math.min(j0 + 1, n - 1) * ldb;
            int r2 = bOff + Math.min(j0 + 2, n - 1) * ldb;
            int r3 = bOff + Math.min(j0 + 3, n - 1) * ldb;
            int r4 = bOff + Math.min(j0 + 4, n - 1) * ldb;
            int r5 = bOff + Math.min(j0 + 5, n - 1) * ldb;
            int r6 = bOff + Math.min(j0 + 6, n - 1) * ldb;
            int r7 = bOff + Math.min(j0 + 7, n - 1) * ldb;
            int r8 = bOff + Math.min(j0 + 8, n - 1) * ldb;
            int r9 = bOff + Math.min(j0 + 9, n - 1) * ldb;
            int r10 = bOff + Math.min(j0 + 10, n - 1) * ldb;
            int r11 = bOff + Math.min(j0 + 11, n - 1) * ldb;
            FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
            FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
            FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
            FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
            FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
            FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
            FloatVector c60 = FloatVector.zero(S), c61 = FloatVector.zero(S);
            FloatVector c70 = FloatVector.zero(S), c71 = FloatVector.zero(S);
            FloatVector c80 = FloatVector.zero(S), c81 = FloatVector.zero(S);
            FloatVector c90 = FloatVector.zero(S), c91 = FloatVector.zero(S);
            FloatVector c100 = FloatVector.zero(S), c101 = FloatVector.zero(S);
            FloatVector c110 = FloatVector.zero(S), c111 = FloatVector.zero(S);
            for (int pc = 0; pc < k; pc += kc0) {
                int pe = Math.min(k, pc + kc0);
                if (pc > 0) {
                c00 = FloatVector.zero(S); c01 = FloatVector.zero(S);
                c10 = FloatVector.zero(S); c11 = FloatVector.zero(S);
                c20 = FloatVector.zero(S); c21 = FloatVector.zero(S);
                c30 = FloatVector.zero(S); c31 = FloatVector.zero(S);
                c40 = FloatVector.zero(S); c41 = FloatVector.zero(S);
                c50 = FloatVector.zero(S); c51 = FloatVector.zero(S);
                c60 = FloatVector.zero(S); c61 = FloatVector.zero(S);
                c70 = FloatVector.zero(S); c71 = FloatVector.zero(S);
                c80 = FloatVector.zero(S); c81 = FloatVector.zero(S);
                c90 = FloatVector.zero(S); c91 = FloatVector.zero(S);
                c100 = FloatVector.zero(S); c101 = FloatVector.zero(S);
                c110 = FloatVector.zero(S); c111 = FloatVector.zero(S);
                }
                for (int p = pc; p < pe; p++) {
                    int ai = atIdx + p * NR;
                    FloatVector a0 = FloatVector.fromArray(S, at, ai), a1 = FloatVector.fromArray(S, at, ai + L), bv;
                    bv = FloatVector.broadcast(S, b[r0 + p]); c00 = bv.fma(a0, c00); c01 = bv.fma(a1, c01);
                    bv = FloatVector.broadcast(S, b[r1 + p]); c10 = bv.fma(a0, c10); c11 = bv.fma(a1, c11);
                    bv = FloatVector.broadcast(S, b[r2 + p]); c20 = bv.fma(a0, c20); c21 = bv.fma(a1, c21);
                    bv = FloatVector.broadcast(S, b[r3 + p]); c30 = bv.fma(a0, c30); c31 = bv.fma(a1, c31);
                    bv = FloatVector.broadcast(S, b[r4 + p]); c40 = bv.fma(a0, c40); c41 = bv.fma(a1, c41);
                    bv = FloatVector.broadcast(S, b[r5 + p]); c50 = bv.fma(a0, c50); c51 = bv.fma(a1, c51);
                    bv = FloatVector.broadcast(S, b[r6 + p]); c60 = bv.fma(a0, c60); c61 = bv.fma(a1, c61);
                    bv = FloatVector.broadcast(S, b[r7 + p]); c70 = bv.fma(a0, c70); c71 = bv.fma(a1, c71);
                    bv = FloatVector.broadcast(S, b[r8 + p]); c80 = bv.fma(a0, c80); c81 = bv.fma(a1, c81);
                    bv = FloatVector.broadcast(S, b[r9 + p]); c90 = bv.fma(a0, c90); c91 = bv.fma(a1, c91);
                    bv = FloatVector.broadcast(S, b[r10 + p]); c100 = bv.fma(a0, c100); c101 = bv.fma(a1, c101);
                    bv = FloatVector.broadcast(S, b[r11 + p]); c110 = bv.fma(a0, c110); c111 = bv.fma(a1, c111);
                }
                // written out rather than looped: vectors passed to a call C2 does not inline are boxed
                if (pc == 0 && !accumulate) {
                    c00.intoArray(t, 0); c01.intoArray(t, L);
                    c10.intoArray(t, 2 * L); c11.intoArray(t, 3 * L);
                    c20.intoArray(t, 4 * L); c21.intoArray(t, 5 * L);
                    c30.intoArray(t, 6 * L); c31.intoArray(t, 7 * L);
                    c40.intoArray(t, 8 * L); c41.intoArray(t, 9 * L);
                    c50.intoArray(t, 10 * L); c51.intoArray(t, 11 * L);
                    c60.intoArray(t, 12 * L); c61.intoArray(t, 13 * L);
                    c70.intoArray(t, 14 * L); c71.intoArray(t, 15 * L);
                    c80.intoArray(t, 16 * L); c81.intoArray(t, 17 * L);
                    c90.intoArray(t, 18 * L); c91.intoArray(t, 19 * L);
                    c100.intoArray(t, 20 * L); c101.intoArray(t, 21 * L);
                    c110.intoArray(t, 22 * L); c111.intoArray(t, 23 * L);
                } else {
                    c00.add(FloatVector.fromArray(S, t, 0)).intoArray(t, 0); c01.add(FloatVector.fromArray(S, t, L)).intoArray(t, L);
                    c10.add(FloatVector.fromArray(S, t, 2 * L)).intoArray(t, 2 * L); c11.add(FloatVector.fromArray(S, t, 3 * L)).intoArray(t, 3 * L);
                    c20.add(FloatVector.fromArray(S, t, 4 * L)).intoArray(t, 4 * L); c21.add(FloatVector.fromArray(S, t, 5 * L)).intoArray(t, 5 * L);
                    c30.add(FloatVector.fromArray(S, t, 6 * L)).intoArray(t, 6 * L); c31.add(FloatVector.fromArray(S, t, 7 * L)).intoArray(t, 7 * L);
                    c40.add(FloatVector.fromArray(S, t, 8 * L)).intoArray(t, 8 * L); c41.add(FloatVector.fromArray(S, t, 9 * L)).intoArray(t, 9 * L);
                    c50.add(FloatVector.fromArray(S, t, 10 * L)).intoArray(t, 10 * L); c51.add(FloatVector.fromArray(S, t, 11 * L)).intoArray(t, 11 * L);
                    c60.add(FloatVector.fromArray(S, t, 12 * L)).intoArray(t, 12 * L); c61.add(FloatVector.fromArray(S, t, 13 * L)).intoArray(t, 13 * L);
                    c70.add(FloatVector.fromArray(S, t, 14 * L)).intoArray(t, 14 * L); c71.add(FloatVector.fromArray(S, t, 15 * L)).intoArray(t, 15 * L);
                    c80.add(FloatVector.fromArray(S, t, 16 * L)).intoArray(t, 16 * L); c81.add(FloatVector.fromArray(S, t, 17 * L)).intoArray(t, 17 * L);
                    c90.add(FloatVector.fromArray(S, t, 18 * L)).intoArray(t, 18 * L); c91.add(FloatVector.fromArray(S, t, 19 * L)).intoArray(t, 19 * L);
                    c100.add(FloatVector.fromArray(S, t, 20 * L)).intoArray(t, 20 * L); c101.add(FloatVector.fromArray(S, t, 21 * L)).intoArray(t, 21 * L);
                    c110.add(FloatVector.fromArray(S, t, 22 * L)).intoArray(t, 22 * L); c111.add(FloatVector.fromArray(S, t, 23 * L)).intoArray(t, 23 * L);
                }
            }
            for (int r = 0; r < nj; r++)
                for (int l = 0; l < ni; l++) c[cOff + (i0 + l) * ldc + j0 + r] = t[r * NR + l];
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

    // ================================================================== threading helpers

    /** Runs {@code body} over {@code [0, n)}, split over threads only when {@code n} is large. */
    /** Whether {@link #splitElems} runs on the calling thread alone (callers then skip the lambda). */
    static boolean inline(int n) {
        return n < 2 * PARALLEL_ELEMS || Parallel.numThreads() == 1 || Parallel.inWorker();
    }

    /** Whether {@link #splitRows} runs on the calling thread alone. */
    static boolean inlineRows(int rows, int cols) {
        return (long) rows * cols < PARALLEL_ELEMS || rows < 2 || Parallel.numThreads() == 1 || Parallel.inWorker();
    }

    static void splitElems(int n, Parallel.RangeBody body) {
        if (n < 2 * PARALLEL_ELEMS || Parallel.numThreads() == 1 || Parallel.inWorker()) body.run(0, n);
        else Parallel.forRange(n, PARALLEL_ELEMS, body);
    }

    /** Runs {@code body} over rows {@code [0, rows)}, split over threads when rows×cols is large. */
    static void splitRows(int rows, int cols, Parallel.RangeBody body) {
        if ((long) rows * cols < PARALLEL_ELEMS || rows < 2 || Parallel.numThreads() == 1 || Parallel.inWorker())
            body.run(0, rows);
        else Parallel.forRange(rows, Math.max(1, PARALLEL_ELEMS / 2 / Math.max(1, cols)), body);
    }

    // ================================================================== element-wise

    @Override
    public void add(float[] a, int aOff, float[] b, int bOff, float[] out, int oOff, int n) {
        if (inline(n)) addRange(a, aOff, b, bOff, out, oOff, 0, n); // no lambda: decoding allocates nothing
        else splitElems(n, (s, e) -> addRange(a, aOff, b, bOff, out, oOff, s, e));
    }

    private static void addRange(float[] a, int aOff, float[] b, int bOff, float[] out, int oOff, int s, int e) {
        int i = s, ub = s + S.loopBound(e - s);
        for (; i < ub; i += L)
            FloatVector.fromArray(S, a, aOff + i).add(FloatVector.fromArray(S, b, bOff + i)).intoArray(out, oOff + i);
        for (; i < e; i++) out[oOff + i] = a[aOff + i] + b[bOff + i];
    }

    @Override
    public void sub(float[] a, int aOff, float[] b, int bOff, float[] out, int oOff, int n) {
        splitElems(n, (s, e) -> {
            int i = s, ub = s + S.loopBound(e - s);
            for (; i < ub; i += L)
                FloatVector.fromArray(S, a, aOff + i).sub(FloatVector.fromArray(S, b, bOff + i)).intoArray(out, oOff + i);
            for (; i < e; i++) out[oOff + i] = a[aOff + i] - b[bOff + i];
        });
    }

    @Override
    public void mul(float[] a, int aOff, float[] b, int bOff, float[] out, int oOff, int n) {
        splitElems(n, (s, e) -> {
            int i = s, ub = s + S.loopBound(e - s);
            for (; i < ub; i += L)
                FloatVector.fromArray(S, a, aOff + i).mul(FloatVector.fromArray(S, b, bOff + i)).intoArray(out, oOff + i);
            for (; i < e; i++) out[oOff + i] = a[aOff + i] * b[bOff + i];
        });
    }

    @Override
    public void div(float[] a, int aOff, float[] b, int bOff, float[] out, int oOff, int n) {
        splitElems(n, (s, e) -> {
            int i = s, ub = s + S.loopBound(e - s);
            for (; i < ub; i += L)
                FloatVector.fromArray(S, a, aOff + i).div(FloatVector.fromArray(S, b, bOff + i)).intoArray(out, oOff + i);
            for (; i < e; i++) out[oOff + i] = a[aOff + i] / b[bOff + i];
        });
    }

    @Override
    public void scaleShift(float[] a, int aOff, float sc, float t, float[] out, int oOff, int n) {
        splitElems(n, (s, e) -> {
            FloatVector vs = FloatVector.broadcast(S, sc), vt = FloatVector.broadcast(S, t);
            int i = s, ub = s + S.loopBound(e - s);
            for (; i < ub; i += L)
                FloatVector.fromArray(S, a, aOff + i).mul(vs).add(vt).intoArray(out, oOff + i);
            for (; i < e; i++) out[oOff + i] = a[aOff + i] * sc + t;
        });
    }

    @Override
    public void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n) {
        splitElems(n, (s, e) -> axpyRange(alpha, x, xOff + s, y, yOff + s, e - s));
    }

    @Override
    public void addRowVector(float[] x, int xOff, float[] bias, int bOff, float[] out, int oOff, int rows, int cols) {
        splitRows(rows, cols, (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int xr = xOff + r * cols, orow = oOff + r * cols;
                int c = 0, ub = S.loopBound(cols);
                for (; c < ub; c += L)
                    FloatVector.fromArray(S, x, xr + c).add(FloatVector.fromArray(S, bias, bOff + c)).intoArray(out, orow + c);
                for (; c < cols; c++) out[orow + c] = x[xr + c] + bias[bOff + c];
            }
        });
    }

    /** Rows summed in float vectors per block of this many rows, then added into doubles. */
    private static final int SUM_BLOCK = 32;

    @Override
    public void sumRows(float[] x, int xOff, int rows, int cols, float[] out, int oOff, boolean accumulate) {
        // Split over columns (in whole vectors) so that threads write disjoint parts of out.
        int colVecs = (cols + L - 1) / L;
        Parallel.RangeBody body = (v0, v1) -> {
            int c0 = v0 * L, c1 = Math.min(cols, v1 * L), w = c1 - c0;
            double[] acc = new double[w];
            float[] part = new float[w];
            for (int rb = 0; rb < rows; rb += SUM_BLOCK) {
                int re = Math.min(rows, rb + SUM_BLOCK);
                int c = 0, ub = S.loopBound(w);
                for (; c < ub; c += L) {
                    FloatVector s = FloatVector.zero(S);
                    for (int r = rb; r < re; r++) s = s.add(FloatVector.fromArray(S, x, xOff + r * cols + c0 + c));
                    s.intoArray(part, c);
                }
                for (; c < w; c++) {
                    float s = 0f;
                    for (int r = rb; r < re; r++) s += x[xOff + r * cols + c0 + c];
                    part[c] = s;
                }
                for (int j = 0; j < w; j++) acc[j] += part[j];
            }
            for (int j = 0; j < w; j++)
                out[oOff + c0 + j] = (float) ((accumulate ? out[oOff + c0 + j] : 0) + acc[j]);
        };
        if ((long) rows * cols < 2L * PARALLEL_ELEMS || colVecs < 2 || Parallel.numThreads() == 1 || Parallel.inWorker())
            body.run(0, colVecs);
        else Parallel.forRange(colVecs, 1, body);
    }

    /** Elements summed in float vector lanes per block before adding into a double. */
    private static final int DSUM_BLOCK = 1024;

    @Override
    public double sum(float[] x, int xOff, int n) {
        double total = 0;
        int i = 0;
        while (i < n) {
            int e = Math.min(n, i + DSUM_BLOCK), ub = i + S.loopBound(e - i);
            FloatVector acc = FloatVector.zero(S);
            for (; i < ub; i += L) acc = acc.add(FloatVector.fromArray(S, x, xOff + i));
            double s = VectorMath.sumLanes(acc);
            for (; i < e; i++) s += x[xOff + i];
            total += s;
        }
        return total;
    }

    @Override
    public double dot(float[] x, int xOff, float[] y, int yOff, int n) {
        double total = 0;
        int i = 0;
        while (i < n) {
            int e = Math.min(n, i + DSUM_BLOCK), ub = i + S.loopBound(e - i);
            FloatVector acc = FloatVector.zero(S);
            for (; i < ub; i += L)
                acc = FloatVector.fromArray(S, x, xOff + i).fma(FloatVector.fromArray(S, y, yOff + i), acc);
            double s = VectorMath.sumLanes(acc);
            for (; i < e; i++) s += (double) x[xOff + i] * y[yOff + i];
            total += s;
        }
        return total;
    }

    // ================================================================== activations

    @Override
    public void relu(float[] x, int xOff, float[] out, int oOff, int n) {
        splitElems(n, (s, e) -> {
            int i = s, ub = s + S.loopBound(e - s);
            for (; i < ub; i += L) FloatVector.fromArray(S, x, xOff + i).max(0f).intoArray(out, oOff + i);
            for (; i < e; i++) out[oOff + i] = Math.max(x[xOff + i], 0f);
        });
    }

    @Override
    public void reluBackward(float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff, int n, boolean accumulate) {
        splitElems(n, (s, e) -> {
            FloatVector zero = FloatVector.zero(S);
            int i = s, ub = s + S.loopBound(e - s);
            for (; i < ub; i += L) {
                FloatVector g = zero.blend(FloatVector.fromArray(S, dy, dyOff + i),
                        FloatVector.fromArray(S, x, xOff + i).compare(VectorOperators.GT, 0f));
                if (accumulate) g = g.add(FloatVector.fromArray(S, dx, dxOff + i));
                g.intoArray(dx, dxOff + i);
            }
            for (; i < e; i++) {
                float g = x[xOff + i] > 0f ? dy[dyOff + i] : 0f;
                dx[dxOff + i] = accumulate ? dx[dxOff + i] + g : g;
            }
        });
    }

    /** GELU and its gradient work through a scratch chunk of this many elements. */
    private static final int GELU_CHUNK = 512;

    /**
     * GELU's tanh form through one exp: {@code 0.5·v·(1 + tanh(u)) = v / (1 + e^(−2u))}, the same
     * function with one exp and one division (and no cancellation in 1 + tanh for negative v);
     * within 1e-6 of {@link ScalarKernels#gelu}'s values like the rest of this class.
     */
    @Override
    public void gelu(float[] x, int xOff, float[] out, int oOff, int n) {
        if (inline(n)) geluRange(x, xOff, out, oOff, 0, n); // no lambda: decoding allocates nothing
        else splitElems(n, (s, e) -> geluRange(x, xOff, out, oOff, s, e));
    }

    /** Per-thread scratch of {@link #geluRange}. */
    private static final ThreadLocal<float[]> GELU_SCRATCH = ThreadLocal.withInitial(() -> new float[GELU_CHUNK]);

    private static void geluRange(float[] x, int xOff, float[] out, int oOff, int s, int e) {
        float[] t = GELU_SCRATCH.get();
        for (int c0 = s; c0 < e; c0 += GELU_CHUNK) {
            int len = Math.min(GELU_CHUNK, e - c0), xc = xOff + c0, oc = oOff + c0;
            geluExp(x, xc, t, len);
            int i = 0, ub = S.loopBound(len);
            for (; i < ub; i += L)
                FloatVector.fromArray(S, x, xc + i).div(FloatVector.fromArray(S, t, i).add(1f)).intoArray(out, oc + i);
            for (; i < len; i++) out[oc + i] = x[xc + i] / (t[i] + 1f); // the same operations as a lane
        }
    }

    /** {@code t[i] = e^(−2u)}, u = (v·v·a·v + v)·c for v = x[xi+i]; tail and lanes alike. */
    private static void geluExp(float[] x, int xi, float[] t, int n) {
        int i = 0, ub = S.loopBound(n);
        for (; i < ub; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, xi + i);
            v.mul(v).mul(GELU_A).mul(v).add(v).mul(-2f * GELU_C).intoArray(t, i);
        }
        for (; i < n; i++) {
            float v = x[xi + i];
            t[i] = (v * v * GELU_A * v + v) * (-2f * GELU_C);
        }
        VectorMath.expSum(t, 0, 0f, t, 0, n);
    }

    /**
     * With t = e^(−2u) and s = 1/(1 + t) = (1 + tanh u)/2: {@code d = s + 2v·s·(1 − s)·u'}, where
     * 1 − s is computed as t·s (no cancellation when s is near 1); t is capped at the largest float
     * so that t·s stays finite where e^(−2u) overflows.
     */
    @Override
    public void geluBackward(float[] x, int xOff, float[] dy, int dyOff, float[] dx, int dxOff, int n, boolean accumulate) {
        splitElems(n, (s, e) -> {
            float[] tb = new float[Math.min(GELU_CHUNK, e - s)];
            FloatVector one = FloatVector.broadcast(S, 1f);
            for (int c0 = s; c0 < e; c0 += GELU_CHUNK) {
                int len = Math.min(GELU_CHUNK, e - c0), xc = xOff + c0, dyc = dyOff + c0, dxc = dxOff + c0;
                geluExp(x, xc, tb, len);
                int i = 0, ub = S.loopBound(len);
                for (; i < ub; i += L) {
                    FloatVector v = FloatVector.fromArray(S, x, xc + i);
                    FloatVector t = FloatVector.fromArray(S, tb, i).min(Float.MAX_VALUE);
                    FloatVector sg = one.div(t.add(1f));
                    FloatVector dInner = v.mul(v).mul(3f * GELU_A).add(1f).mul(GELU_C);
                    FloatVector d = sg.add(v.mul(2f).mul(t.mul(sg)).mul(sg).mul(dInner));
                    FloatVector g = FloatVector.fromArray(S, dy, dyc + i).mul(d);
                    if (accumulate) g = g.add(FloatVector.fromArray(S, dx, dxc + i));
                    g.intoArray(dx, dxc + i);
                }
                for (; i < len; i++) { // the same operations as a lane
                    float v = x[xc + i], t = Math.min(tb[i], Float.MAX_VALUE), sg = 1f / (t + 1f);
                    float dInner = (v * v * (3f * GELU_A) + 1f) * GELU_C;
                    float d = sg + v * 2f * (t * sg) * sg * dInner;
                    float g = dy[dyc + i] * d;
                    dx[dxc + i] = accumulate ? g + dx[dxc + i] : g;
                }
            }
        });
    }

    @Override
    public void exp(float[] x, int xOff, float[] out, int oOff, int n) {
        splitElems(n, (s, e) -> VectorMath.expSum(x, xOff + s, 0f, out, oOff + s, e - s));
    }

    @Override
    public void tanh(float[] x, int xOff, float[] out, int oOff, int n) {
        splitElems(n, (s, e) -> VectorMath.tanh(x, xOff + s, out, oOff + s, e - s));
    }

    // ================================================================== row-wise

    /** The maximum of {@code x[xi:xi+n]} (−∞ for n = 0; NaN if any element is NaN). */
    static float rowMax(float[] x, int xi, int n) {
        int c = 0, ub = S.loopBound(n);
        float max = Float.NEGATIVE_INFINITY;
        if (ub > 0) {
            FloatVector m = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
            for (; c < ub; c += L) m = m.max(FloatVector.fromArray(S, x, xi + c));
            max = m.reduceLanes(VectorOperators.MAX);
        }
        for (; c < n; c++) max = Math.max(max, x[xi + c]);
        return max;
    }

    /** Row kernels whose gradient needs e^x go through a scratch chunk of this many elements. */
    private static final int EXP_CHUNK = 1024;

    /** Σ exp(x[c] − shift), optionally writing each term to {@code out}: {@link VectorMath#expSum}. */
    static double sumExp(float[] x, int xi, float shift, float[] out, int oi, int n) {
        return VectorMath.expSum(x, xi, shift, out, oi, n);
    }

    /** {@code y[yi:yi+n] *= s}. */
    static void scaleRange(float[] y, int yi, float s, int n) {
        FloatVector vs = FloatVector.broadcast(S, s);
        int c = 0, ub = S.loopBound(n);
        for (; c < ub; c += L) FloatVector.fromArray(S, y, yi + c).mul(vs).intoArray(y, yi + c);
        for (; c < n; c++) y[yi + c] *= s;
    }

    @Override
    public void softmaxRows(float[] x, int xOff, float[] out, int oOff, int rows, int cols) {
        splitRows(rows, cols, (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int xr = xOff + r * cols, orow = oOff + r * cols;
                float max = rowMax(x, xr, cols);
                double s = sumExp(x, xr, max, out, orow, cols);
                scaleRange(out, orow, (float) (1.0 / s), cols);
            }
        });
    }

    @Override
    public void softmaxBackwardRows(float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff,
                                    int rows, int cols, boolean accumulate) {
        splitRows(rows, cols, (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int yr = yOff + r * cols, dyr = dyOff + r * cols, dxr = dxOff + r * cols;
                float d = (float) dot(dy, dyr, y, yr, cols);
                FloatVector vd = FloatVector.broadcast(S, d);
                int c = 0, ub = S.loopBound(cols);
                for (; c < ub; c += L) {
                    FloatVector g = FloatVector.fromArray(S, y, yr + c).mul(FloatVector.fromArray(S, dy, dyr + c).sub(vd));
                    if (accumulate) g = g.add(FloatVector.fromArray(S, dx, dxr + c));
                    g.intoArray(dx, dxr + c);
                }
                for (; c < cols; c++) {
                    float g = y[yr + c] * (dy[dyr + c] - d);
                    dx[dxr + c] = accumulate ? dx[dxr + c] + g : g;
                }
            }
        });
    }

    /**
     * Works on each row's visible keys rounded up to whole vectors (the extra lanes hold
     * {@code −∞}, then 0), so its sums run in the same lanes and blocks as {@link #softmaxRows}
     * over the full row and the result is the same, bit for bit, as masked fill + divide + softmax.
     */
    @Override
    public void causalSoftmaxRows(float[] x, int xOff, float[] out, int oOff, int matrices, int rows, int cols, float divisor) {
        checkCausal("causalSoftmaxRows", rows, cols);
        // about half of each block is masked: count the visible half for the threading decision
        splitRows(matrices * rows, Math.max(1, cols / 2), (r0, r1) -> {
            FloatVector vdiv = FloatVector.broadcast(S, divisor);
            for (int r = r0; r < r1; r++) {
                int visible = r % rows + cols - rows + 1;          // keys 0 … visible-1
                int n = Math.min(cols, (visible + L - 1) / L * L); // whole vectors
                int xr = xOff + r * cols, orow = oOff + r * cols;
                int c = 0, ub = S.loopBound(visible);
                for (; c < ub; c += L) FloatVector.fromArray(S, x, xr + c).div(vdiv).intoArray(out, orow + c);
                for (; c < visible; c++) out[orow + c] = x[xr + c] / divisor;
                java.util.Arrays.fill(out, orow + visible, orow + n, Float.NEGATIVE_INFINITY);
                float max = rowMax(out, orow, n);
                double s = sumExp(out, orow, max, out, orow, n);
                scaleRange(out, orow, (float) (1.0 / s), n);
                java.util.Arrays.fill(out, orow + n, orow + cols, 0f);
            }
        });
    }

    @Override
    public void causalSoftmaxBackwardRows(float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff,
                                          int matrices, int rows, int cols, float divisor) {
        checkCausal("causalSoftmaxBackwardRows", rows, cols);
        splitRows(matrices * rows, Math.max(1, cols / 2), (r0, r1) -> {
            FloatVector vdiv = FloatVector.broadcast(S, divisor);
            for (int r = r0; r < r1; r++) {
                int visible = r % rows + cols - rows + 1;
                int n = Math.min(cols, (visible + L - 1) / L * L);
                int yr = yOff + r * cols, dyr = dyOff + r * cols, dxr = dxOff + r * cols;
                // the masked y are 0: the same lanes and blocks as the full row's dot
                float d = (float) dot(dy, dyr, y, yr, n);
                FloatVector vd = FloatVector.broadcast(S, d);
                int c = 0, ub = S.loopBound(visible);
                for (; c < ub; c += L)
                    FloatVector.fromArray(S, y, yr + c).mul(FloatVector.fromArray(S, dy, dyr + c).sub(vd)).div(vdiv).intoArray(dx, dxr + c);
                for (; c < visible; c++) dx[dxr + c] = y[yr + c] * (dy[dyr + c] - d) / divisor;
                java.util.Arrays.fill(dx, dxr + visible, dxr + cols, 0f);
            }
        });
    }

    @Override
    public void logSoftmaxRows(float[] x, int xOff, float[] out, int oOff, int rows, int cols) {
        splitRows(rows, cols, (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int xr = xOff + r * cols, orow = oOff + r * cols;
                float max = rowMax(x, xr, cols);
                float lse = (float) (max + StrictMath.log(sumExp(x, xr, max, null, 0, cols)));
                FloatVector vl = FloatVector.broadcast(S, lse);
                int c = 0, ub = S.loopBound(cols);
                for (; c < ub; c += L) FloatVector.fromArray(S, x, xr + c).sub(vl).intoArray(out, orow + c);
                for (; c < cols; c++) out[orow + c] = x[xr + c] - lse;
            }
        });
    }

    @Override
    public void logSoftmaxBackwardRows(float[] y, int yOff, float[] dy, int dyOff, float[] dx, int dxOff,
                                       int rows, int cols, boolean accumulate) {
        splitRows(rows, cols, (r0, r1) -> {
            float[] ex = new float[Math.min(EXP_CHUNK, cols)];
            for (int r = r0; r < r1; r++) {
                int yr = yOff + r * cols, dyr = dyOff + r * cols, dxr = dxOff + r * cols;
                float sf = (float) sum(dy, dyr, cols);
                FloatVector vs = FloatVector.broadcast(S, sf);
                for (int c0 = 0; c0 < cols; c0 += EXP_CHUNK) {
                    int len = Math.min(EXP_CHUNK, cols - c0);
                    VectorMath.expSum(y, yr + c0, 0f, ex, 0, len);
                    int c = 0, ub = S.loopBound(len);
                    for (; c < ub; c += L) {
                        FloatVector g = FloatVector.fromArray(S, dy, dyr + c0 + c).sub(FloatVector.fromArray(S, ex, c).mul(vs));
                        if (accumulate) g = g.add(FloatVector.fromArray(S, dx, dxr + c0 + c));
                        g.intoArray(dx, dxr + c0 + c);
                    }
                    for (; c < len; c++) {
                        float g = dy[dyr + c0 + c] - ex[c] * sf;
                        dx[dxr + c0 + c] = accumulate ? dx[dxr + c0 + c] + g : g;
                    }
                }
            }
        });
    }

    @Override
    public void layerNormRows(float[] x, int xOff, float[] scale, float[] shift, float eps,
                              float[] out, int oOff, float[] mean, float[] rstd, int rows, int cols) {
        if (inlineRows(rows, cols)) layerNormRange(x, xOff, scale, shift, eps, out, oOff, mean, rstd, 0, rows, cols);
        else splitRows(rows, cols, (r0, r1) -> layerNormRange(x, xOff, scale, shift, eps, out, oOff, mean, rstd, r0, r1, cols));
    }

    private void layerNormRange(float[] x, int xOff, float[] scale, float[] shift, float eps,
                                float[] out, int oOff, float[] mean, float[] rstd, int r0, int r1, int cols) {
        for (int r = r0; r < r1; r++) {
            int xr = xOff + r * cols, orow = oOff + r * cols;
            double mu = sum(x, xr, cols) / cols;
            float m = (float) mu;
            // Σ (x − μ)², float lanes per block, combined in double
            FloatVector vm = FloatVector.broadcast(S, m);
            double ss = 0;
            int c = 0;
            while (c < cols) {
                int e = Math.min(cols, c + DSUM_BLOCK), ub = c + S.loopBound(e - c);
                FloatVector acc = FloatVector.zero(S);
                for (; c < ub; c += L) {
                    FloatVector d = FloatVector.fromArray(S, x, xr + c).sub(vm);
                    acc = d.fma(d, acc);
                }
                double part = VectorMath.sumLanes(acc);
                for (; c < e; c++) {
                    double d = x[xr + c] - mu;
                    part += d * d;
                }
                ss += part;
            }
            float rs = (float) (1.0 / Math.sqrt(ss / cols + eps));
            mean[r] = m;
            rstd[r] = rs;
            FloatVector vr = FloatVector.broadcast(S, rs);
            c = 0;
            int ub = S.loopBound(cols);
            for (; c < ub; c += L) {
                FloatVector v = FloatVector.fromArray(S, x, xr + c).sub(vm).mul(vr);
                if (scale != null) v = v.mul(FloatVector.fromArray(S, scale, c));
                if (shift != null) v = v.add(FloatVector.fromArray(S, shift, c));
                v.intoArray(out, orow + c);
            }
            for (; c < cols; c++) {
                float v = (x[xr + c] - m) * rs;
                if (scale != null) v *= scale[c];
                if (shift != null) v += shift[c];
                out[orow + c] = v;
            }
        }
    }

    @Override
    public void layerNormBackwardRows(float[] x, int xOff, float[] scale, float[] mean, float[] rstd,
                                      float[] dy, int dyOff, float[] dx, int dxOff,
                                      float[] dScale, float[] dShift, int rows, int cols, boolean accumulate) {
        boolean split = (long) rows * cols >= PARALLEL_ELEMS && rows >= 2 && Parallel.numThreads() > 1 && !Parallel.inWorker();
        if (!split) {
            layerNormBackwardRange(x, xOff, scale, mean, rstd, dy, dyOff, dx, dxOff, dScale, dShift, 0, rows, cols, accumulate);
            return;
        }
        // Each chunk accumulates the parameter gradients into its own buffers; they are added in order afterwards.
        int chunks = Math.min(Parallel.numThreads(), rows);
        float[][] dS = new float[chunks][], dB = new float[chunks][];
        Parallel.forRange(chunks, 1, (t0, t1) -> {
            for (int t = t0; t < t1; t++) {
                int r0 = (int) ((long) rows * t / chunks), r1 = (int) ((long) rows * (t + 1) / chunks);
                float[] ls = dScale != null ? new float[cols] : null, lb = dShift != null ? new float[cols] : null;
                layerNormBackwardRange(x, xOff, scale, mean, rstd, dy, dyOff, dx, dxOff, ls, lb, r0, r1, cols, accumulate);
                dS[t] = ls;
                dB[t] = lb;
            }
        });
        for (int t = 0; t < chunks; t++) {
            if (dScale != null) add(dScale, 0, dS[t], 0, dScale, 0, cols);
            if (dShift != null) add(dShift, 0, dB[t], 0, dShift, 0, cols);
        }
    }

    private void layerNormBackwardRange(float[] x, int xOff, float[] scale, float[] mean, float[] rstd,
                                        float[] dy, int dyOff, float[] dx, int dxOff,
                                        float[] dScale, float[] dShift, int r0, int r1, int cols, boolean accumulate) {
        int ub = S.loopBound(cols);
        for (int r = r0; r < r1; r++) {
            int xr = xOff + r * cols, dyr = dyOff + r * cols, dxr = dxOff + r * cols;
            float m = mean[r], rs = rstd[r];
            FloatVector vm = FloatVector.broadcast(S, m), vr = FloatVector.broadcast(S, rs);
            FloatVector accG = FloatVector.zero(S), accGX = FloatVector.zero(S);
            int c = 0;
            for (; c < ub; c += L) {
                FloatVector xhat = FloatVector.fromArray(S, x, xr + c).sub(vm).mul(vr);
                FloatVector g = FloatVector.fromArray(S, dy, dyr + c);
                if (dShift != null) g.add(FloatVector.fromArray(S, dShift, c)).intoArray(dShift, c);
                if (dScale != null) g.fma(xhat, FloatVector.fromArray(S, dScale, c)).intoArray(dScale, c);
                FloatVector gh = scale != null ? g.mul(FloatVector.fromArray(S, scale, c)) : g;
                accG = accG.add(gh);
                accGX = gh.fma(xhat, accGX);
            }
            double sumG = VectorMath.sumLanes(accG), sumGX = VectorMath.sumLanes(accGX);
            for (; c < cols; c++) {
                float xhat = (x[xr + c] - m) * rs;
                float g = dy[dyr + c];
                if (dShift != null) dShift[c] += g;
                if (dScale != null) dScale[c] += g * xhat;
                float gh = scale != null ? g * scale[c] : g;
                sumG += gh;
                sumGX += (double) gh * xhat;
            }
            if (dx == null) continue;
            float meanG = (float) (sumG / cols), meanGX = (float) (sumGX / cols);
            FloatVector vG = FloatVector.broadcast(S, meanG), vGX = FloatVector.broadcast(S, meanGX);
            c = 0;
            for (; c < ub; c += L) {
                FloatVector xhat = FloatVector.fromArray(S, x, xr + c).sub(vm).mul(vr);
                FloatVector gh = FloatVector.fromArray(S, dy, dyr + c);
                if (scale != null) gh = gh.mul(FloatVector.fromArray(S, scale, c));
                FloatVector v = gh.sub(vG).sub(xhat.mul(vGX)).mul(vr);
                if (accumulate) v = v.add(FloatVector.fromArray(S, dx, dxr + c));
                v.intoArray(dx, dxr + c);
            }
            for (; c < cols; c++) {
                float xhat = (x[xr + c] - m) * rs;
                float gh = scale != null ? dy[dyr + c] * scale[c] : dy[dyr + c];
                float v = rs * (gh - meanG - xhat * meanGX);
                dx[dxr + c] = accumulate ? dx[dxr + c] + v : v;
            }
        }
    }

    @Override
    public double crossEntropyRows(float[] logits, int lOff, long[] targets, int tOff, int rows, int cols,
                                   long ignoreIndex, float[] lse) {
        double[] loss = new double[rows];
        splitRows(rows, cols, (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int lr = lOff + r * cols;
                long t = targets[tOff + r];
                float max = rowMax(logits, lr, cols);
                float l = (float) (max + StrictMath.log(sumExp(logits, lr, max, null, 0, cols)));
                lse[r] = l;
                if (t == ignoreIndex) continue;
                if (t < 0 || t >= cols)
                    throw new IllegalArgumentException("cross_entropy: target " + t + " out of range for " + cols + " classes (row " + r + ")");
                loss[r] = l - logits[lr + (int) t];
            }
        });
        double total = 0;
        for (double v : loss) total += v;
        return total;
    }

    @Override
    public void crossEntropyBackwardRows(float[] logits, int lOff, long[] targets, int tOff, float[] lse,
                                         int rows, int cols, long ignoreIndex, float scale,
                                         float[] dlogits, int dOff, boolean accumulate) {
        splitRows(rows, cols, (r0, r1) -> {
            float[] ex = new float[Math.min(EXP_CHUNK, cols)];
            for (int r = r0; r < r1; r++) {
                int lr = lOff + r * cols, dr = dOff + r * cols;
                long t = targets[tOff + r];
                if (t == ignoreIndex) {
                    if (!accumulate) java.util.Arrays.fill(dlogits, dr, dr + cols, 0f);
                    continue;
                }
                FloatVector vs = FloatVector.broadcast(S, scale);
                for (int c0 = 0; c0 < cols; c0 += EXP_CHUNK) {
                    int len = Math.min(EXP_CHUNK, cols - c0), dc = dr + c0;
                    VectorMath.expSum(logits, lr + c0, lse[r], ex, 0, len);
                    int c = 0, ub = S.loopBound(len);
                    for (; c < ub; c += L) {
                        FloatVector g = FloatVector.fromArray(S, ex, c).mul(vs);
                        if (accumulate) g = g.add(FloatVector.fromArray(S, dlogits, dc + c));
                        g.intoArray(dlogits, dc + c);
                    }
                    for (; c < len; c++) {
                        float g = scale * ex[c];
                        dlogits[dc + c] = accumulate ? dlogits[dc + c] + g : g;
                    }
                }
                if (t >= 0 && t < cols) dlogits[dr + (int) t] -= scale;
            }
        });
    }

    // ================================================================== optimizer

    @Override
    public void adamW(float[] p, int pOff, float[] g, int gOff, float[] m, int mOff, float[] v, int vOff, int n,
                      float lr, float beta1, float beta2, float eps, float weightDecay, float bc1, float bc2) {
        float decay = 1f - lr * weightDecay;
        float stepSize = lr / bc1;
        float sqrtBc2 = (float) Math.sqrt(bc2);
        float oneMinusB1 = 1f - beta1, oneMinusB2 = 1f - beta2;
        splitElems(n, (s, e) -> {
            FloatVector vDecay = FloatVector.broadcast(S, decay), vStep = FloatVector.broadcast(S, stepSize);
            FloatVector vB1 = FloatVector.broadcast(S, oneMinusB1), vB2 = FloatVector.broadcast(S, beta2);
            FloatVector vOB2 = FloatVector.broadcast(S, oneMinusB2), vBc2 = FloatVector.broadcast(S, sqrtBc2);
            FloatVector vEps = FloatVector.broadcast(S, eps);
            int i = s, ub = s + S.loopBound(e - s);
            for (; i < ub; i += L) {
                FloatVector gi = FloatVector.fromArray(S, g, gOff + i);
                FloatVector mi0 = FloatVector.fromArray(S, m, mOff + i);
                FloatVector mi = mi0.add(gi.sub(mi0).mul(vB1));
                FloatVector vi = FloatVector.fromArray(S, v, vOff + i).mul(vB2).add(vOB2.mul(gi).mul(gi));
                mi.intoArray(m, mOff + i);
                vi.intoArray(v, vOff + i);
                FloatVector denom = vi.sqrt().div(vBc2).add(vEps);
                FloatVector pi = FloatVector.fromArray(S, p, pOff + i);
                pi.mul(vDecay).sub(vStep.mul(mi).div(denom)).intoArray(p, pOff + i);
            }
            if (i < e) VectorKernels.super.adamW(p, pOff + i, g, gOff + i, m, mOff + i, v, vOff + i, e - i,
                    lr, beta1, beta2, eps, weightDecay, bc1, bc2);
        });
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
        FloatVector acc = acc0.add(acc1);
        float s = VectorMath.sumLanes(acc);
        for (; i < n; i++) s += x[xi + i] * y[yi + i];
        return s;
    }
}
