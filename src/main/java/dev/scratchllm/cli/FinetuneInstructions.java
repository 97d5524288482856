/*
 * FinetuneInstructions: the "finetune-instructions" command, chapter 7 end to end: load and split
 * instruction-data.json, build InstructionDatasets and loaders with customCollate, start from
 * GPT-2's weights, a pretrain checkpoint or a fresh model, train with train_model_simple
 * (progress bar, the book's log lines, a greedy sample after each epoch), plot the losses, save a
 * checkpoint, generate the test-set responses into instruction-data-with-response.json, and score
 * them with Ollama when a server is running (section 7.8). Exercises 7.1 (Phi-3 prompts),
 * 7.2 (masked instructions) and 7.4 (LoRA) are options.
 *
 * It does not download GPT-2 unless asked to (--gpt2 gpt2-medium) and does not install Ollama.
 */
package dev.scratchllm.cli;

import dev.scratchllm.ScratchLLM;
import dev.scratchllm.data.DataLoader;
import dev.scratchllm.finetune.Collate;
import dev.scratchllm.finetune.InstructionData;
import dev.scratchllm.finetune.InstructionDataset;
import dev.scratchllm.finetune.InstructionDatasetWithMasking;
import dev.scratchllm.finetune.InstructionEntry;
import dev.scratchllm.finetune.InstructionTuning;
import dev.scratchllm.finetune.LoRA;
import dev.scratchllm.finetune.OllamaClient;
import dev.scratchllm.gpt.GPTConfig;
import dev.scratchllm.gpt.GPTModel;
import dev.scratchllm.gpt.Generation;
import dev.scratchllm.io.Checkpoint;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code finetune-instructions}: the book's section 7.6 run by default (batch 8, AdamW lr 5e-5
 * and weight decay 0.1, 2 epochs, evaluation every 5 steps over 5 batches, seed 123,
 * {@code allowed_max_length} 1024, responses of up to 256 tokens).
 */
public final class FinetuneInstructions {
    /**
     * The command's settings.
     *
     * @param gpt2 a GPT-2 {@code model.safetensors} file or size name to start from, or null
     * @param checkpoint a {@code pretrain} checkpoint to start from, or null
     * @param scratchConfig the model to start from when neither is given (random weights)
     * @param phi3 whether to use the Phi-3 prompt style (exercise 7.1)
     * @param maskInstructions whether to mask the instruction in the targets (exercise 7.2)
     * @param loraRank the LoRA rank, or null for no LoRA (exercise 7.4)
     * @param loraAlpha the LoRA alpha
     * @param batchSize the examples per batch
     * @param lr the AdamW learning rate
     * @param weightDecay the AdamW weight decay
     * @param epochs the passes over the training data
     * @param evalFreq evaluate every this many steps
     * @param evalIter the batches per evaluation
     * @param seed the seed
     * @param allowedMaxLength the longest training sequence, in tokens
     * @param trainLimit use at most this many training entries, or null for all
     * @param testLimit answer at most this many test entries, or null for all
     * @param maxNewTokens the most tokens per response
     * @param ollamaModel the Ollama model that scores the responses
     * @param outDir the folder for the plot, checkpoint and responses
     * @param threads the number of compute threads
     */
    public record Settings(String gpt2, Path checkpoint, GPTConfig scratchConfig, boolean phi3, boolean maskInstructions, Integer loraRank,
                           double loraAlpha, int batchSize, double lr, double weightDecay, int epochs, int evalFreq, int evalIter, long seed,
                           int allowedMaxLength, Integer trainLimit, Integer testLimit, int maxNewTokens, String ollamaModel, Path outDir, int threads) {
    }

    /**
     * What a run produced.
     *
     * @param history the losses during training
     * @param responses the test entries with their generated responses
     * @param model the fine-tuned model
     */
    public record Result(Training.History history, List<InstructionEntry> responses, GPTModel model) {
    }

