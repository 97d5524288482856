package dev.scratchllm.random;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Behaviour of {@link Generator} beyond the PyTorch vectors: state, bookkeeping, errors, threads. */
class GeneratorTest {

    @Nested
    @DisplayName("seeding")
    class Seeding {
        @Test
        void freshGeneratorHasPyTorchsDefaultSeed() {
            assertThat(new Generator().initialSeed()).isEqualTo(67280421310721L).isEqualTo(Generator.DEFAULT_SEED);
        }

        @Test
        void manualSeedKeeps64BitsButUsesTheLow32() {
            Generator a = new Generator(123);
            Generator b = new Generator((1L << 32) + 123);
            assertThat(b.initialSeed()).isEqualTo((1L << 32) + 123);
            assertThat(a.rand(50)).containsExactly(b.rand(50));
            assertThat(Long.toUnsignedString(new Generator(-1).initialSeed())).isEqualTo("18446744073709551615");
        }

        @Test
        void manualSeedRestartsTheStreamAndForgetsTheSpare() {
            Generator g = new Generator(123);
            float[] first = g.randn(3); // leaves a spare
            g.manualSeed(123);
            assertThat(g.randn(3)).containsExactly(first);
            assertThat(g.manualSeed(5)).isSameAs(g);
        }

        @Test
        void defaultGeneratorIsOneInstanceAndReseedable() {
            Generator d = Generator.defaultGenerator();
            assertThat(Generator.defaultGenerator()).isSameAs(d);
            d.manualSeed(123);
            assertThat(d.rand(5)).containsExactly(new Generator(123).rand(5));
        }

        @Test
        void seedPicksANewRandomSeed() {
            Generator g = new Generator(1);
            long s = g.seed();
            assertThat(g.initialSeed()).isEqualTo(s);
            assertThat(g.rand(4)).containsExactly(new Generator(s).rand(4));
        }
    }

    @Nested
    @DisplayName("engine bookkeeping")
    class Engine {
        @Test
        void bulkWordsEqualSingleWordsAcrossBlockBoundaries() {
            for (int start : new int[] {0, 1, 623, 624, 625, 1000}) {
                Mt19937 a = new Mt19937(77);
                Mt19937 b = new Mt19937(77);
                a.skip(start);
                for (int i = 0; i < start; i++) {
                    b.nextInt();
                }
                assertThat(a.left).isEqualTo(b.left);
                assertThat(a.next).isEqualTo(b.next);
                int[] bulk = new int[1500];
                a.nextInts(bulk, 0, 700);
                a.nextInts(bulk, 700, 800);
                for (int i = 0; i < bulk.length; i++) {
                    assertThat(bulk[i]).as("word " + (start + i)).isEqualTo(b.nextInt());
                }
                assertThat(a.left).isEqualTo(b.left);
                assertThat(a.next).isEqualTo(b.next);
                assertThat(a.state).isEqualTo(b.state);
            }
        }

        @Test
        void leftAndNextFollowPyTorch() {
            Mt19937 mt = new Mt19937(5);
            assertThat(mt.left).isEqualTo(1);
            assertThat(mt.next).isEqualTo(0);
            mt.nextInt();
            assertThat(mt.left).isEqualTo(624);
            assertThat(mt.next).isEqualTo(1);
            mt.skip(623);
            assertThat(mt.left).isEqualTo(1);
            assertThat(mt.next).isEqualTo(624);
            mt.nextInt();
            assertThat(mt.left).isEqualTo(624);
            assertThat(mt.next).isEqualTo(1);
        }

        @Test
        void random64PutsTheFirstWordHigh() {
            Generator a = new Generator(9);
            Generator b = new Generator(9);
            long hi = Integer.toUnsignedLong(b.nextInt());
            long lo = Integer.toUnsignedLong(b.nextInt());
            assertThat(a.nextLong()).isEqualTo((hi << 32) | lo);
        }
    }

    @Nested
    @DisplayName("state save and restore")
    class State {
        @Test
        void roundTripsAtEveryKindOfPosition() {
            Generator g = new Generator(123);
            List<byte[]> states = new ArrayList<>();
            List<float[]> next = new ArrayList<>();
            for (int step = 0; step < 6; step++) {
                states.add(g.getState());
                next.add(concat(g.randn(3), g.rand(700), g.randn(20)));
            }
            for (int i = 0; i < states.size(); i++) {
                Generator h = new Generator(999);
                h.randn(1);
                h.setState(states.get(i));
                assertThat(h.getState()).isEqualTo(states.get(i));
                assertThat(concat(h.randn(3), h.rand(700), h.randn(20))).containsExactly(next.get(i));
            }
        }

