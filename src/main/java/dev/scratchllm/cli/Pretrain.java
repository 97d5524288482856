package dev.scratchllm.cli;

import dev.scratchllm.ScratchLLM;
import dev.scratchllm.attention.RoPEDecoderModel;
import dev.scratchllm.nn.Module;
import dev.scratchllm.data.BookData;
import dev.scratchllm.data.DataFiles;
import dev.scratchllm.data.DataLoader;
import dev.scratchllm.data.GPTDatasetV1;
import dev.scratchllm.gpt.GPTConfig;
import dev.scratchllm.gpt.GPTModel;
import dev.scratchllm.gpt.Generation;
import dev.scratchllm.data.MissingDataFileException;
import dev.scratchllm.io.Checkpoint;
import dev.scratchllm.io.TextFiles;
import dev.scratchllm.optim.AdamW;
import dev.scratchllm.tensor.Tensor;
import dev.scratchllm.tokenizer.GPT2Tokenizer;
import dev.scratchllm.train.LossPlot;
import dev.scratchllm.train.ProgressBar;
import dev.scratchllm.train.TextGeneration;
import dev.scratchllm.train.Training;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code pretrain}: chapter 5's run (section 5.2) with the book's settings by default —
 * GPT_CONFIG_124M with context 256, the-verdict split 90/10, batch 2, stride 256, AdamW lr 4e-4
 * and weight decay 0.1, 10 epochs, evaluation every 5 steps over 5 batches, seed 123, a greedy
 * sample after each epoch — with a progress bar per epoch (loss, tokens/s), the loss table,
 * a PNG plot of training and validation loss, the final model as a checkpoint, and a sampled
 * continuation (temperature 1.4, top-k 25, as section 5.3.3). Every setting can be changed on
 * the command line ({@code --epochs 2 --emb-dim 64 …}).
 *
 * <p>{@code --arch llama3} or {@code --arch qwen3} trains a small Llama 3 or Qwen3 instead
 * ({@link ArchModels}: the same sizes, plus {@code --kv-groups}, {@code --hidden-dim} and
 * {@code --tie-weights}; GPT-2's vocabulary and tokenizer) with the same loop, loss table, plot,
 * samples and checkpoint; the checkpoint records {@code arch} and the configuration, and
 * {@link ArchModels#load} reads it back.
 */
public final class Pretrain {
    /**
     * The run's settings; {@link #defaults()} are the book's.
     *
     * @param textFile the data file to train on, e.g. {@code the-verdict.txt}
     * @param contextLength the model's context length (and the window and stride)
     * @param embDim the embedding dimension
     * @param nHeads the attention heads
     * @param nLayers the transformer blocks
     * @param dropRate the dropout rate
     * @param batchSize the windows per batch
     * @param trainRatio the fraction of the text used for training
     * @param lr the AdamW learning rate
     * @param weightDecay the AdamW weight decay
     * @param epochs the passes over the training text
     * @param evalFreq evaluate every this many steps
     * @param evalIter the batches per evaluation
     * @param seed the seed
     * @param startContext the prompt of the samples
     * @param outDir the folder for the plot and the checkpoint
     * @param threads the number of compute threads
     * @param arch the architecture: {@code gpt2} (the book's), {@code llama3} or {@code qwen3}
     * @param kvGroups the key/value heads (llama3 and qwen3 only)
     * @param hiddenDim the SwiGLU feed-forward's width (llama3 and qwen3 only)
     * @param tieWeights whether the output head shares the token embedding (llama3 and qwen3 only)
     */
    public record Settings(String textFile, int contextLength, int embDim, int nHeads, int nLayers, double dropRate,
                           int batchSize, double trainRatio, double lr, double weightDecay, int epochs, int evalFreq,
                           int evalIter, long seed, String startContext, Path outDir, int threads,
                           String arch, int kvGroups, int hiddenDim, boolean tieWeights) {
        /**
         * The book's settings.
         *
         * @return the defaults
         */
        public static Settings defaults() {
            GPTConfig c = GPTConfig.GPT_CONFIG_124M;
            return new Settings("the-verdict.txt", 256, c.embDim(), c.nHeads(), c.nLayers(), c.dropRate(), 2, 0.90, 4e-4, 0.1, 10, 5, 5, 123,
                    "Every effort moves you", Path.of("runs", "pretrain"), ScratchLLM.getNumThreads(),
                    ArchModels.ARCHS.get(0), ArchModels.defaultKvGroups(c.nHeads()), (int) ArchModels.defaultHiddenDim(c.embDim()), false);
        }

        GPTConfig config() {
            return new GPTConfig(GPTConfig.GPT_CONFIG_124M.vocabSize(), contextLength, embDim, nHeads, nLayers, dropRate, false);
        }

        /** {@return the sizes of a {@code --arch llama3|qwen3} model} */
        public ArchModels.Sizes sizes() {
            return new ArchModels.Sizes(contextLength, embDim, nHeads, nLayers, hiddenDim, kvGroups, tieWeights);
        }
    }

    private Pretrain() {
    }

    /** The options and their defaults (the book's, {@link Settings#defaults()}). */
    static final Options.Spec OPTIONS = spec();

    private static Options.Spec spec() {
        Settings d = Settings.defaults();
        return new Options.Spec("pretrain", "[OPTIONS]", "Chapter 5: pretrain GPT-124M (context 256) on the-verdict; the default command.\n"
                + "--arch llama3 or qwen3 trains a small Llama 3 or Qwen3 from scratch instead (same loop, outputs and checkpoint).")
                .path("--text", "FILE", d.textFile(), "the UTF-8 text to train on (a file, or a book data file's name)")
                .integer("--context", "N", d.contextLength(), 1, 46_340, "context length, window and stride")
                .integer("--emb-dim", "N", d.embDim(), 1, Integer.MAX_VALUE, "embedding dimension (a multiple of --heads)")
                .integer("--heads", "N", d.nHeads(), 1, 1 << 16, "attention heads")
                .integer("--layers", "N", d.nLayers(), 1, 1_000_000, "transformer blocks")
                .number("--drop-rate", "X", d.dropRate(), Options.Range.of(0, false, 1, true), "dropout rate")
                .number("--train-ratio", "X", d.trainRatio(), Options.Range.of(0, true, 1, true), "fraction of the text used for training")
                .training(d.batchSize(), d.lr(), d.weightDecay(), d.epochs(), d.evalFreq(), d.evalIter(), d.seed(), d.outDir().toString())
                .text("--start", "TEXT", d.startContext(), "the prompt of the samples")
                .text("--arch", "NAME", d.arch(), "the architecture: " + String.join(", ", ArchModels.ARCHS)
                        + " (llama3 and qwen3: RMSNorm, RoPE, grouped-query attention, SwiGLU; no dropout; GPT-2's vocabulary)")
                .integer("--kv-groups", "N", null, 1, 1 << 16, "llama3/qwen3: key/value heads shared by the query heads (default --heads / 2 when even, else --heads)")
                .alias("--n-kv-groups", "--kv-groups")
                .integer("--hidden-dim", "N", null, 1, Integer.MAX_VALUE, "llama3/qwen3: SwiGLU feed-forward width (default 4 x --emb-dim)")
                .flag("--tie-weights", "llama3/qwen3: the output head shares the token embedding (default untied, as the book's GPT)")
                .text("--spark", "URL", null, "data-parallel on a Spark master (local[2], spark://HOST:7077); needs the spark module on the class path, see docs/spark.md");
    }

    /** What {@code pretrain --spark URL} says when no {@link DistributedPretrain} is on the class path. */
    static final String SPARK_MESSAGE = "pretrain: --spark %s: this build has no Spark (the library has no dependencies); put scratchllm-spark "
            + "on the class path, e.g. mvn -f spark/pom.xml -q compile exec:exec -Dargs=\"pretrain --spark %s ...\" (or run its launcher "
            + "dev.scratchllm.spark.SparkPretrain; the JVM flags and spark-submit are in docs/spark.md)";

    /**
     * The {@code pretrain} command: with {@code --spark URL}, hands the options to the
     * {@link DistributedPretrain} on the class path (the spark module's); without, parses and runs
     * in this process.
     *
     * @param args the options
     * @param out where to print progress and results
     * @throws IOException if the text cannot be read or a checkpoint cannot be written
     * @throws UsageException if an option is wrong, or {@code --spark} is given and no trainer is installed
     */
    public static void command(List<String> args, PrintStream out) throws IOException {
        if (args.contains("--spark") && !args.contains("--help") && !args.contains("-h")) {
            DistributedPretrain d = DistributedPretrain.find();
            if (d != null) {
                d.run(args, out);
                return;
            }
        }
        run(parse(args), out);
    }

    /**
     * Parses {@code pretrain}'s options into settings, for launchers outside this package that take
     * the same options (the spark module's {@code SparkPretrain}, after removing its own).
     *
     * @param args the {@code --name value} pairs
     * @return the settings over the book's defaults
     * @throws UsageException if an option is unknown or a value is out of range, or {@code --spark} is given
     */
    public static Settings parseSettings(List<String> args) {
        return parse(args);
    }

    /** Parses {@code --name value} pairs over the defaults; checks every value and the model's size. */
    static Settings parse(List<String> args) {
        Options o = OPTIONS.parse(args);
        String spark = o.text("--spark");
        if (spark != null) throw new UsageException(String.format(Locale.ROOT, SPARK_MESSAGE, spark, spark));
        String arch = o.text("--arch");
        if (!ArchModels.ARCHS.contains(arch))
            throw new UsageException("pretrain: --arch must be one of " + String.join(", ", ArchModels.ARCHS) + ", got '" + arch + "'");
        boolean gpt = arch.equals("gpt2");
        if (gpt) {
            for (String only : List.of("--kv-groups", "--hidden-dim", "--tie-weights"))
                if (o.given(only)) throw new UsageException("pretrain: " + only + " applies to --arch llama3 and qwen3, not gpt2");
        } else if (o.given("--drop-rate")) {
            throw new UsageException("pretrain: --drop-rate applies to --arch gpt2 only (Llama 3 and Qwen3 have no dropout)");
        }
        int heads = o.integer("--heads");
        long hidden = o.given("--hidden-dim") ? o.integer("--hidden-dim") : ArchModels.defaultHiddenDim(o.integer("--emb-dim"));
        if (!gpt && hidden > Integer.MAX_VALUE) throw new UsageException("pretrain: 4 x --emb-dim is too large for the feed-forward; give --hidden-dim");
        Settings s = new Settings(o.text("--text"), o.integer("--context"), o.integer("--emb-dim"), o.integer("--heads"), o.integer("--layers"),
                o.number("--drop-rate"), o.integer("--batch"), o.number("--train-ratio"), o.number("--lr"), o.number("--weight-decay"), o.integer("--epochs"),
                o.integer("--eval-freq"), o.integer("--eval-iter"), o.longValue("--seed"), o.text("--start"), o.path("--out"),
                o.integer("--threads", ScratchLLM.getNumThreads()), arch, o.integer("--kv-groups", ArchModels.defaultKvGroups(heads)),
                (int) Math.min(hidden, Integer.MAX_VALUE), o.flag("--tie-weights"));
        if (s.startContext().isBlank()) throw new UsageException("pretrain: --start needs a non-empty prompt for the samples");
        if (gpt) ModelLimits.scratch("pretrain", s.contextLength(), s.embDim(), s.nHeads(), s.nLayers(), s.dropRate());
        else ArchModels.checkSizes("pretrain", arch, s.sizes());
        return s;
    }

    /**
     * A training text.
     *
     * @param source where it came from, for the log (a path, or the bundled corpus)
     * @param recorded what the checkpoint records as its {@code text}: the name asked for, or the
     *     bundled corpus that replaced it
     * @param text the text
     */
    record Text(String source, String recorded, String text) {
    }

    /**
     * {@code --text}: a file by path, else the book's text by name (found, or downloaded and
     * verified); when that is impossible and the name is the default the-verdict.txt, the project's
     * bundled corpus with a notice. A folder, a missing file and non-UTF-8 text are refused, naming
     * the file.
     */
    static Text readText(String name, PrintStream out) throws IOException {
        Path p = Path.of(name);
        if (Files.isDirectory(p)) throw new IOException("pretrain: --text " + name + " is a folder; expected a UTF-8 text file");
        if (Files.isRegularFile(p)) return new Text(name, name, TextFiles.readUtf8(p));
        if (p.isAbsolute()) throw new IOException("pretrain: --text " + name + ": no such file");
        try {
            return readBookText(name, out, DataFiles.fromEnvironment());
        } catch (MissingDataFileException e) {
            throw new IOException("pretrain: --text " + name + ": no such file; " + e.getMessage(), e);
        }
    }

    static Text readBookText(String name, PrintStream out, DataFiles files) throws IOException {
        try {
            Path p = BookData.path(files, files.downloadDir(), name);
            return new Text(p.toString(), name, TextFiles.readUtf8(p));
        } catch (RuntimeException e) {
            if (!name.equals(Settings.defaults().textFile())) throw e;
            out.println("NOTICE: " + name + " is not available (" + e.getMessage() + ").");
            out.println("NOTICE: training on the project's own small corpus instead (" + BookData.FALLBACK_CORPUS
                    + "); set SCRATCHLLM_DATA to a folder with the book's data for the book's run.");
            String bundled = "bundled corpus " + BookData.FALLBACK_CORPUS;
            return new Text(bundled, bundled, BookData.fallbackCorpus());
        }
    }

    /**
     * Runs the whole job; returns the loss history.
     *
     * @param s the settings
     * @param out where to print the progress and results
     * @return the loss history
     * @throws IOException if the text cannot be read or the outputs cannot be written
     */
    public static Training.History run(Settings s, PrintStream out) throws IOException {
        try (var claim = Main.claimOutput(s.outDir(), "pretrain", out, "loss-plot.png")) {
            return runClaimed(s, out);
        }
    }

    private static Training.History runClaimed(Settings s, PrintStream out) throws IOException {
        Main.startJob("pretraining (chapter 5)", s.threads(), out);
        GPTConfig cfg = s.config();
        Text found = readText(s.textFile(), out);
        String text = found.text();
        GPT2Tokenizer tokenizer = GPT2Tokenizer.load();
        out.printf(Locale.ROOT, "Text: %s, %d characters, %d tokens%n", found.source(), text.length(), tokenizer.encode(text, java.util.Set.of("<|endoftext|>")).length);

        int split = (int) (s.trainRatio() * text.length());
        String trainData = text.substring(0, split), valData = text.substring(split);
        DataLoader<Tensor[], Tensor[]> trainLoader = DataLoader.of(new GPTDatasetV1(trainData, tokenizer, s.contextLength(), s.contextLength()), s.batchSize(), true, true);
        DataLoader<Tensor[], Tensor[]> valLoader = DataLoader.of(new GPTDatasetV1(valData, tokenizer, s.contextLength(), s.contextLength()), s.batchSize(), false, false);
        if (trainLoader.size() == 0 || valLoader.size() == 0)
            throw new IllegalArgumentException("pretrain: the text is too short for context " + s.contextLength() + " (train batches " + trainLoader.size()
                    + ", validation batches " + valLoader.size() + "); lower --context or --train-ratio");

        ScratchLLM.manualSeed(s.seed());
        boolean gpt = s.arch().equals("gpt2");
        Module model = gpt ? new GPTModel(cfg) : ArchModels.build(s.arch(), s.sizes());
        AdamW optimizer = new AdamW(model.parameters(), s.lr(), s.weightDecay());
        if (gpt)
            out.printf(Locale.ROOT, "Model: %,d parameters (emb %d, %d layers, %d heads, context %d); %d training and %d validation batches of %d x %d%n%n",
                    model.numParameters(), cfg.embDim(), cfg.nLayers(), cfg.nHeads(), cfg.contextLength(), trainLoader.size(), valLoader.size(), s.batchSize(), s.contextLength());
        else
            out.printf(Locale.ROOT, "Model: %s, %,d parameters (emb %d, %d layers, %d heads, %d kv groups, hidden %d, %s, context %d); %d training and %d validation batches of %d x %d%n%n",
                    s.arch(), model.numParameters(), s.embDim(), s.nLayers(), s.nHeads(), s.kvGroups(), s.hiddenDim(), s.tieWeights() ? "tied head" : "untied head",
                    s.contextLength(), trainLoader.size(), valLoader.size(), s.batchSize(), s.contextLength());

        boolean live = System.console() != null;
        long started = System.nanoTime();
        PhaseTimes times = new PhaseTimes(started);
        Training.Listener listener = new Training.Listener() {
            ProgressBar bar;
            long epochStart, epochTokens0;

            @Override
            public void onBatch(int epoch, long step, double loss, long tokensSeen) {
                times.step();
                if (bar == null) {
                    bar = new ProgressBar(out, String.format(Locale.ROOT, "Epoch %d/%d", epoch + 1, s.epochs()), trainLoader.size(), live);
                    epochStart = System.nanoTime();
                    epochTokens0 = tokensSeen - (long) s.batchSize() * s.contextLength();
                }
                double secs = Math.max(1e-9, (System.nanoTime() - epochStart) / 1e9);
                bar.step(String.format(Locale.ROOT, "loss %.3f | %.0f tok/s", loss, (tokensSeen - epochTokens0) / secs));
            }

            @Override
            public void onEval(int epoch, long step, double trainLoss, double valLoss, long tokensSeen, String word) {
                times.eval();
                if (live) out.print("\r\033[2K");
                out.printf(Locale.ROOT, "Ep %d (%s %06d): Train loss %.3f, Val loss %.3f%n", epoch + 1, word, step, trainLoss, valLoss);
            }

            @Override
            public void onEpochEnd(int epoch) {
                if (bar != null) bar.finish();
                bar = null;
                times.skip();
                model.eval();
                Tensor ids = Generation.generateTextSimple(model, TextGeneration.textToTokenIds(s.startContext(), tokenizer), 50, cfg.contextLength());
                out.println(TextGeneration.tokenIdsToText(ids, tokenizer).replace("\n", " "));
                model.train();
                times.sample();
            }
        };
        Training.History h = Training.trainModelSimple(model, trainLoader, valLoader, optimizer,
                new Training.Options(s.epochs(), s.evalFreq(), s.evalIter(), listener));
        double seconds = (System.nanoTime() - started) / 1e9;
        out.printf(Locale.ROOT, "%nTraining completed in %.2f minutes.%n", seconds / 60);
        times.print(out);
        out.println();

        out.println("  step   tokens seen   train loss   val loss");
        for (int i = 0; i < h.trainLosses().size(); i++)
            out.printf(Locale.ROOT, "%6d  %12d   %10.3f  %9.3f%n", (long) i * s.evalFreq(), h.tokensSeen().get(i), h.trainLosses().get(i), h.valLosses().get(i));

        Files.createDirectories(s.outDir());
        List<Double> epochsSeen = new ArrayList<>();
        int n = h.trainLosses().size();
        for (int i = 0; i < n; i++) epochsSeen.add(n == 1 ? 0.0 : s.epochs() * (double) i / (n - 1)); // torch.linspace(0, num_epochs, n)
        Path plot = s.outDir().resolve("loss-plot.png");
        if (n > 0) LossPlot.write(plot, epochsSeen, h.tokensSeen(), h.trainLosses(), h.valLosses(), "Loss");
        Path ckpt = s.outDir().resolve("checkpoint");
        Map<String, String> extra;
        if (gpt) {
            extra = Map.of("gpt.config", cfg.toJson(), "text", found.recorded());
        } else {
            extra = new LinkedHashMap<>(ArchModels.checkpointFields((RoPEDecoderModel<?>) model));
            extra.put("text", found.recorded());
        }
        Checkpoint.save(ckpt, model, optimizer, (long) trainLoader.size() * s.epochs(), s.epochs(), extra);
        out.println();
        if (n > 0) out.println("Loss plot:  " + plot.toAbsolutePath());
        out.println("Checkpoint: " + ckpt.toAbsolutePath());

        model.eval();
        ScratchLLM.manualSeed(s.seed());
        Tensor sampled = TextGeneration.generate(model, TextGeneration.textToTokenIds(s.startContext(), tokenizer), 15, cfg.contextLength(), 1.4f, 25, null);
        out.println("\nSampled (temperature 1.4, top-k 25):\n" + TextGeneration.tokenIdsToText(sampled, tokenizer));
        return h;
    }

    /**
     * Wall time of the run's phases, split at the listener's calls: optimizer steps (batch fetch
     * included), evaluations and the per-epoch samples, printed as the PyTorch reference script
     * ({@code scripts/torch_ch05_run.py}) prints them, so the two runs can be compared phase by phase.
     */
    static final class PhaseTimes {
        private long last;
        private long steps, evals, samples;
        private int stepCount, evalCount, sampleCount;

        PhaseTimes(long start) {
            last = start;
        }

        private long lap() {
            long now = System.nanoTime(), d = now - last;
            last = now;
            return d;
        }

        void step() {
            steps += lap();
            stepCount++;
        }

        void eval() {
            evals += lap();
            evalCount++;
        }

        void sample() {
            samples += lap();
            sampleCount++;
        }

        /** Ends a stretch that belongs to no phase (finishing the progress bar). */
        void skip() {
            lap();
        }

        void print(PrintStream out) {
            out.printf(Locale.ROOT, "  training steps: %.1f s for %d steps (%.3f s/step, batch fetch included)%n", steps / 1e9, stepCount,
                    stepCount == 0 ? 0 : steps / 1e9 / stepCount);
            out.printf(Locale.ROOT, "  evaluations:    %.1f s for %d (%.2f s each, no grad)%n", evals / 1e9, evalCount, evalCount == 0 ? 0 : evals / 1e9 / evalCount);
            out.printf(Locale.ROOT, "  samples:        %.1f s for %d (%.2f s each: 50 greedy tokens)%n", samples / 1e9, sampleCount,
                    sampleCount == 0 ? 0 : samples / 1e9 / sampleCount);
        }
    }
}