    static final Options.Spec OPTIONS = ModelSource.modelOptions(new Options.Spec("finetune-instructions", "[OPTIONS]",
                    "Chapter 7: instruction fine-tuning, test-set responses, Ollama scoring (the book's section 7.6 run; outputs in runs/instructions)."),
                    "gpt2-medium")
            .flag("--phi3", "Phi-3 prompts instead of Alpaca (exercise 7.1)")
            .flag("--mask-instructions", "mask the instruction in the targets (exercise 7.2)")
            .integer("--lora-rank", "R", null, 1, 1 << 16, "LoRA of rank R (exercise 7.4; default: no LoRA)")
            .number("--lora-alpha", "A", null, Options.Range.above(0), "LoRA alpha (default: the rank)")
            .training(8, 5e-5, 0.1, 2, 5, 5, 123, Path.of("runs", "instructions").toString())
            .integer("--allowed-max-length", "N", 1024, 1, Integer.MAX_VALUE, "longest training sequence in tokens (at most the context)")
            .integer("--train-limit", "N", null, 1, Integer.MAX_VALUE, "use at most N training entries (default: all)")
            .integer("--test-limit", "N", null, 1, Integer.MAX_VALUE, "answer at most N test entries (default: all)")
            .integer("--max-new-tokens", "N", 256, 1, Integer.MAX_VALUE, "most tokens per response")
            .alias("--max-tokens", "--max-new-tokens")
            .text("--ollama-model", "NAME", OllamaClient.DEFAULT_MODEL, "the Ollama model that scores the responses");

    private FinetuneInstructions() {
    }

    static Settings parse(List<String> args) {
        Options o = OPTIONS.parse(args);
        GPTConfig scratch = ModelSource.scratchConfig(o, "finetune-instructions");
        Integer rank = o.optionalInteger("--lora-rank");
        if (rank == null && o.given("--lora-alpha")) throw new UsageException("finetune-instructions: --lora-alpha needs --lora-rank");
        if (o.flag("--phi3") && o.flag("--mask-instructions"))
            throw new UsageException("finetune-instructions: --phi3 and --mask-instructions together are not supported (nor in the book)");
        return new Settings(o.text("--gpt2"), o.path("--checkpoint"), scratch, o.flag("--phi3"), o.flag("--mask-instructions"), rank,
                o.number("--lora-alpha", rank == null ? 16 : rank), o.integer("--batch"), o.number("--lr"), o.number("--weight-decay"),
                o.integer("--epochs"), o.integer("--eval-freq"), o.integer("--eval-iter"), o.longValue("--seed"),
                o.integer("--allowed-max-length"), o.optionalInteger("--train-limit"), o.optionalInteger("--test-limit"),
                o.integer("--max-new-tokens"), o.text("--ollama-model"), o.path("--out"), o.integer("--threads", ScratchLLM.getNumThreads()));
    }

    /**
     * The instruction entries of {@code file}; refuses a file with too few for the book's split
     * (85% training, 10% test, the rest validation), naming the file.
     */
    static List<InstructionEntry> loadEntries(Path file) throws IOException {
        List<InstructionEntry> entries = InstructionData.load(file);
        if (entries.size() < MIN_ENTRIES)
            throw new IOException(file + ": " + entries.size() + " instruction entries; the book's 85/10/5 split needs at least " + MIN_ENTRIES
                    + " for a test and a validation entry (the book's file has 1,100)");
        return entries;
    }

    /** The fewest entries that give the split at least one test and one validation entry. */
    static final int MIN_ENTRIES = 10;

    /**
     * Runs the whole job.
     *
     * @param s the settings
     * @param out where to print the progress and results
     * @return the history, responses and model
     * @throws IOException if data or weights cannot be read, outputs cannot be written or scoring fails
     */
    public static Result run(Settings s, PrintStream out) throws IOException {
        try (var claim = Main.claimOutput(s.outDir(), "finetune-instructions", out, "loss-plot.png", "instruction-data-with-response.json")) {
            return runClaimed(s, out);
        }
    }