        @Test
        void layoutIsPyTorchs() {
            Generator g = new Generator(0x1_0000_0007L);
            g.randn(1); // a new pair: 4 words, spare cached
            ByteBuffer b = ByteBuffer.wrap(g.getState()).order(ByteOrder.LITTLE_ENDIAN);
            assertThat(b.capacity()).isEqualTo(5056);
            assertThat(b.getLong(0)).isEqualTo(0x1_0000_0007L);
            assertThat(b.getInt(8)).isEqualTo(621); // left
            assertThat(b.getInt(12)).isEqualTo(1); // seeded
            assertThat(b.getLong(16)).isEqualTo(4); // next
            assertThat(b.getDouble(5016)).isZero();
            assertThat(b.getDouble(5024)).isNotZero(); // the spare
            assertThat(b.getDouble(5032)).isZero();
            assertThat(b.getInt(5040)).isEqualTo(1);
            assertThat(b.get(5052)).isZero();
        }

        @Test
        void readsTheLegacyLayout() {
            Generator g = new Generator(123);
            g.rand(10);
            byte[] current = g.getState();
            ByteBuffer legacy = ByteBuffer.allocate(Generator.LEGACY_STATE_BYTES).order(ByteOrder.LITTLE_ENDIAN);
            legacy.put(0, current, 0, 5016);
            // spare = rho * sin(2 pi x)
            legacy.putDouble(5016, 0.125);
            legacy.putDouble(5032, 2.0);
            legacy.putInt(5040, 1);
            Generator h = new Generator();
            h.setState(legacy.array());
            float[] got = h.randn(2);
            assertThat(got[0]).isEqualTo((float) (2.0 * StrictMath.sin(2 * Math.PI * 0.125)));
            Generator r = new Generator(123);
            r.rand(10);
            assertThat(got[1]).isEqualTo(r.randn(1)[0]); // then a fresh pair from word 10 on
        }

        @Test
        void rejectsMalformedStatesAndStaysUnchanged() {
            Generator g = new Generator(5);
            byte[] before = g.getState();
            assertThatThrownBy(() -> g.setState(new byte[100])).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("setState").hasMessageContaining("5056").hasMessageContaining("100");
            assertThatThrownBy(() -> g.setState(null)).hasMessageContaining("setState");
            assertThatThrownBy(() -> g.setState(patchInt(before, 8, 0))).hasMessageContaining("left = 0");
            assertThatThrownBy(() -> g.setState(patchInt(before, 8, 625))).hasMessageContaining("left = 625");
            assertThatThrownBy(() -> g.setState(patchInt(before, 12, 0))).hasMessageContaining("seeded");
            assertThatThrownBy(() -> g.setState(patchInt(patchInt(before, 8, 600), 16, 100)))
                    .hasMessageContaining("next = 100");
            byte[] wide = before.clone();
            wide[24 + 8 * 3 + 4] = 1;
            assertThatThrownBy(() -> g.setState(wide)).hasMessageContaining("word 3");
            assertThat(g.getState()).isEqualTo(before);
        }

        private byte[] patchInt(byte[] s, int at, int v) {
            byte[] c = s.clone();
            ByteBuffer.wrap(c).order(ByteOrder.LITTLE_ENDIAN).putInt(at, v);
            return c;
        }
    }

    @Nested
    @DisplayName("normal_ paths")
    class Normal {
        /** The block path exactly as torch-rng.md 5.1 writes it: all uniforms first, then blocks, then the tail. */
        private float[] literalBlockPath(long seed, int n, float mean, float std) {
            Generator g = new Generator(seed);
            float[] d = new float[n];
            for (int i = 0; i < n; i++) {
                d[i] = (g.nextInt() & 0xFFFFFF) * 0x1p-24f;
            }
            for (int i = 0; i + 16 <= n; i += 16) {
                BoxMuller.block16Float(d, i, mean, std);
            }
            if (n % 16 != 0) {
                for (int k = 0; k < 16; k++) {
                    d[n - 16 + k] = (g.nextInt() & 0xFFFFFF) * 0x1p-24f;
                }
                BoxMuller.block16Float(d, n - 16, mean, std);
            }
            return d;
        }

