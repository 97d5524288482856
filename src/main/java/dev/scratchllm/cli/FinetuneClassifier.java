/*
 * FinetuneClassifier: the "finetune-classifier" command, chapter 6 end to end: prepare the SMS
 * spam splits (written as train/validation/test.csv), build SpamDatasets and loaders, start from
 * GPT-2's weights, a pretrain checkpoint or a fresh model, add the 2-class head, train with
 * train_classifier_simple (progress bar, the book's log lines), plot loss and accuracy, report
 * full-set accuracies, save a checkpoint and classify the book's two example texts. Exercises
 * 6.1-6.3 and appendix E's LoRA are options.
 *
 * It does not download GPT-2 unless asked to (--gpt2 gpt2) and does not tune hyper-parameters.
 */
package dev.scratchllm.cli;

import dev.scratchllm.ScratchLLM;
import dev.scratchllm.data.DataLoader;
import dev.scratchllm.finetune.Classification;
import dev.scratchllm.finetune.LabeledText;
import dev.scratchllm.finetune.LoRA;
import dev.scratchllm.finetune.SpamData;
import dev.scratchllm.finetune.SpamDataset;
import dev.scratchllm.gpt.GPTConfig;
import dev.scratchllm.gpt.GPTModel;
import dev.scratchllm.io.Checkpoint;
import dev.scratchllm.optim.AdamW;
import dev.scratchllm.tensor.Tensor;
import dev.scratchllm.tokenizer.GPT2Tokenizer;
import dev.scratchllm.train.LossPlot;
import dev.scratchllm.train.ProgressBar;

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
 * {@code finetune-classifier}: the book's section 6.7 run by default (batch 8, AdamW lr 5e-5 and
 * weight decay 0.1, 5 epochs, evaluation every 50 steps over 5 batches, seed 123; with LoRA
 * appendix E's lr 8e-4).
 */
public final class FinetuneClassifier {
    /**
     * The command's settings.
     *
     * @param gpt2 a GPT-2 {@code model.safetensors} file or size name to start from, or null
     * @param checkpoint a {@code pretrain} checkpoint to start from, or null
     * @param scratchConfig the model to start from when neither is given (random weights)
     * @param maxLength the padded length, or null for the longest training message
     * @param padToContext whether to pad to the model's context length (exercise 6.1)
     * @param trainAllLayers whether to train every layer (exercise 6.2)
     * @param firstToken whether to classify on the first token instead of the last (exercise 6.3)
     * @param loraRank the LoRA rank, or null for no LoRA (appendix E)
     * @param loraAlpha the LoRA alpha
     * @param batchSize the examples per batch
     * @param lr the AdamW learning rate
     * @param weightDecay the AdamW weight decay
     * @param epochs the passes over the training data
     * @param evalFreq evaluate every this many steps
     * @param evalIter the batches per evaluation
     * @param seed the seed
     * @param trainLimit use at most this many training messages, or null for all
     * @param outDir the folder for the data, plots and checkpoint
     * @param threads the number of compute threads
     */
    public record Settings(String gpt2, Path checkpoint, GPTConfig scratchConfig, Integer maxLength, boolean padToContext,
                           boolean trainAllLayers, boolean firstToken, Integer loraRank, double loraAlpha, int batchSize, double lr,
                           double weightDecay, int epochs, int evalFreq, int evalIter, long seed, Integer trainLimit, Path outDir, int threads) {
    }

    /**
     * What a run produced.
     *
     * @param history the losses and accuracies during training
     * @param trainAccuracy the accuracy on the whole training set
     * @param valAccuracy the accuracy on the whole validation set
     * @param testAccuracy the accuracy on the whole test set
     * @param model the fine-tuned model
     */
    public record Result(Classification.History history, double trainAccuracy, double valAccuracy, double testAccuracy, GPTModel model) {
    }

