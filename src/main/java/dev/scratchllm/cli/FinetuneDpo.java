package dev.scratchllm.cli;

import dev.scratchllm.ScratchLLM;
import dev.scratchllm.data.DataLoader;
import dev.scratchllm.finetune.Classification;
import dev.scratchllm.finetune.DPO;
import dev.scratchllm.finetune.InstructionData;
import dev.scratchllm.finetune.InstructionTuning;
import dev.scratchllm.finetune.PreferenceCollate;
import dev.scratchllm.finetune.PreferenceData;
import dev.scratchllm.finetune.PreferenceDataset;
import dev.scratchllm.finetune.PreferenceEntry;
import dev.scratchllm.gpt.GPTConfig;
import dev.scratchllm.gpt.GPTModel;
import dev.scratchllm.io.AtomicFiles;
import dev.scratchllm.io.Checkpoint;
import dev.scratchllm.io.Json;
import dev.scratchllm.optim.AdamW;
import dev.scratchllm.tokenizer.GPT2Tokenizer;
import dev.scratchllm.train.LossPlot;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code finetune-dpo}: the book repository's DPO bonus (chapter 7) on an instruction-tuned model —
 * by default the notebook's settings: beta 0.1, AdamW lr 5e-6 and weight decay 0.01, 1 epoch,
 * batch 8, evaluation every 5 steps over 5 batches, seed 123, prompts masked, at most 1024
 * tokens. The policy starts from the model, a frozen copy is the reference; the run prints the
 * notebook's evaluation lines, plots losses and reward margins, saves the tuned model as an
 * {@code instructions} checkpoint (so {@code respond} takes it) and writes the reference's and
 * the policy's responses to the first validation entries side by side.
 */
public final class FinetuneDpo {
    /**
     * The command's settings.
     *
     * @param gpt2 GPT-2 weights to start from (an instruction-tuned {@code model.safetensors}), or null
     * @param checkpoint a {@code finetune-instructions} checkpoint to start from, or null
     * @param beta the DPO beta
     * @param batchSize the pairs per batch
     * @param lr the AdamW learning rate
     * @param weightDecay the AdamW weight decay
     * @param epochs the passes over the training pairs
     * @param evalFreq evaluate every this many steps
     * @param evalIter the batches per evaluation
     * @param seed the seed
     * @param allowedMaxLength the longest sequence, in tokens
     * @param maskPrompt whether prompt tokens are left out of the log-probabilities
     * @param trainLimit use at most this many training pairs, or null for all
     * @param responses how many validation entries to answer with both models
     * @param maxNewTokens the most tokens per response
     * @param outDir the folder for plots, checkpoint and responses
     * @param threads the number of compute threads
     */
    public record Settings(String gpt2, Path checkpoint, double beta, int batchSize, double lr, double weightDecay, int epochs, int evalFreq,
                           int evalIter, long seed, int allowedMaxLength, boolean maskPrompt, Integer trainLimit, int responses, int maxNewTokens,
                           Path outDir, int threads) {
    }

    /**
     * What a run produced.
     *
     * @param tracking the losses and rewards at each evaluation
     * @param before the loss and rewards on the validation data before training
     * @param responses per answered entry: instruction, input, output, reference_response, policy_response
     */
    public record Result(DPO.Tracking tracking, DPO.LoaderLoss before, List<Map<String, Object>> responses) {
    }

    private static final Set<String> VALUED = Set.of("--gpt2", "--checkpoint", "--beta", "--batch", "--lr", "--weight-decay", "--epochs",
            "--eval-freq", "--eval-iter", "--seed", "--allowed-max-length", "--train-limit", "--responses", "--max-new-tokens", "--out", "--threads");
    private static final Set<String> FLAGS = Set.of("--no-prompt-mask");

    private FinetuneDpo() {
    }