    private static Result runClaimed(Settings s, PrintStream out) throws IOException {
        Main.startJob("instruction fine-tuning (chapter 7)", s.threads(), out);
        GPT2Tokenizer tokenizer = GPT2Tokenizer.load();
        GPTModel model = ModelSource.load(s.gpt2(), s.checkpoint(), s.scratchConfig(), 0.0, s.seed(), out);
        GPTConfig cfg = model.config();
        InstructionData.PromptStyle style = s.phi3() ? InstructionData.PromptStyle.PHI3 : InstructionData.PromptStyle.ALPACA;

        // 7.2 data
        InstructionData.Split split = InstructionData.split(loadEntries(dev.scratchllm.data.BookData.path(InstructionData.FILE)));
        List<InstructionEntry> trainData = s.trainLimit() == null ? split.train() : split.train().subList(0, Math.min(s.trainLimit(), split.train().size()));
        List<InstructionEntry> testData = s.testLimit() == null ? split.test() : split.test().subList(0, Math.min(s.testLimit(), split.test().size()));
        out.printf(Locale.ROOT, "Data: %d training, %d validation, %d test entries (%s prompts%s)%n", trainData.size(), split.validation().size(),
                testData.size(), s.phi3() ? "Phi-3" : "Alpaca", s.maskInstructions() ? ", instructions masked in the targets" : "");

        // 7.3-7.4 loaders
        int allowed = Math.min(s.allowedMaxLength(), cfg.contextLength());
        ScratchLLM.manualSeed(s.seed());
        DataLoader<?, Tensor[]> trainLoader, valLoader;
        if (s.maskInstructions()) {
            trainLoader = new DataLoader<>(new InstructionDatasetWithMasking(trainData, tokenizer), s.batchSize(), true, true,
                    Collate.customCollateWithMaskingFn(allowed), null);
            valLoader = new DataLoader<>(new InstructionDatasetWithMasking(split.validation(), tokenizer), s.batchSize(), false, false,
                    Collate.customCollateWithMaskingFn(allowed), null);
        } else {
            trainLoader = new DataLoader<>(new InstructionDataset(trainData, tokenizer, style), s.batchSize(), true, true, Collate.customCollateFn(allowed), null);
            valLoader = new DataLoader<>(new InstructionDataset(split.validation(), tokenizer, style), s.batchSize(), false, false,
                    Collate.customCollateFn(allowed), null);
        }
        out.printf(Locale.ROOT, "Loaders: %d training and %d validation batches of %d (padded per batch, at most %d tokens)%n",
                trainLoader.size(), valLoader.size(), s.batchSize(), allowed);
        Main.requireBatches("finetune-instructions", trainLoader.size(), trainData.size(), valLoader.size(), s.batchSize(), "entries");
        if (s.loraRank() != null) {
            long n = LoRA.freezeAndApply(model, s.loraRank(), s.loraAlpha());
            out.printf(Locale.ROOT, "LoRA (exercise 7.4): rank %d, alpha %s, %,d trainable parameters%n", s.loraRank(), FinetuneClassifier.fmt(s.loraAlpha()), n);
        }
        out.printf(Locale.ROOT, "Model: %,d parameters, %,d trainable%n", model.numParameters(), model.numTrainableParameters());
        ScratchLLM.manualSeed(s.seed());
        out.printf(Locale.ROOT, "Initial losses: training %.3f, validation %.3f%n%n", Training.calcLossLoader(trainLoader, model, 5),
                Training.calcLossLoader(valLoader, model, 5));

        // 7.6 training
        String startContext = style.formatInput(split.validation().get(0));
        ScratchLLM.manualSeed(s.seed());
        AdamW optimizer = new AdamW(model.parameters(), s.lr(), s.weightDecay());
        boolean live = System.console() != null;
        long started = System.nanoTime();
        Training.Listener listener = new Training.Listener() {
            ProgressBar bar;
            long epochStart, tokens0;

            @Override
            public void onBatch(int epoch, long step, double loss, long tokensSeen) {
                if (bar == null) {
                    bar = new ProgressBar(out, String.format(Locale.ROOT, "Epoch %d/%d", epoch + 1, s.epochs()), trainLoader.size(), live);
                    epochStart = System.nanoTime();
                    tokens0 = tokensSeen;
                }
                double secs = Math.max(1e-9, (System.nanoTime() - epochStart) / 1e9);
                bar.step(String.format(Locale.ROOT, "loss %.3f | %.0f tok/s", loss, (tokensSeen - tokens0) / secs));
            }

            @Override
            public void onEval(int epoch, long step, double trainLoss, double valLoss, long tokensSeen, String word) {
                if (live) out.print("\r\033[2K");
                out.printf(Locale.ROOT, "Ep %d (Step %06d): Train loss %.3f, Val loss %.3f%n", epoch + 1, step, trainLoss, valLoss);
            }

            @Override
            public void onEpochEnd(int epoch) {
                if (bar != null) bar.finish();
                bar = null;
                model.eval(); // the book's generate_and_print_sample
                Tensor ids = Generation.generateTextSimple(model, TextGeneration.textToTokenIds(startContext, tokenizer), 50, cfg.contextLength());
                out.println(TextGeneration.tokenIdsToText(ids, tokenizer).replace("\n", " "));
                model.train();
            }
        };
        Training.History h = Training.trainModelSimple(model, trainLoader, valLoader, optimizer, new Training.Options(s.epochs(), s.evalFreq(), s.evalIter(), listener));
        out.printf(Locale.ROOT, "Training completed in %.2f minutes.%n%n", (System.nanoTime() - started) / 6e10);

        Files.createDirectories(s.outDir());
        int n = h.trainLosses().size();
        if (n > 0) {
            LossPlot.write(s.outDir().resolve("loss-plot.png"), dev.scratchllm.finetune.Classification.linspace(s.epochs(), n), h.tokensSeen(),
                    h.trainLosses(), h.valLosses(), "Loss");
            out.println("Loss plot:  " + s.outDir().resolve("loss-plot.png").toAbsolutePath());
        }
        Map<String, String> extra = new LinkedHashMap<>();
        extra.put("task", "instructions");
        extra.put("gpt.config", cfg.toJson());
        extra.put("prompt_style", style.name());
        if (s.loraRank() != null) {
            extra.put("lora.rank", Integer.toString(s.loraRank()));
            extra.put("lora.alpha", Double.toString(s.loraAlpha()));
        }
        Path ckpt = s.outDir().resolve("checkpoint");
        Checkpoint.save(ckpt, model, optimizer, (long) trainLoader.size() * s.epochs(), s.epochs(), extra);
        out.println("Checkpoint: " + ckpt.toAbsolutePath());

        // 7.7 responses
        ScratchLLM.manualSeed(s.seed());
        ProgressBar bar = new ProgressBar(out, "Responses", testData.size(), live);
        List<InstructionEntry> answered = InstructionTuning.generateResponses(model, tokenizer, testData, s.maxNewTokens(), cfg.contextLength(), style,
                done -> bar.step(""));
        bar.finish();
        Path responses = s.outDir().resolve("instruction-data-with-response.json");
        InstructionData.writeJson(responses, answered);
        out.println("Responses:  " + responses.toAbsolutePath() + "\n");
        for (InstructionEntry e : answered.subList(0, Math.min(3, answered.size()))) {
            out.println(style.formatInput(e));
            out.println("\nCorrect response:\n>> " + e.output());
            out.println("\nModel response:\n>> " + e.modelResponse());
            out.println("-------------------------------------");
        }

        // 7.8 scoring with Ollama, when a server is running
        OllamaClient ollama = new OllamaClient();
        if (!ollama.isRunning()) out.println(ollama.notRunningMessage());
        else {
            List<Integer> scores = ollama.generateModelScores(answered, s.ollamaModel(), out);
            out.printf(Locale.ROOT, "Number of scores: %d of %d%nAverage score: %.2f%n", scores.size(), answered.size(),
                    scores.stream().mapToInt(Integer::intValue).average().orElse(Double.NaN));
        }
        return new Result(h, answered, model);
    }
}