    static final Options.Spec OPTIONS = ModelSource.modelOptions(new Options.Spec("finetune-classifier", "[OPTIONS]",
                    "Chapter 6: fine-tune a spam classifier (the book's section 6.7 run; outputs in runs/classifier)."), "gpt2")
            .integer("--max-length", "N", null, 1, Integer.MAX_VALUE, "pad messages to N tokens (default: the longest training message)")
            .flag("--pad-to-context", "pad to the model's context length (exercise 6.1)")
            .flag("--train-all-layers", "train every layer (exercise 6.2)")
            .flag("--first-token", "classify on the first token instead of the last (exercise 6.3)")
            .integer("--lora-rank", "R", null, 1, 1 << 16, "LoRA of rank R on every linear layer (appendix E; default: no LoRA)")
            .number("--lora-alpha", "A", null, Options.Range.above(0), "LoRA alpha (default: the rank)")
            .training(8, null, 0.1, 5, 50, 5, 123, Path.of("runs", "classifier").toString())
            .integer("--train-limit", "N", null, 1, Integer.MAX_VALUE, "use at most N training messages (default: all)");

    private FinetuneClassifier() {
    }

    static Settings parse(List<String> args) {
        Options o = OPTIONS.parse(args);
        GPTConfig scratch = ModelSource.scratchConfig(o, "finetune-classifier");
        Integer rank = o.optionalInteger("--lora-rank");
        if (rank == null && o.given("--lora-alpha")) throw new UsageException("finetune-classifier: --lora-alpha needs --lora-rank");
        if (o.flag("--pad-to-context") && o.given("--max-length"))
            throw new UsageException("finetune-classifier: give --max-length or --pad-to-context, not both");
        double lr = o.number("--lr", rank != null ? 8e-4 : 5e-5);
        return new Settings(o.text("--gpt2"), o.path("--checkpoint"), scratch, o.optionalInteger("--max-length"),
                o.flag("--pad-to-context"), o.flag("--train-all-layers"), o.flag("--first-token"), rank, o.number("--lora-alpha", rank == null ? 16 : rank),
                o.integer("--batch"), lr, o.number("--weight-decay"), o.integer("--epochs"), o.integer("--eval-freq"),
                o.integer("--eval-iter"), o.longValue("--seed"), o.optionalInteger("--train-limit"), o.path("--out"),
                o.integer("--threads", ScratchLLM.getNumThreads()));
    }

    /**
     * Runs the whole job.
     *
     * @param s the settings
     * @param out where to print the progress and results
     * @return the history, final accuracies and model
     * @throws IOException if data or weights cannot be read or outputs cannot be written
     */
    public static Result run(Settings s, PrintStream out) throws IOException {
        try (var claim = Main.claimOutput(s.outDir(), "finetune-classifier", out, "data/", "loss-plot.png", "accuracy-plot.png")) {
            return runClaimed(s, out);
        }
    }

