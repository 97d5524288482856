/*
 * Respond: the "respond" command: load an instruction model written by finetune-instructions
 * (its configuration, prompt style and LoRA wrappers are rebuilt from the checkpoint's record),
 * format an instruction (and optional input) with the model's prompt template, generate greedily
 * until <|endoftext|>, and print the extracted response.
 *
 * It does not keep a conversation (each call is one instruction) or sample.
 */
package dev.scratchllm.cli;

import dev.scratchllm.finetune.InstructionData;
import dev.scratchllm.finetune.InstructionEntry;
import dev.scratchllm.finetune.InstructionTuning;
import dev.scratchllm.gpt.GPTModel;
import dev.scratchllm.tokenizer.GPT2Tokenizer;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/** {@code respond --instruction TEXT [--input TEXT] [--checkpoint DIR] [--max-new-tokens N]} ({@code --max-tokens} is an alias). */
public final class Respond {
    /**
     * The command's settings.
     *
     * @param checkpoint the checkpoint written by {@code finetune-instructions}
     * @param instruction the instruction
     * @param input the input, possibly empty
     * @param maxNewTokens the most tokens to generate
     */
    public record Settings(Path checkpoint, String instruction, String input, int maxNewTokens) {
    }

    private Respond() {
    }

    static final Options.Spec OPTIONS = new Options.Spec("respond", "--instruction TEXT [OPTIONS]", "Answer an instruction with a fine-tuned instruction model.")
            .text("--instruction", "TEXT", null, "the instruction (required)")
            .text("--input", "TEXT", "", "the instruction's input, if any")
            .path("--checkpoint", "DIR", Path.of("runs", "instructions", "checkpoint").toString(), "checkpoint folder written by finetune-instructions")
            .integer("--max-new-tokens", "N", 256, 1, Integer.MAX_VALUE, "most tokens of the response")
            .alias("--max-tokens", "--max-new-tokens");

    static Settings parse(List<String> args) {
        Options o = OPTIONS.parse(args);
        String instruction = o.text("--instruction");
        if (instruction == null || instruction.isBlank()) throw new UsageException("respond: --instruction TEXT is required (a non-empty instruction)");
        return new Settings(o.path("--checkpoint"), instruction, o.text("--input"), o.integer("--max-new-tokens"));
    }

    /**
     * Prints and returns the response.
     *
     * @param s the settings
     * @param out where to print
     * @return the response
     * @throws IOException if the checkpoint cannot be read
     */
    public static String run(Settings s, PrintStream out) throws IOException {
        GPTModel model = ModelSource.loadFineTuned(s.checkpoint(), "instructions");
        InstructionData.PromptStyle style = InstructionData.PromptStyle.valueOf(ModelSource.extra(s.checkpoint()).getOrDefault("prompt_style", "ALPACA"));
        String response = InstructionTuning.generateResponse(model, GPT2Tokenizer.load(), new InstructionEntry(s.instruction(), s.input(), ""),
                s.maxNewTokens(), model.config().contextLength(), style);
        out.println(response);
        return response;
    }
}
