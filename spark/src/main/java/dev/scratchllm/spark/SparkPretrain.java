package dev.scratchllm.spark;

import dev.scratchllm.ScratchLLM;
import dev.scratchllm.cli.Pretrain;
import dev.scratchllm.cli.ArchModels;
import dev.scratchllm.cli.UsageException;
import dev.scratchllm.nn.Module;
import dev.scratchllm.data.BookData;
import dev.scratchllm.data.DataLoader;
import dev.scratchllm.data.GPTDatasetV1;
import dev.scratchllm.gpt.GPTConfig;
import dev.scratchllm.gpt.GPTModel;
import dev.scratchllm.io.TextFiles;
import dev.scratchllm.tensor.Tensor;
import dev.scratchllm.tokenizer.GPT2Tokenizer;
import dev.scratchllm.train.Training;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code pretrain} on Spark: the core command's options ({@code --epochs}, {@code --emb-dim},
 * {@code --batch} as the global batch, …) plus {@code --master URL} (or {@code --spark URL};
 * omitted under {@code spark-submit}, which sets it), {@code --workers N} (default 2; {@code --batch}
 * must be a multiple), {@code --checkpoint-every N} (default 0: only at the end), {@code --resume}
 * (continue from {@code OUT/checkpoint}) and {@code --warmup N} (appendix D's schedule and clipping,
 * from {@code --lr / 10} to the peak and down to {@code --lr / 100}). It trains with
 * {@link SparkDataParallel}, prints each step's loss and time split, then the validation loss of the
 * final model. It does not print the book's periodic evaluations or samples.
 */
public final class SparkPretrain {
    private SparkPretrain() {
    }

    /**
     * Runs the job; exits with status 2 on a usage error.
     *
     * @param args the options
     * @throws IOException if the text cannot be read or a checkpoint cannot be written
     */
    public static void main(String[] args) throws IOException {
        try {
            run(List.of(args), System.out);
        } catch (UsageException e) {
            System.err.println("scratchllm-spark: " + e.getMessage());
            System.exit(2);
        }
    }

    /**
     * Parses the options and trains.
     *
     * @param args the options
     * @param out where to print progress and results
     * @return the run's losses and times
     * @throws IOException if the text cannot be read or a checkpoint cannot be written
     */
    public static SparkDataParallel.Result run(List<String> args, PrintStream out) throws IOException {
        String master = null;
        int workers = 2, checkpointEvery = 0, warmup = 0;
        boolean resume = false;
        List<String> rest = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            switch (a) {
                case "--master", "--spark" -> master = value(args, ++i, a);
                case "--workers" -> workers = positive(value(args, ++i, a), a);
                case "--checkpoint-every" -> checkpointEvery = positive(value(args, ++i, a), a);
                case "--warmup" -> warmup = positive(value(args, ++i, a), a);
                case "--resume" -> resume = true;
                default -> rest.add(a);
            }
        }
        Pretrain.Settings s = Pretrain.parseSettings(rest);
        if (s.batchSize() % workers != 0)
            throw new UsageException("spark pretrain: --batch " + s.batchSize() + " (the global batch) must be a multiple of --workers " + workers);

        Path textFile = Path.of(s.textFile());
        String text = TextFiles.readUtf8(Files.isRegularFile(textFile) ? textFile : BookData.path(s.textFile()));
        GPT2Tokenizer tokenizer = GPT2Tokenizer.load();
        int split = (int) (s.trainRatio() * text.length());
        GPTDatasetV1 train = new GPTDatasetV1(text.substring(0, split), tokenizer, s.contextLength(), s.contextLength());
        GPTDatasetV1 val = new GPTDatasetV1(text.substring(split), tokenizer, s.contextLength(), s.contextLength());

        int vocab = GPTConfig.GPT_CONFIG_124M.vocabSize(), ctx = s.contextLength(), emb = s.embDim(), heads = s.nHeads(), layers = s.nLayers();
        double drop = s.dropRate();
        String arch = s.arch();
        int hidden = s.hiddenDim(), kvGroups = s.kvGroups();
        boolean tied = s.tieWeights();
        ModelFactory factory = arch.equals("gpt2") // the lambdas capture only numbers and strings: they are serialized
                ? () -> new GPTModel(new GPTConfig(vocab, ctx, emb, heads, layers, drop, false))
                : () -> ArchModels.build(arch, new ArchModels.Sizes(ctx, emb, heads, layers, hidden, kvGroups, tied));
        ScratchLLM.setNumThreads(s.threads());
        ScratchLLM.manualSeed(s.seed());
        Module model = factory.create();

        SparkConf conf = new SparkConf().setAppName("scratchllm-pretrain").set("spark.driver.maxResultSize", "0"); // gradients are as large as the model
        if (master != null) conf.setMaster(master);
        SparkDataParallel.Config c = new SparkDataParallel.Config(workers, s.batchSize() / workers, s.epochs(), s.seed(), s.lr(), s.weightDecay(),
                warmup > 0 ? new SparkDataParallel.Schedule(warmup, s.lr() / 10, s.lr() / 100) : null,
                checkpointEvery, s.outDir().resolve("checkpoint"), resume, Long.MAX_VALUE);
        out.printf(Locale.ROOT, "Model: " + arch + ", %,d parameters; %d training windows of %d tokens; %d workers x batch %d%n",
                model.numParameters(), train.size(), ctx, workers, c.batchPerWorker());
        out.println("  step  epoch    loss   broadcast(ms)  fetch(ms)  compute(ms)  aggregation(ms)  optimizer(ms)");
        SparkDataParallel.Result r;
        try (JavaSparkContext sc = new JavaSparkContext(conf)) {
            sc.setLogLevel("WARN");
            r = new SparkDataParallel(sc, factory, LossFunction.NEXT_TOKEN, BatchCollate.STACK, TaskHook.NONE).train(model, train, c,
                    (epoch, step, loss, t) -> out.printf(Locale.ROOT, "%6d  %5d  %7.3f  %13.1f  %9.1f  %11.1f  %15.1f  %13.1f%n", step, epoch + 1, loss,
                            t.broadcast() / 1e6, t.fetch() / 1e6, t.compute() / 1e6, t.aggregation() / 1e6, t.optimizer() / 1e6));
        }
        if (val.size() > 0) {
            model.eval();
            double v = Training.calcLossLoader(DataLoader.of(val, s.batchSize(), false, false), model);
            out.printf(Locale.ROOT, "Validation loss of the final model: %.3f%n", v);
        }
        out.println("Checkpoint: " + c.checkpointDir().toAbsolutePath());
        return r;
    }

    private static String value(List<String> args, int i, String name) {
        if (i >= args.size()) throw new UsageException("spark pretrain: " + name + " needs a value");
        return args.get(i);
    }

    private static int positive(String v, String name) {
        try {
            int n = Integer.parseInt(v);
            if (n >= 1) return n;
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UsageException("spark pretrain: " + name + " must be a whole number >= 1, got '" + v + "'");
    }
}