    private static Result runClaimed(Settings s, PrintStream out) throws IOException {
        Main.startJob("classification fine-tuning (chapter 6)", s.threads(), out);
        GPT2Tokenizer tokenizer = GPT2Tokenizer.load();
        GPTModel model = ModelSource.load(s.gpt2(), s.checkpoint(), s.scratchConfig(), 0.0, s.seed(), out);
        int context = model.config().contextLength();

        // 6.2 the data, written as the book's CSV files
        Path dataDir = s.outDir().resolve("data");
        SpamData.Split<LabeledText> split = SpamData.prepare(dataDir);
        List<LabeledText> trainRows = s.trainLimit() == null ? split.train() : split.train().subList(0, Math.min(s.trainLimit(), split.train().size()));
        out.printf(Locale.ROOT, "Data: %d training, %d validation, %d test messages (balanced ham/spam, written to %s)%n",
                trainRows.size(), split.validation().size(), split.test().size(), dataDir);

        // 6.3 data sets and loaders
        Integer maxLength = s.padToContext() ? Integer.valueOf(context) : s.maxLength();
        SpamDataset train = new SpamDataset(trainRows, tokenizer, maxLength, SpamDataset.PAD_TOKEN_ID);
        if (train.maxLength() > context)
            throw new IllegalArgumentException("finetune-classifier: the longest training message has " + train.maxLength() + " tokens, but the model's context is "
                    + context + "; pass --max-length " + context);
        SpamDataset val = new SpamDataset(split.validation(), tokenizer, train.maxLength(), SpamDataset.PAD_TOKEN_ID);
        SpamDataset test = new SpamDataset(split.test(), tokenizer, train.maxLength(), SpamDataset.PAD_TOKEN_ID);
        ScratchLLM.manualSeed(s.seed());
        DataLoader<Tensor[], Tensor[]> trainLoader = DataLoader.of(train, s.batchSize(), true, true);
        DataLoader<Tensor[], Tensor[]> valLoader = DataLoader.of(val, s.batchSize(), false, false);
        DataLoader<Tensor[], Tensor[]> testLoader = DataLoader.of(test, s.batchSize(), false, false);
        out.printf(Locale.ROOT, "Loaders: %d training, %d validation, %d test batches of %d x %d tokens%n", trainLoader.size(), valLoader.size(),
                testLoader.size(), s.batchSize(), train.maxLength());
        Main.requireBatches("finetune-classifier", trainLoader.size(), trainRows.size(), valLoader.size(), s.batchSize(), "messages");

        // 6.5 the classification head (and appendix E's LoRA)
        Classification.prepareForClassification(model, 2, s.seed(), s.trainAllLayers());
        if (s.loraRank() != null) {
            model.requiresGrad(false);
            LoRA.replaceLinearWithLora(model, s.loraRank(), s.loraAlpha());
            out.printf(Locale.ROOT, "LoRA: rank %d, alpha %s on every linear layer%n", s.loraRank(), fmt(s.loraAlpha()));
        }
        int tokenIndex = s.firstToken() ? Classification.FIRST_TOKEN : Classification.LAST_TOKEN;
        out.printf(Locale.ROOT, "Model: %,d parameters, %,d trainable; classifying on the %s token%n%n", model.numParameters(),
                model.numTrainableParameters(), s.firstToken() ? "first" : "last");

        // 6.6 the accuracies before training
        ScratchLLM.manualSeed(s.seed());
        out.printf(Locale.ROOT, "Before fine-tuning (10 batches): training accuracy %.2f%%, validation accuracy %.2f%%, test accuracy %.2f%%%n",
                100 * Classification.calcAccuracyLoader(trainLoader, model, 10, tokenIndex),
                100 * Classification.calcAccuracyLoader(valLoader, model, 10, tokenIndex),
                100 * Classification.calcAccuracyLoader(testLoader, model, 10, tokenIndex));

        // 6.7 training
        ScratchLLM.manualSeed(s.seed());
        AdamW optimizer = new AdamW(model.parameters(), s.lr(), s.weightDecay());
        boolean live = System.console() != null;
        long started = System.nanoTime();
        Classification.Listener printing = Classification.Listener.printing(out);
        Classification.Listener listener = new Classification.Listener() {
            ProgressBar bar;
            long epochStart, seen0;

            @Override
            public void onBatch(int epoch, long step, double loss, long examplesSeen) {
                if (bar == null) {
                    bar = new ProgressBar(out, String.format(Locale.ROOT, "Epoch %d/%d", epoch + 1, s.epochs()), trainLoader.size(), live);
                    epochStart = System.nanoTime();
                    seen0 = examplesSeen - s.batchSize();
                }
                double secs = Math.max(1e-9, (System.nanoTime() - epochStart) / 1e9);
                bar.step(String.format(Locale.ROOT, "loss %.3f | %.1f examples/s", loss, (examplesSeen - seen0) / secs));
            }

            @Override
            public void onEval(int epoch, long step, double trainLoss, double valLoss, long examplesSeen) {
                if (live) out.print("\r\033[2K");
                printing.onEval(epoch, step, trainLoss, valLoss, examplesSeen);
            }

            @Override
            public void onEpochEnd(int epoch, double trainAccuracy, double valAccuracy) {
                if (bar != null) bar.finish();
                bar = null;
                printing.onEpochEnd(epoch, trainAccuracy, valAccuracy);
            }
        };
        Classification.History h = Classification.trainClassifierSimple(model, trainLoader, valLoader, optimizer,
                new Classification.Options(s.epochs(), s.evalFreq(), s.evalIter(), tokenIndex, listener));
        out.printf(Locale.ROOT, "Training completed in %.2f minutes.%n%n", (System.nanoTime() - started) / 6e10);

        // plots, full-set accuracies, checkpoint
        Files.createDirectories(s.outDir());
        if (!h.trainLosses().isEmpty()) {
            LossPlot.write(s.outDir().resolve("loss-plot.png"), Classification.linspace(s.epochs(), h.trainLosses().size()),
                    longs(Classification.linspace(h.examplesSeen(), h.trainLosses().size())), "Examples seen", h.trainLosses(), h.valLosses(), "Loss");
            LossPlot.write(s.outDir().resolve("accuracy-plot.png"), Classification.linspace(s.epochs(), h.trainAccs().size()),
                    longs(Classification.linspace(h.examplesSeen(), h.trainAccs().size())), "Examples seen", h.trainAccs(), h.valAccs(), "Accuracy");
        }
        double trainAcc = Classification.calcAccuracyLoader(trainLoader, model, -1, tokenIndex);
        double valAcc = Classification.calcAccuracyLoader(valLoader, model, -1, tokenIndex);
        double testAcc = Classification.calcAccuracyLoader(testLoader, model, -1, tokenIndex);
        out.printf(Locale.ROOT, "Training accuracy: %.2f%%%nValidation accuracy: %.2f%%%nTest accuracy: %.2f%%%n%n", trainAcc * 100, valAcc * 100, testAcc * 100);

        Map<String, String> extra = new LinkedHashMap<>();
        extra.put("task", "classifier");
        extra.put("gpt.config", model.config().toJson());
        extra.put("num_classes", "2");
        extra.put("max_length", Integer.toString(train.maxLength()));
        extra.put("token_index", Integer.toString(tokenIndex));
        extra.put("pad_token_id", Integer.toString(SpamDataset.PAD_TOKEN_ID));
        if (s.loraRank() != null) {
            extra.put("lora.rank", Integer.toString(s.loraRank()));
            extra.put("lora.alpha", Double.toString(s.loraAlpha()));
        }
        Path ckpt = s.outDir().resolve("checkpoint");
        Checkpoint.save(ckpt, model, optimizer, (long) trainLoader.size() * s.epochs(), s.epochs(), extra);
        if (!h.trainLosses().isEmpty()) out.println("Plots:      " + s.outDir().resolve("loss-plot.png").toAbsolutePath() + ", accuracy-plot.png");
        out.println("Checkpoint: " + ckpt.toAbsolutePath());

        // 6.8 using the classifier
        for (String text : List.of(Classify.BOOK_SPAM, Classify.BOOK_HAM))
            out.println((Classification.classifyReview(text, model, tokenizer, train.maxLength(), SpamDataset.PAD_TOKEN_ID, tokenIndex) == 1 ? "spam" : "not spam")
                    + " <- \"" + text + "\"");
        return new Result(h, trainAcc, valAcc, testAcc, model);
    }

    private static List<Long> longs(List<Double> xs) {
        List<Long> out = new ArrayList<>(xs.size());
        for (double x : xs) out.add(Math.round(x));
        return out;
    }

    static String fmt(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }
}
