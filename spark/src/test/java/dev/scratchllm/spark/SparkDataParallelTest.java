package dev.scratchllm.spark;

import dev.scratchllm.data.DataLoader;
import dev.scratchllm.data.Dataset;
import dev.scratchllm.data.DistributedSampler;
import dev.scratchllm.finetune.Classification;
import dev.scratchllm.gpt.GPTConfig;
import dev.scratchllm.gpt.GPTModel;
import dev.scratchllm.llama.Llama3Config;
import dev.scratchllm.llama.Llama3Model;
import dev.scratchllm.qwen.Qwen3Config;
import dev.scratchllm.qwen.Qwen3Model;
import dev.scratchllm.nn.Module;
import dev.scratchllm.optim.AdamW;
import dev.scratchllm.random.Generator;
import dev.scratchllm.tensor.Tensor;
import dev.scratchllm.train.Training;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Data-parallel training on Spark in {@code local[2,2]} (two task threads, a failed task retried
 * once) inside the test JVM: two workers with batch 2 against the library's own appendix D
 * trainer ({@link Training#trainModel}) with batch 4 over the same examples in the same order;
 * an injected task failure; a stopped job resumed from its last checkpoint.
 */
class SparkDataParallelTest {
    static final int VOCAB = 64, CONTEXT = 8, EMB = 16, HEADS = 2, LAYERS = 2;
    static final double LR = 5e-3, WD = 0.1;
    static final SparkDataParallel.Schedule SCHEDULE = new SparkDataParallel.Schedule(1, 1e-4, 1e-4);
    static JavaSparkContext sc;

    /** The task that threw, and how often (the hook runs in this JVM: Spark's local mode). */
    static final AtomicInteger FAILURES = new AtomicInteger();

    @BeforeAll
    static void startSpark() {
        sc = LocalSpark.start("local[2,2]", "SparkDataParallelTest");
    }

    @AfterAll
    static void stopSpark() {
        if (sc != null) sc.stop();
    }

    /** A GPT too small to take time, without dropout (the factory captures only numbers: it is serialized). */
    static ModelFactory factory() {
        return () -> new GPTModel(new GPTConfig(VOCAB, CONTEXT, EMB, HEADS, LAYERS, 0.0, false));
    }

    static GPTModel driverModel(long seed) {
        Generator.defaultGenerator().manualSeed(seed);
        return (GPTModel) factory().create();
    }

    /** {@code n} random windows of token ids and their (random) targets, the same for every call. */
    static Dataset<Tensor[]> data(int n) {
        Generator g = new Generator(2024);
        List<Tensor[]> ex = new ArrayList<>();
        for (int i = 0; i < n; i++) ex.add(new Tensor[] {Tensor.ofLongs(g.randint(VOCAB, CONTEXT), CONTEXT), Tensor.ofLongs(g.randint(VOCAB, CONTEXT), CONTEXT)});
        return new Dataset<>() {
            @Override
            public int size() {
                return ex.size();
            }

            @Override
            public Tensor[] get(int index) {
                return ex.get(index);
            }
        };
    }

    static SparkDataParallel trainer(TaskHook hook) {
        return new SparkDataParallel(sc, factory(), LossFunction.NEXT_TOKEN, BatchCollate.STACK, hook);
    }

    static SparkDataParallel.Config config(int epochs, int checkpointEvery, Path dir, boolean resume, long stopAfter) {
        return new SparkDataParallel.Config(2, 2, epochs, 17, LR, WD, SCHEDULE, checkpointEvery, dir, resume, stopAfter);
    }

    static float[] flat(Module m) {
        List<float[]> parts = new ArrayList<>();
        int n = 0;
        for (Tensor p : m.parameters()) {
            parts.add(p.toFloatArray());
            n += p.numel();
        }
        float[] out = new float[n];
        int o = 0;
        for (float[] a : parts) {
            System.arraycopy(a, 0, out, o, a.length);
            o += a.length;
        }
        return out;
    }

    @Test
    void twoWorkersOfBatchTwoTakeTheStepsOfOneProcessWithBatchFour() throws IOException {
        equivalence("gpt", factory());
    }

    @Test
    void llama3AndQwen3TrainOnSparkAsInOneProcess() throws IOException {
        // tiny models of the two architectures with the test's vocabulary (the factories capture only numbers)
        equivalence("llama3", () -> new Llama3Model(new Llama3Config(VOCAB, CONTEXT, EMB, HEADS, 1, 32, 1, 500_000.0, null)));
        equivalence("qwen3 (tied head)", () -> {
            Qwen3Model m = new Qwen3Model(Qwen3Config.dense(VOCAB, CONTEXT, EMB, HEADS, 1, 32, 0, true, 1, 1_000_000.0));
            m.tieWeights();
            return m;
        });
    }

    static Module seeded(ModelFactory f, long seed) {
        Generator.defaultGenerator().manualSeed(seed);
        return f.create();
    }

    /** 2 workers x batch 2 on Spark against the library's trainer with batch 4 in the same order: 3 steps. */
    static void equivalence(String name, ModelFactory f) throws IOException {
        Dataset<Tensor[]> data = data(12); // 12 examples: 2 workers x 6, 3 steps of 2 per worker
        Module spark = seeded(f, 123);
        SparkDataParallel.Result r = new SparkDataParallel(sc, f, LossFunction.NEXT_TOKEN, BatchCollate.STACK, TaskHook.NONE)
                .train(spark, data, config(1, 0, null, false, Long.MAX_VALUE), null);
        assertThat(r.losses()).hasSize(3);

        // the reference: the library's appendix D trainer, one process, batch 4 = worker 0's 2 then worker 1's 2
        long[] s0 = new DistributedSampler(12, 2, 0, true, 17, false).indices(0);
        long[] s1 = new DistributedSampler(12, 2, 1, true, 17, false).indices(0);
        List<Integer> order = new ArrayList<>();
        for (int k = 0; k < 3; k++)
            for (long[] s : new long[][] {s0, s1}) for (int j = 0; j < 2; j++) order.add((int) s[2 * k + j]);
        Dataset<Tensor[]> ordered = new Dataset<>() {
            @Override
            public int size() {
                return order.size();
            }

            @Override
            public Tensor[] get(int index) {
                return data.get(order.get(index));
            }
        };
        Module single = seeded(f, 123);
        assertThat(flat(single)).containsExactly(flat(seeded(f, 123)));
        List<Double> singleLosses = new ArrayList<>();
        Training.trainModel(single, DataLoader.of(ordered, 4, false, true), DataLoader.of(ordered, 4, false, true),
                new AdamW(single.parameters(), LR, WD), new Training.Options(1, 1000, 1, new Training.Listener() {
                    @Override
                    public void onBatch(int epoch, long step, double loss, long tokensSeen) {
                        singleLosses.add(loss);
                    }
                }), SCHEDULE.warmupSteps(), SCHEDULE.initialLr(), SCHEDULE.minLr());

        List<String> sparkTable = new ArrayList<>(), singleTable = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            sparkTable.add(String.format(Locale.ROOT, "%.3f", r.losses().get(i)));
            singleTable.add(String.format(Locale.ROOT, "%.3f", singleLosses.get(i)));
        }
        assertThat(sparkTable).as(name + " loss table").isEqualTo(singleTable);
        float[] a = flat(spark), b = flat(single), init = flat(seeded(f, 123));
        double maxDiff = 0, maxMove = 0;
        for (int i = 0; i < a.length; i++) {
            maxDiff = Math.max(maxDiff, Math.abs(a[i] - b[i]));
            maxMove = Math.max(maxMove, Math.abs(b[i] - init[i]));
        }
        System.out.printf(Locale.ROOT, "equivalence (%s): losses spark %s single %s; max |w_spark - w_single| %.3g, max |w - w0| %.3g%n",
                name, r.losses(), singleLosses, maxDiff, maxMove);
        assertThat(maxMove).as(name + ": the weights moved").isGreaterThan(1e-3);
        assertThat(maxDiff).as(name + ": Spark's weights against one process's").isLessThan(1e-6);
    }

    @Test
    void aTaskThatFailsOnceIsRetriedAndChangesNothing() throws IOException {
        Dataset<Tensor[]> data = data(12);
        GPTModel clean = driverModel(7);
        SparkDataParallel.Result ok = trainer(TaskHook.NONE).train(clean, data, config(1, 0, null, false, Long.MAX_VALUE), null);
        FAILURES.set(0);
        GPTModel faulty = driverModel(7);
        TaskHook failOnce = (step, rank, attempt) -> {
            if (step == 1 && rank == 1 && attempt == 0) {
                FAILURES.incrementAndGet();
                throw new IllegalStateException("injected failure: step 1, worker 1, first attempt");
            }
        };
        SparkDataParallel.Result retried = trainer(failOnce).train(faulty, data, config(1, 0, null, false, Long.MAX_VALUE), null);
        assertThat(FAILURES.get()).isEqualTo(1);
        assertThat(retried.losses()).containsExactlyElementsOf(ok.losses());
        assertThat(flat(faulty)).containsExactly(flat(clean));
    }

    @Test
    void aStoppedJobResumesFromItsLastCheckpointBitIdentically(@TempDir Path tmp) throws IOException {
        Dataset<Tensor[]> data = data(10); // 2 workers x 5 (no padding), 2 steps per epoch; 3 epochs = 6 steps
        GPTModel whole = driverModel(99);
        SparkDataParallel.Result all = trainer(TaskHook.NONE).train(whole, data, config(3, 0, null, false, Long.MAX_VALUE), null);
        assertThat(all.losses()).hasSize(6);

        Path ckpt = tmp.resolve("ckpt");
        GPTModel first = driverModel(99);
        SparkDataParallel.Result before = trainer(TaskHook.NONE).train(first, data, config(3, 2, ckpt, true, 5), null);
        assertThat(before.losses()).hasSize(5); // "killed" during step 5: the last checkpoint is after step 4

        GPTModel resumed = driverModel(1); // other initial weights: everything must come from the checkpoint
        SparkDataParallel.Result after = trainer(TaskHook.NONE).train(resumed, data, config(3, 2, ckpt, true, Long.MAX_VALUE), null);
        assertThat(after.firstStep()).isEqualTo(4);
        assertThat(after.losses()).containsExactlyElementsOf(all.losses().subList(4, 6));
        assertThat(before.losses()).containsExactlyElementsOf(all.losses().subList(0, 5));
        assertThat(flat(resumed)).containsExactly(flat(whole));
    }

    /** Chapter 6's classifier: the GPT with a 2-class head, only the last block, final norm and head trainable. */
    static ModelFactory classifierFactory() {
        return () -> {
            GPTModel m = new GPTModel(new GPTConfig(VOCAB, CONTEXT, EMB, HEADS, LAYERS, 0.0, false));
            Classification.prepareForClassification(m, 2, 5, false);
            return m;
        };
    }

    @Test
    void theClassifierOfChapterSixTrainsItsTrainableLayersOnlyAsOneProcessDoes() throws IOException {
        Generator g = new Generator(31);
        List<Tensor[]> ex = new ArrayList<>();
        for (int i = 0; i < 8; i++) ex.add(new Tensor[] {Tensor.ofLongs(g.randint(VOCAB, CONTEXT), CONTEXT), Tensor.ofLongs(new long[] {i % 2})});
        Dataset<Tensor[]> data = new Dataset<>() {
            @Override
            public int size() {
                return ex.size();
            }

            @Override
            public Tensor[] get(int index) {
                return ex.get(index);
            }
        };
        Generator.defaultGenerator().manualSeed(11);
        GPTModel spark = (GPTModel) classifierFactory().create();
        float[] init = flat(spark);
        SparkDataParallel.Result r = new SparkDataParallel(sc, classifierFactory(), LossFunction.LAST_TOKEN_CLASS, BatchCollate.STACK, TaskHook.NONE)
                .train(spark, data, new SparkDataParallel.Config(2, 2, 1, 3, 1e-2, 0.1, null, 0, null, false, Long.MAX_VALUE), null);
        assertThat(r.losses()).hasSize(2);

        // chapter 6's step in one process: batch 4 = worker 0's 2 then worker 1's 2; AdamW over all parameters, frozen ones without a gradient
        Generator.defaultGenerator().manualSeed(11);
        GPTModel single = (GPTModel) classifierFactory().create();
        AdamW adam = new AdamW(single.parameters(), 1e-2, 0.1);
        long[] s0 = new DistributedSampler(8, 2, 0, true, 3, false).indices(0), s1 = new DistributedSampler(8, 2, 1, true, 3, false).indices(0);
        List<Double> losses = new ArrayList<>();
        for (int k = 0; k < 2; k++) {
            List<Tensor[]> batch = List.of(ex.get((int) s0[2 * k]), ex.get((int) s0[2 * k + 1]), ex.get((int) s1[2 * k]), ex.get((int) s1[2 * k + 1]));
            Tensor[] b = DataLoader.stack(batch);
            adam.zeroGrad();
            Tensor loss = Classification.calcLossBatch(b[0], b[1], single);
            loss.backward();
            adam.step();
            losses.add((double) loss.item());
        }
        for (int i = 0; i < 2; i++) assertThat(r.losses().get(i)).isCloseTo(losses.get(i), org.assertj.core.data.Offset.offset(5e-7));
        float[] a = flat(spark), b = flat(single);
        int moved = 0, frozenMoved = 0, loose = 0;
        float maxDiff = 0;
        List<Tensor> ps = spark.parameters();
        int o = 0;
        for (Tensor p : ps) {
            for (int j = 0; j < p.numel(); j++, o++) {
                float d = Math.abs(a[o] - b[o]);
                maxDiff = Math.max(maxDiff, d);
                if (d > 1e-6f) loose++;
                if (a[o] != init[o]) {
                    if (p.requiresGrad()) moved++;
                    else frozenMoved++;
                }
            }
        }
        System.out.printf(Locale.ROOT, "classifier: losses spark %s single %s; %d of %d trainable elements moved, %d differ by more than 1e-6, max %.3g%n",
                r.losses(), losses, moved, a.length, loose, maxDiff);
        assertThat(frozenMoved).isZero();
        assertThat(moved).isGreaterThan(100);
        // AdamW divides by sqrt(v) + eps: where a gradient is a cancellation of tiny terms (~1e-9), its last-bit
        // differences (two means of 2 against one mean of 4) become visible fractions of lr; elsewhere the weights agree to 1e-6
        assertThat(loose).isLessThan(moved / 100);
        assertThat(maxDiff).isLessThan(0.05f * 1e-2f * 2);
    }
}