    static Settings parse(List<String> args) {
        ModelSource.Options o = new ModelSource.Options("finetune-dpo", args, VALUED, FLAGS);
        Settings s = new Settings(o.string("--gpt2", null), o.path("--checkpoint", null), o.number("--beta", 0.1), o.integer("--batch", 8),
                o.number("--lr", 5e-6), o.number("--weight-decay", 0.01), o.integer("--epochs", 1), o.integer("--eval-freq", 5), o.integer("--eval-iter", 5),
                o.integer("--seed", 123), o.integer("--allowed-max-length", 1024), !o.flag("--no-prompt-mask"), o.optionalInteger("--train-limit"),
                o.integer("--responses", 3), o.integer("--max-new-tokens", 256), o.path("--out", Path.of("runs", "dpo")), o.integer("--threads", ScratchLLM.getNumThreads()));
        if ((s.gpt2() == null) == (s.checkpoint() == null))
            throw new IllegalArgumentException("finetune-dpo: give the instruction-tuned model to start from: --checkpoint DIR (from finetune-instructions) or --gpt2 FILE");
        if (!(s.beta() > 0) || Double.isInfinite(s.beta())) throw new IllegalArgumentException("finetune-dpo: --beta must be positive, got " + s.beta());
        if (!(s.lr() > 0) || Double.isInfinite(s.lr())) throw new IllegalArgumentException("finetune-dpo: --lr must be positive, got " + s.lr());
        if (s.batchSize() < 1 || s.epochs() < 0 || s.evalFreq() < 1 || s.evalIter() < 1 || s.allowedMaxLength() < 2 || s.responses() < 0 || s.maxNewTokens() < 0
                || (s.trainLimit() != null && s.trainLimit() < 1))
            throw new IllegalArgumentException("finetune-dpo: --batch, --eval-freq, --eval-iter and --train-limit must be at least 1, --allowed-max-length at least 2, "
                    + "--epochs, --responses and --max-new-tokens at least 0");
        return s;
    }

    private static GPTModel loadModel(Settings s, PrintStream out) throws IOException {
        if (s.checkpoint() != null) return ModelSource.loadFineTuned(s.checkpoint(), "instructions");
        GPTModel m = ModelSource.load(s.gpt2(), null, null, 0.0, s.seed(), out);
        m.eval();
        return m;
    }

    /**
     * Runs the whole job.
     *
     * @param s the settings
     * @param out where to print the progress and results
     * @return the tracked values, the loss before training and the responses
     * @throws IOException if data or weights cannot be read or outputs cannot be written
     */
    public static Result run(Settings s, PrintStream out) throws IOException {
        try (var claim = Main.claimOutput(s.outDir(), "finetune-dpo", out)) {
            return runClaimed(s, out);
        }
    }