        @ParameterizedTest
        @ValueSource(ints = {16, 17, 31, 32, 1023, 1024, 1025, 1040, 2047, 3000, 5003})
        void chunkedBlockPathEqualsTheLiteralAlgorithm(int n) {
            Generator g = new Generator(31);
            float[] out = new float[n + 7];
            g.normal_(out, 5, n, 0.25, 3.0);
            assertThat(Arrays.copyOfRange(out, 5, 5 + n)).containsExactly(literalBlockPath(31, n, 0.25f, 3.0f));
            assertThat(out[0]).isZero();
            assertThat(out[n + 5]).isZero();
            // words used: n, plus 16 for a tail
            Generator w = new Generator(31);
            w.skipWords(n + (n % 16 == 0 ? 0 : 16));
            assertThat(g.getState()).isEqualTo(w.getState());
        }

        @Test
        void blockPathNeitherReadsNorWritesTheSpare() {
            Generator g = new Generator(8);
            float[] a = g.randn(1); // cos half; spare = sin half
            g.randn(40);
            float[] b = g.randn(1); // the spare from before
            Generator h = new Generator(8);
            float[] pair = h.randn(2);
            assertThat(a[0]).isEqualTo(pair[0]);
            assertThat(b[0]).isEqualTo(pair[1]);
        }

        @Test
        void scalarPathWhateverTheSize() {
            Generator g = new Generator(3);
            float[] x = new float[40];
            g.normalScalar_(x, 0, 40, 0, 1);
            Generator h = new Generator(3);
            float[] y = new float[40];
            for (int i = 0; i < 40; i += 10) {
                h.normal_(y, i, 10, 0, 1); // below 16: scalar path, spare carried between calls
            }
            assertThat(x).containsExactly(y);
            Generator w = new Generator(3);
            w.skipWords(80);
            assertThat(Arrays.copyOf(g.getState(), 5016)).isEqualTo(Arrays.copyOf(w.getState(), 5016));
        }

        @Test
        void doubleScalarPathSharesTheSpareWithFloat() {
            Generator g = new Generator(4);
            float[] f = g.randn(1);
            double[] d = g.randnDouble(1);
            double[] both = new Generator(4).randnDouble(2);
            assertThat(f[0]).isEqualTo((float) both[0]);
            assertThat(d[0]).isEqualTo(both[1]);
        }

        @Test
        void cephesMathIsCloseToTheTrueFunctions() {
            double worstLog = 0;
            for (int i = 0; i < (1 << 24); i += 7) {
                float u = 1f - i * 0x1p-24f;
                double exact = StrictMath.log(u);
                worstLog = Math.max(worstLog, Math.abs(BoxMuller.logf(u) - exact) / Math.max(1, Math.abs(exact)));
            }
            assertThat(worstLog).isLessThan(3e-7);
            double worstTrig = 0;
            float[] d = new float[16];
            for (int i = 0; i < (1 << 24); i += 7) {
                float th = BoxMuller.TWO_PI_F * (i * 0x1p-24f);
                BoxMuller.sincosStore(d, 0, 1f, th, 0f, 1f);
                worstTrig = Math.max(worstTrig, Math.max(Math.abs(d[0] - StrictMath.cos(th)),
                        Math.abs(d[8] - StrictMath.sin(th))));
            }
            assertThat(worstTrig).isLessThan(2e-7);
        }

        @Test
        void statisticsLookNormal() {
            float[] x = new Generator(11).randn(200_000);
            double sum = 0;
            double sq = 0;
            for (float v : x) {
                sum += v;
                sq += v * v;
            }
            double mean = sum / x.length;
            assertThat(mean).isCloseTo(0, within(0.01));
            assertThat(sq / x.length - mean * mean).isCloseTo(1, within(0.02));
        }
    }

    @Nested
    @DisplayName("the other draws")
    class Draws {
        @Test
        void uniformWordsAndRange() {
            Generator g = new Generator(2);
            float[] x = new float[5000];
            g.uniform_(x, 0, x.length, -0.25, 0.75);
            for (float v : x) {
                assertThat(v).isBetween(-0.25f, 0.75f);
            }
            Generator w = new Generator(2);
            w.skipWords(5000);
            assertThat(g.getState()).isEqualTo(w.getState());
            double[] d = new Generator(2).randDouble(10);
            for (double v : d) {
                assertThat(v).isGreaterThanOrEqualTo(0).isLessThan(1);
            }
        }

        @Test
        void randpermIsAPermutation() {
            long[] p = new Generator(1).randperm(1000);
            long[] sorted = p.clone();
            Arrays.sort(sorted);
            for (int i = 0; i < sorted.length; i++) {
                assertThat(sorted[i]).isEqualTo(i);
            }
            assertThat(new Generator(1).randperm(0)).isEmpty();
        }

        @Test
        void randintCoversTheFullLongRange() {
            long[] r = new Generator(3).randint(Long.MIN_VALUE, Long.MAX_VALUE, 1000);
            boolean negative = false;
            boolean positive = false;
            for (long v : r) {
                assertThat(v).isLessThan(Long.MAX_VALUE);
                negative |= v < 0;
                positive |= v > 0;
            }
            assertThat(negative && positive).isTrue();
        }

