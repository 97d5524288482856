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

    static final Options.Spec OPTIONS = new Options.Spec("finetune-dpo", "--checkpoint DIR | --gpt2 FILE [OPTIONS]",
            "Chapter 7 bonus: preference tuning with DPO of an instruction-tuned model (the notebook's run; outputs in runs/dpo).")
            .path("--checkpoint", "DIR", null, "start from a finetune-instructions checkpoint")
            .text("--gpt2", "FILE", null, "start from an instruction-tuned model.safetensors in GPT-2's layout")
            .number("--beta", "X", 0.1, Options.Range.above(0), "DPO beta (the book: 0.1 to 0.5)")
            .training(8, 5e-6, 0.01, 1, 5, 5, 123, Path.of("runs", "dpo").toString())
            .integer("--allowed-max-length", "N", 1024, 2, Integer.MAX_VALUE, "longest sequence in tokens (at most the context)")
            .flag("--no-prompt-mask", "score the prompt tokens too (the notebook masks them)")
            .integer("--train-limit", "N", null, 1, Integer.MAX_VALUE, "use at most N training pairs (default: all)")
            .integer("--responses", "N", 3, 0, Integer.MAX_VALUE, "validation entries answered by both models at the end")
            .integer("--max-new-tokens", "N", 256, 1, Integer.MAX_VALUE, "most tokens per response")
            .alias("--max-tokens", "--max-new-tokens");

    private FinetuneDpo() {
    }

    static Settings parse(List<String> args) {
        Options o = OPTIONS.parse(args);
        if (o.given("--gpt2") == o.given("--checkpoint"))
            throw new UsageException("finetune-dpo: give the instruction-tuned model to start from: --checkpoint DIR (from finetune-instructions) or --gpt2 FILE");
        return new Settings(o.text("--gpt2"), o.path("--checkpoint"), o.number("--beta"), o.integer("--batch"), o.number("--lr"), o.number("--weight-decay"),
                o.integer("--epochs"), o.integer("--eval-freq"), o.integer("--eval-iter"), o.longValue("--seed"), o.integer("--allowed-max-length"),
                !o.flag("--no-prompt-mask"), o.optionalInteger("--train-limit"), o.integer("--responses"), o.integer("--max-new-tokens"), o.path("--out"),
                o.integer("--threads", ScratchLLM.getNumThreads()));
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
        try (var claim = Main.claimOutput(s.outDir(), "finetune-dpo", out, "loss-plot.png", "reward-margins-plot.png", "dpo-responses.json")) {
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
