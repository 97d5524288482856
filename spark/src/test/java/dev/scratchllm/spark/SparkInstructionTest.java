package dev.scratchllm.spark;

import dev.scratchllm.data.DataLoader;
import dev.scratchllm.data.Dataset;
import dev.scratchllm.data.DistributedSampler;
import dev.scratchllm.finetune.Collate;
import dev.scratchllm.gpt.GPTConfig;
import dev.scratchllm.gpt.GPTModel;
import dev.scratchllm.nn.Module;
import dev.scratchllm.optim.AdamW;
import dev.scratchllm.random.Generator;
import dev.scratchllm.tensor.Tensor;
import dev.scratchllm.train.Training;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Chapter 7's instruction fine-tuning on Spark in {@code local[2]}: examples of different lengths,
 * padded per worker batch on the executors with {@code custom_collate_fn}'s rules, and the loss
 * that ignores the {@code -100} targets weighted by its count of targets, against the library's
 * chapter 7 loop in one process ({@link Training#trainModelSimple} over a {@link DataLoader} with
 * {@link Collate#customCollateFn}) with batch 4 in the same order.
 */
class SparkInstructionTest {
    static final int VOCAB = 50257, CONTEXT = 16, EMB = 16, HEADS = 2, LAYERS = 1, ALLOWED = 10;
    // 10x the book's chapter 7 rate (5e-5), so that 3 steps move the weights well past the tolerance; at 5e-3, AdamW's
    // m / sqrt(v) turns last-bit gradient differences of a few output-head elements (9 of 804,112) into 2e-6
    static final double LR = 5e-4, WD = 0.1;
    static JavaSparkContext sc;

    @BeforeAll
    static void startSpark() {
        sc = LocalSpark.start("local[2]", "SparkInstructionTest");
    }

    @AfterAll
    static void stopSpark() {
        if (sc != null) sc.stop();
    }

    /** GPT-2's vocabulary (the pad id 50256 is an input), otherwise tiny; no dropout; only numbers captured. */
    static ModelFactory factory() {
        return () -> new GPTModel(new GPTConfig(VOCAB, CONTEXT, EMB, HEADS, LAYERS, 0.0, false));
    }

    static Module seeded(long seed) {
        Generator.defaultGenerator().manualSeed(seed);
        return factory().create();
    }

    /** 12 token-id lists of 2 to 13 tokens (some longer than the allowed 10), the same for every call. */
    static List<int[]> instructions() {
        Generator g = new Generator(77);
        List<int[]> out = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            int len = 2 + (int) g.randint(12, 1)[0];
            int[] ids = new int[len];
            long[] r = g.randint(1000, len);
            for (int j = 0; j < len; j++) ids[j] = (int) r[j];
            out.add(ids);
        }
        return out;
    }

    static <T> Dataset<T> listData(List<T> items) {
        return new Dataset<>() {
            @Override
            public int size() {
                return items.size();
            }

            @Override
            public T get(int index) {
                return items.get(index);
            }
        };
    }

    @Test
    void theExecutorsCollateTheBooksExampleBatch() {
        // section 7.3's example batch and the inputs and targets the book prints for it
        Tensor[] b = BatchCollate.instruction(null).collate(List.of(
                BatchCollate.tokenIds(listData(List.of(new int[] {0, 1, 2, 3, 4}))).get(0),
                BatchCollate.tokenIds(listData(List.of(new int[] {5, 6}))).get(0),
                BatchCollate.tokenIds(listData(List.of(new int[] {7, 8, 9}))).get(0)));
        assertThat(b[0].shape()).containsExactly(3, 5);
        assertThat(b[0].toLongArray()).containsExactly(0, 1, 2, 3, 4, 5, 6, 50256, 50256, 50256, 7, 8, 9, 50256, 50256);
        assertThat(b[1].toLongArray()).containsExactly(1, 2, 3, 4, 50256, 6, 50256, -100, -100, -100, 8, 9, 50256, -100, -100);
        assertThat(LossFunction.INSTRUCTION.weight(b)).isEqualTo(5 + 2 + 3); // the targets that are not -100, row by row
    }

    /** Spark's run: 2 workers x batch 2, 3 steps, constant learning rate (chapter 7's loop has no schedule). */
    static SparkDataParallel.Result spark(Module model, LossFunction loss) throws IOException {
        Dataset<Tensor[]> data = BatchCollate.tokenIds(listData(instructions()));
        return new SparkDataParallel(sc, factory(), loss, BatchCollate.instruction(ALLOWED), TaskHook.NONE)
                .train(model, data, new SparkDataParallel.Config(2, 2, 1, 5, LR, WD, null, 0, null, false, Long.MAX_VALUE), null);
    }

    @Test
    void twoWorkersOfBatchTwoTakeTheStepsOfTheBooksLoopWithBatchFour() throws IOException {
        Module onSpark = seeded(123);
        SparkDataParallel.Result r = spark(onSpark, LossFunction.INSTRUCTION);
        assertThat(r.losses()).hasSize(3);

        // one process: batch 4 = worker 0's 2 then worker 1's 2, through chapter 7's collate and loop
        List<int[]> ex = instructions();
        long[] s0 = new DistributedSampler(12, 2, 0, true, 5, false).indices(0), s1 = new DistributedSampler(12, 2, 1, true, 5, false).indices(0);
        List<int[]> ordered = new ArrayList<>();
        List<Integer> counts = new ArrayList<>();
        for (int k = 0; k < 3; k++)
            for (long[] s : new long[][] {s0, s1}) {
                List<int[]> half = List.of(ex.get((int) s[2 * k]), ex.get((int) s[2 * k + 1]));
                ordered.addAll(half);
                counts.add((int) LossFunction.INSTRUCTION.weight(Collate.customCollate(half, 50256, -100, ALLOWED)));
            }
        Module single = seeded(123);
        List<Double> singleLosses = new ArrayList<>();
        DataLoader<int[], Tensor[]> loader = new DataLoader<>(listData(ordered), 4, false, false, Collate.customCollateFn(ALLOWED), null);
        Training.trainModelSimple(single, loader, loader, new AdamW(single.parameters(), LR, WD), new Training.Options(1, 1000, 1, new Training.Listener() {
            @Override
            public void onBatch(int epoch, long step, double loss, long tokensSeen) {
                singleLosses.add(loss);
            }
        }));

        List<String> sparkTable = new ArrayList<>(), singleTable = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            sparkTable.add(String.format(Locale.ROOT, "%.3f", r.losses().get(i)));
            singleTable.add(String.format(Locale.ROOT, "%.3f", singleLosses.get(i)));
        }
        float[] a = SparkDataParallelTest.flat(onSpark), b = SparkDataParallelTest.flat(single), init = SparkDataParallelTest.flat(seeded(123));
        double maxDiff = 0, maxMove = 0;
        for (int i = 0; i < a.length; i++) {
            maxDiff = Math.max(maxDiff, Math.abs(a[i] - b[i]));
            maxMove = Math.max(maxMove, Math.abs(b[i] - init[i]));
        }
        System.out.printf(Locale.ROOT, "instruction: target counts per worker batch %s; losses spark %s single %s; max |w_spark - w_single| %.3g, max |w - w0| %.3g%n",
                counts, r.losses(), singleLosses, maxDiff, maxMove);
        assertThat(counts.get(0)).as("the workers' batches have different counts of targets").isNotEqualTo(counts.get(1));
        assertThat(sparkTable).as("loss table").isEqualTo(singleTable);
        assertThat(maxMove).as("the weights moved").isGreaterThan(1e-3);
        assertThat(maxDiff).as("Spark's weights against one process's").isLessThan(1e-6);

        // DistributedDataParallel's plain average of the workers' means is another step when the counts differ
        Module averaged = seeded(123);
        SparkDataParallel.Result plain = spark(averaged, LossFunction.NEXT_TOKEN);
        float[] c = SparkDataParallelTest.flat(averaged);
        double plainDiff = 0;
        for (int i = 0; i < c.length; i++) plainDiff = Math.max(plainDiff, Math.abs(c[i] - b[i]));
        System.out.printf(Locale.ROOT, "instruction, plain average of the workers' means: losses %s; max |w - w_single| %.3g%n", plain.losses(), plainDiff);
        assertThat(plain.losses().get(0)).isNotCloseTo(singleLosses.get(0), org.assertj.core.data.Offset.offset(1e-4));
        assertThat(plainDiff).isGreaterThan(1e-5);
        assertThat(Arrays.equals(a, c)).isFalse();
    }
}