    private static Result runClaimed(Settings s, PrintStream out) throws IOException {
        Main.startJob("preference tuning with DPO (chapter 7 bonus)", s.threads(), out);
        GPT2Tokenizer tokenizer = GPT2Tokenizer.load();
        GPTModel policy = loadModel(s, out);
        GPTModel reference = loadModel(s, out); // the same weights, frozen
        reference.eval();
        for (var p : reference.parameters()) p.requiresGrad(false);
        GPTConfig cfg = policy.config();

        PreferenceData.Split split = PreferenceData.split(PreferenceData.load());
        List<PreferenceEntry> train = s.trainLimit() == null ? split.train() : split.train().subList(0, Math.min(s.trainLimit(), split.train().size()));
        out.printf(Locale.ROOT, "Data: %d training, %d validation, %d test pairs%n", train.size(), split.validation().size(), split.test().size());
        int allowed = Math.min(s.allowedMaxLength(), cfg.contextLength());
        var collate = PreferenceCollate.customCollateFn(PreferenceCollate.PAD_TOKEN_ID, allowed, s.maskPrompt());
        ScratchLLM.manualSeed(s.seed());
        DataLoader<PreferenceDataset.Encoded, PreferenceCollate.PreferenceBatch> trainLoader =
                new DataLoader<>(new PreferenceDataset(train, tokenizer), s.batchSize(), true, true, collate, null);
        DataLoader<PreferenceDataset.Encoded, PreferenceCollate.PreferenceBatch> valLoader =
                new DataLoader<>(new PreferenceDataset(split.validation(), tokenizer), s.batchSize(), false, false, collate, null);
        out.printf(Locale.ROOT, "Loaders: %d training and %d validation batches of %d pairs (at most %d tokens, prompts %s)%n",
                trainLoader.size(), valLoader.size(), s.batchSize(), allowed, s.maskPrompt() ? "masked" : "scored too");
        Main.requireBatches("finetune-dpo", trainLoader.size(), train.size(), valLoader.size(), s.batchSize(), "pairs");

        ScratchLLM.manualSeed(s.seed());
        DPO.LoaderLoss[] before = DPO.evaluateDpoLossLoader(policy, reference, trainLoader, valLoader, s.beta(), s.evalIter());
        out.printf(Locale.ROOT, "Before training: loss %.3f (training), %.3f (validation); reward margins %.3f, %.3f%n%n",
                before[0].loss(), before[1].loss(), before[0].margin(), before[1].margin());

        ScratchLLM.manualSeed(s.seed());
        AdamW optimizer = new AdamW(policy.parameters(), s.lr(), s.weightDecay());
        long started = System.nanoTime();
        String startContext = InstructionData.formatInput(split.validation().get(Math.min(2, split.validation().size() - 1)).asInstruction());
        DPO.Tracking t = DPO.trainModelDpoSimple(policy, reference, trainLoader, valLoader, optimizer, s.epochs(), s.beta(), s.evalFreq(), s.evalIter(), out,
                epoch -> {
                    policy.eval(); // the notebook's generate_and_print_sample
                    var ids = dev.scratchllm.gpt.Generation.generateTextSimple(policy, dev.scratchllm.train.TextGeneration.textToTokenIds(startContext, tokenizer),
                            50, cfg.contextLength());
                    out.println(dev.scratchllm.train.TextGeneration.tokenIdsToText(ids, tokenizer).replace("\n", " "));
                    policy.train();
                });
        out.printf(Locale.ROOT, "Training completed in %.2f minutes.%n%n", (System.nanoTime() - started) / 6e10);

        int n = t.trainLosses().size();
        if (n > 0) {
            List<Double> x = Classification.linspace(s.epochs(), n);
            LossPlot.write(s.outDir().resolve("loss-plot.png"), x, t.tokensSeen(), t.trainLosses(), t.valLosses(), "Loss");
            LossPlot.write(s.outDir().resolve("reward-margins-plot.png"), x, t.tokensSeen(), t.trainMargins(), t.valMargins(), "Reward margins");
            out.println("Plots:      " + s.outDir().resolve("loss-plot.png").toAbsolutePath() + ", reward-margins-plot.png");
        }
        Map<String, String> extra = new LinkedHashMap<>(s.checkpoint() != null ? ModelSource.extra(s.checkpoint()) : Map.of());
        extra.put("task", "instructions");
        extra.put("gpt.config", cfg.toJson());
        extra.putIfAbsent("prompt_style", InstructionData.PromptStyle.ALPACA.name());
        extra.put("dpo.beta", Double.toString(s.beta()));
        Path ckpt = s.outDir().resolve("checkpoint");
        Checkpoint.save(ckpt, policy, optimizer, (long) trainLoader.size() * s.epochs(), s.epochs(), extra);
        out.println("Checkpoint: " + ckpt.toAbsolutePath() + "\n");

        List<Map<String, Object>> responses = new ArrayList<>();
        for (PreferenceEntry e : split.validation().subList(0, Math.min(s.responses(), split.validation().size()))) {
            ScratchLLM.manualSeed(s.seed());
            String ref = InstructionTuning.generateResponse(reference, tokenizer, e.asInstruction(), s.maxNewTokens(), cfg.contextLength());
            ScratchLLM.manualSeed(s.seed());
            String pol = InstructionTuning.generateResponse(policy, tokenizer, e.asInstruction(), s.maxNewTokens(), cfg.contextLength());
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("instruction", e.instruction());
            m.put("input", e.input());
            m.put("output", e.output());
            m.put("reference_response", ref);
            m.put("policy_response", pol);
            responses.add(m);
            out.println(InstructionData.formatInput(e.asInstruction()));
            out.println("\nCorrect response:\n>> " + e.output());
            out.println("\nReference model response:\n>> " + ref);
            out.println("\nPolicy model response:\n>> " + pol);
            out.println("\n-------------------------------------\n");
        }
        Path file = s.outDir().resolve("dpo-responses.json");
        AtomicFiles.writeString(file, Json.write(responses));
        out.println("Responses:  " + file.toAbsolutePath());
        return new Result(t, before[1], responses);
    }
}