        @Test
        void dropoutMaskScalesKeptEntries() {
            float[] m = new Generator(123).dropoutMask(16, 0.1);
            for (float v : m) {
                assertThat(v == 0f || v == 1f / 0.9f).isTrue();
            }
            assertThat(1f / (float) (1.0 - 0.1)).isEqualTo(1.1111112f);
        }

        @Test
        void largeDropoutMaskTemperedOnThreadsEqualsTheSequentialDraws() {
            // Above PARALLEL_MASK the words are tempered on the kernel threads; bernoulli_(p) draws the
            // same U53 values one after the other. Odd sizes leave a ragged last chunk and a partial twist.
            // p = 0.5 makes the integer threshold of the comparison exact (2^52), 0.1 and 0.37 do not
            for (double p : new double[] {0.1, 0.5, 0.37})
                for (int n : new int[] {Generator.PARALLEL_MASK, 3 * Generator.PARALLEL_MASK + 625}) {
                    Generator a = new Generator(123), b = new Generator(123);
                    a.nextInt(); // start mid-block
                    b.nextInt();
                    float[] mask = a.dropoutMask(n, p);
                    float[] keep = new float[n];
                    b.bernoulli_(keep, 0, n, 1 - p);
                    int kept = 0;
                    for (int i = 0; i < n; i++) {
                        assertThat(mask[i]).as("element %d of %d, p %s", i, n, p).isEqualTo(keep[i] == 1f ? 1f / (float) (1 - p) : 0f);
                        if (keep[i] == 1f) kept++;
                    }
                    assertThat(kept).isBetween((int) ((0.98 - p) * n), (int) ((1.02 - p) * n));
                    assertThat(a.nextLong()).isEqualTo(b.nextLong()); // both generators end in the same state
                }
        }

        @Test
        void multinomialNeverPicksZeroProbabilities() {
            Generator g = new Generator(6);
            float[] p = {0, 0.5f, 0, 0.25f, 0};
            for (int i = 0; i < 500; i++) {
                long k = g.multinomial(p);
                assertThat(k == 1 || k == 3).isTrue();
            }
            long[] both = g.multinomial(p, 2);
            assertThat(both).containsExactlyInAnyOrder(1, 3);
            for (long k : g.multinomial(p, 100, true)) {
                assertThat(k == 1 || k == 3).isTrue();
            }
        }

        @Test
        void linearBoundsFollowPyTorchsFormula() {
            assertThat(Generator.kaimingUniformBound(768)).isEqualTo(Math.sqrt(3.0) * (Math.sqrt(2.0 / (1 + 5.000000000000001)) / Math.sqrt(768)));
            assertThat(Generator.linearBiasBound(768)).isEqualTo(1 / Math.sqrt(768));
            assertThat(Generator.linearBiasBound(0)).isZero();
        }

        @Test
        void dataLoaderEpochDrawsFourWords() {
            Generator g = new Generator(123);
            g.dataLoaderBaseSeed();
            g.randomSamplerPermutation(10);
            Generator w = new Generator(123);
            w.skipWords(4);
            assertThat(g.getState()).isEqualTo(w.getState());
        }
    }

    @Nested
    @DisplayName("argument errors name the operation and the value")
    class Errors {
        private final Generator g = new Generator(1);

