/*
 * AlpacaChatFormat: chapter 7's prompt templates as a chat format, for a GPT-2 fine-tuned by
 * finetune-instructions. One user message gives exactly the prompt the model was trained on,
 * format_input(entry) + "\n\n### Response:\n" (or the Phi-3 style of exercise 7.1), so the model
 * writes the response next. Earlier turns become earlier instruction/response pairs, the way
 * few-shot examples are written; a system message replaces the Alpaca preamble (Phi-3 style has
 * no preamble, so it goes first on a line of its own).
 *
 * The model was trained on single-turn data: it does not remember turns any better than the
 * prompt lets it.
 */
package dev.scratchllm.serve;

import dev.scratchllm.finetune.InstructionData;
import dev.scratchllm.finetune.InstructionData.PromptStyle;

import java.util.List;

/** The book's instruction prompt (Alpaca or Phi-3 style) as a {@link ChatFormat}. */
public final class AlpacaChatFormat implements ChatFormat {
    private final PromptStyle style;

    /**
     * A format for a model fine-tuned with {@code style}.
     *
     * @param style the prompt style recorded in the checkpoint
     */
    public AlpacaChatFormat(PromptStyle style) {
        this.style = style;
    }

    @Override
    public String name() {
        return style == PromptStyle.ALPACA ? "alpaca" : "phi3";
    }

    @Override
    public String chatPrompt(List<ChatMessage> messages) {
        boolean alpaca = style == PromptStyle.ALPACA;
        StringBuilder sb = new StringBuilder();
        String system = null;
        boolean anyUser = false, open = false;
        for (ChatMessage m : messages) {
            switch (m.role()) {
                case "system" -> system = system == null ? m.content() : system + "\n" + m.content();
                case "user" -> {
                    if (!anyUser) sb.append(alpaca ? (system != null ? system : InstructionData.ALPACA_PREAMBLE) : system != null ? system + "\n" : "");
                    else if (!alpaca) sb.append('\n');
                    anyUser = true;
                    // format_input's instruction part, then the response header of the training text
                    sb.append(alpaca ? "\n\n### Instruction:\n" : "<|user|>\n").append(m.content());
                    sb.append(alpaca ? "\n\n### Response:\n" : "\n<|assistant|>:\n");
                    open = true;
                }
                default -> { // assistant: the answer to the instruction before it
                    if (!open) throw new IllegalArgumentException("an assistant message must follow a user message in the " + name() + " format");
                    sb.append(m.content());
                    open = false;
                }
            }
        }
        if (!anyUser) throw new IllegalArgumentException("the conversation has no user message");
        if (!open) throw new IllegalArgumentException("the conversation must end with a user message (or an assistant message to continue)");
        return sb.toString();
    }

    @Override
    public List<String> stopStrings() {
        return style == PromptStyle.ALPACA ? List.of("\n\n### Instruction:", "\n\n### Input:") : List.of("\n<|user|>");
    }
}
