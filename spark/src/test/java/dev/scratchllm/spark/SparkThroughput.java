package dev.scratchllm.spark;

import dev.scratchllm.ScratchLLM;
import dev.scratchllm.data.Dataset;
import dev.scratchllm.gpt.GPTConfig;
import dev.scratchllm.gpt.GPTModel;
import dev.scratchllm.optim.AdamW;
import dev.scratchllm.random.Generator;
import dev.scratchllm.tensor.Tensor;
import dev.scratchllm.train.Training;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Throughput of {@link SparkDataParallel} in {@code local[2]} (2 workers x batch B) against the
 * library's single-process step (batch 2B: loss, backward, AdamW) in the same JVM, rounds
 * alternating, medians per step; the Spark step split into broadcast, fetch, compute,
 * aggregation and optimizer. Not a test (no assertion on time): run it by hand, see docs/spark.md.
 *
 * <p>Arguments: {@code embDim heads layers context batchPerWorker stepsPerRound rounds [kryo]}.
 */
public final class SparkThroughput {
    private SparkThroughput() {
    }

    /**
     * Runs the comparison and prints the medians.
     *
     * @param args embDim heads layers context batchPerWorker stepsPerRound rounds [kryo]
     * @throws IOException never (no checkpoints)
     */
    public static void main(String[] args) throws IOException {
        int emb = Integer.parseInt(args[0]), heads = Integer.parseInt(args[1]), layers = Integer.parseInt(args[2]), ctx = Integer.parseInt(args[3]);
        int b = Integer.parseInt(args[4]), steps = Integer.parseInt(args[5]), rounds = Integer.parseInt(args[6]);
        boolean kryo = args.length > 7 && args[7].equals("kryo");
        int vocab = 50257;
        ModelFactory factory = () -> new GPTModel(new GPTConfig(vocab, ctx, emb, heads, layers, 0.0, false));
        Generator g = new Generator(1);
        int n = 2 * b * steps;
        List<Tensor[]> ex = new ArrayList<>();
        for (int i = 0; i < n; i++) ex.add(new Tensor[] {Tensor.ofLongs(g.randint(vocab, ctx), ctx), Tensor.ofLongs(g.randint(vocab, ctx), ctx)});
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
        SparkConf conf = new SparkConf().setMaster("local[2]").setAppName("SparkThroughput").set("spark.ui.enabled", "false")
                .set("spark.driver.maxResultSize", "0").set("spark.driver.host", "127.0.0.1").set("spark.driver.bindAddress", "127.0.0.1");
        if (kryo) conf.set("spark.serializer", "org.apache.spark.serializer.KryoSerializer");
        List<Double> single = new ArrayList<>(), spark = new ArrayList<>(), bc = new ArrayList<>(), fetch = new ArrayList<>(), compute = new ArrayList<>(),
                agg = new ArrayList<>(), opt = new ArrayList<>(), singleCompute = new ArrayList<>(), singleOpt = new ArrayList<>();
        long params = 0;
        try (JavaSparkContext sc = new JavaSparkContext(conf)) {
            sc.setLogLevel("ERROR");
            for (int round = 0; round < rounds; round++) {
                for (int order = 0; order < 2; order++) {
                    boolean sparkFirst = round % 2 == 1;
                    if ((order == 0) == sparkFirst) {
                        Generator.defaultGenerator().manualSeed(123);
                        GPTModel m = (GPTModel) factory.create();
                        params = m.numParameters();
                        SparkDataParallel.Result r = new SparkDataParallel(sc, factory, LossFunction.NEXT_TOKEN, BatchCollate.STACK, TaskHook.NONE)
                                .train(m, data, new SparkDataParallel.Config(2, b, 1, 7, 1e-4, 0.1, null, 0, null, false, Long.MAX_VALUE), null);
                        for (int i = 1; i < r.times().size(); i++) { // the first step of a run builds the executors' replicas
                            SparkDataParallel.StepTimes t = r.times().get(i);
                            spark.add((t.broadcast() + t.job() + t.optimizer()) / 1e6);
                            bc.add(t.broadcast() / 1e6);
                            fetch.add(t.fetch() / 1e6);
                            compute.add(t.compute() / 1e6);
                            agg.add(t.aggregation() / 1e6);
                            opt.add(t.optimizer() / 1e6);
                        }
                    } else {
                        Generator.defaultGenerator().manualSeed(123);
                        GPTModel m = (GPTModel) factory.create();
                        AdamW adam = new AdamW(m.parameters(), 1e-4, 0.1);
                        for (int s = 0; s < steps; s++) {
                            List<Tensor[]> batch = ex.subList(s * 2 * b, (s + 1) * 2 * b);
                            Tensor[] st = BatchCollate.STACK.collate(batch);
                            long t0 = System.nanoTime();
                            adam.zeroGrad();
                            Tensor loss = Training.calcLossBatch(st[0], st[1], m);
                            loss.backward();
                            long t1 = System.nanoTime();
                            adam.step();
                            long t2 = System.nanoTime();
                            if (s > 0) {
                                single.add((t2 - t0) / 1e6);
                                singleCompute.add((t1 - t0) / 1e6);
                                singleOpt.add((t2 - t1) / 1e6);
                            }
                        }
                    }
                }
            }
        }
        System.out.printf(Locale.ROOT, "model: emb %d, %d heads, %d layers, context %d, %,d parameters (%.1f MB of float32); global batch %d; threads %d; serializer %s%n",
                emb, heads, layers, ctx, params, params * 4 / 1e6, 2 * b, ScratchLLM.getNumThreads(), kryo ? "kryo" : "java");
        System.out.printf(Locale.ROOT, "single process, batch %d: %.0f ms/step (forward+backward %.0f, AdamW %.0f)%n", 2 * b, median(single), median(singleCompute), median(singleOpt));
        System.out.printf(Locale.ROOT, "spark local[2], 2 x %d:   %.0f ms/step = broadcast %.0f + fetch %.1f + compute %.0f (slowest task) + aggregation %.0f + optimizer %.0f (medians)%n",
                b, median(spark), median(bc), median(fetch), median(compute), median(agg), median(opt));
        System.out.printf(Locale.ROOT, "ratio spark / single: %.2f (%d and %d steps)%n", median(spark) / median(single), spark.size(), single.size());
    }

    static double median(List<Double> v) {
        double[] a = v.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(a);
        return a.length == 0 ? Double.NaN : a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
    }
}