        @Test
        void counts() {
            assertThatThrownBy(() -> g.rand(-1)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("rand").hasMessageContaining("-1");
            assertThatThrownBy(() -> g.randn(-2)).hasMessageContaining("randn").hasMessageContaining("-2");
            assertThatThrownBy(() -> g.randperm(-3)).hasMessageContaining("randperm").hasMessageContaining("-3");
            assertThatThrownBy(() -> g.randint(0, 5, -4)).hasMessageContaining("randint").hasMessageContaining("-4");
            assertThatThrownBy(() -> g.dropoutMask(-5, 0.5)).hasMessageContaining("dropoutMask");
        }

        @Test
        void ranges() {
            assertThatThrownBy(() -> g.uniform_(new float[4], 2, 3, 0, 1)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("uniform_").hasMessageContaining("length 4");
            assertThatThrownBy(() -> g.normal_(new float[4], -1, 2, 0, 1)).hasMessageContaining("normal_");
            assertThatThrownBy(() -> g.normal_((float[]) null, 0, 0, 0, 1)).hasMessageContaining("null");
            assertThatThrownBy(() -> g.bernoulli_(new float[2], 0, 3, 0.5)).hasMessageContaining("bernoulli_");
            assertThatThrownBy(() -> g.exponential_(new double[2], 1, 2, 1)).hasMessageContaining("exponential_");
        }

        @Test
        void distributionParameters() {
            assertThatThrownBy(() -> g.uniform_(new float[1], 0, 1, 1, 0)).hasMessageContaining("uniform_")
                    .hasMessageContaining("from=1.0 > to=0.0");
            assertThatThrownBy(() -> g.uniform_(new float[1], 0, 1, 0, 1e39)).hasMessageContaining("to=1.0E39");
            assertThatThrownBy(() -> g.uniform_(new float[1], 0, 1, Double.NaN, 1)).hasMessageContaining("from=NaN");
            assertThatThrownBy(() -> g.normal_(new float[1], 0, 1, 0, -1)).hasMessageContaining("normal_")
                    .hasMessageContaining("std=-1.0");
            assertThatThrownBy(() -> g.exponential_(new float[1], 0, 1, -1)).hasMessageContaining("lambda=-1.0");
            assertThatThrownBy(() -> g.bernoulli_(new float[1], 0, 1, 1.5)).hasMessageContaining("p=1.5");
            assertThatThrownBy(() -> g.bernoulli(new float[] {0.5f, -0.1f})).hasMessageContaining("p[1]=-0.1");
            assertThatThrownBy(() -> g.dropoutMask(3, 1.5)).hasMessageContaining("1.5");
            assertThatThrownBy(() -> g.dropout(new float[1], -0.5, true)).hasMessageContaining("-0.5");
            assertThatThrownBy(() -> g.randint(5, 5, 1)).hasMessageContaining("randint")
                    .hasMessageContaining("low=5 >= high=5");
        }

        @Test
        void multinomial() {
            assertThatThrownBy(() -> g.multinomial(new float[] {0, 0})).hasMessageContaining("multinomial")
                    .hasMessageContaining("sum of probabilities");
            assertThatThrownBy(() -> g.multinomial(new float[] {1, 2}, 3)).hasMessageContaining("numSamples=3");
            assertThatThrownBy(() -> g.multinomial(new float[] {1, 2}, 0)).hasMessageContaining("numSamples <= 0");
            assertThatThrownBy(() -> g.multinomial(new float[] {1, Float.NaN})).hasMessageContaining("probs[1]=NaN");
            assertThatThrownBy(() -> g.multinomial(new float[] {1, -1})).hasMessageContaining("probs[1]=-1.0");
            assertThatThrownBy(() -> g.multinomial(new float[] {1, Float.POSITIVE_INFINITY}))
                    .hasMessageContaining("Infinity");
            assertThatThrownBy(() -> g.multinomial(new float[6], 2, 4, 1, false)).hasMessageContaining("[2, 4]");
            assertThatThrownBy(() -> g.multinomial(new float[0])).hasMessageContaining("multinomial");
        }

        @Test
        void linearInit() {
            assertThatThrownBy(() -> g.initLinear_(new float[7], null, 3)).hasMessageContaining("initLinear_")
                    .hasMessageContaining("7");
            assertThatThrownBy(() -> g.initLinear_(new float[6], new float[3], 3)).hasMessageContaining("bias of length 3");
            assertThatThrownBy(() -> Generator.kaimingUniformBound(0)).hasMessageContaining("fan_in");
        }

        @Test
        void errorsDrawNothing() {
            Generator a = new Generator(50);
            byte[] before = a.getState();
            assertThatThrownBy(() -> a.multinomial(new float[] {1, -1}));
            assertThatThrownBy(() -> a.normal_(new float[20], 0, 20, 0, -1));
            assertThatThrownBy(() -> a.bernoulli(new float[] {0.5f, 2f}));
            assertThat(a.getState()).isEqualTo(before);
        }
    }

    @Test
    @DisplayName("concurrent callers never share a word")
    void threadSafety() throws InterruptedException {
        Generator g = new Generator(42);
        int threads = 4;
        int calls = 200;
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> ts = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread th = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                for (int i = 0; i < calls; i++) {
                    g.rand(37);
                    g.randn(20);
                    g.dropoutMask(5, 0.5);
                }
            });
            th.start();
            ts.add(th);
        }
        go.countDown();
        for (Thread th : ts) {
            th.join();
        }
        Generator w = new Generator(42);
        w.skipWords((long) threads * calls * (37 + 20 + 16 + 10));
        assertThat(g.getState()).isEqualTo(w.getState());
    }

    static float[] concat(float[]... parts) {
        return TorchVectorsTest.concat(parts);
    }
}
