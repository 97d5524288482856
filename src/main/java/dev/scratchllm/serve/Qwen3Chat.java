/*
 * Qwen3Chat: Qwen3's chat template for the server and the chat command, as token ids
 * (qwen.Qwen3Tokenizer.encodeChat: <|im_start|>role\n...<|im_end|>, an open assistant turn, and
 * with thinking off an empty <think></think> block so that the model answers directly). Special
 * tokens are recognised in the template's markup only: a user's "<|im_end|>" stays characters.
 * The reply ends at <|im_end|> (or <|endoftext|>), which the backend stops on.
 *
 * It does not render tools.
 */
package dev.scratchllm.serve;

import dev.scratchllm.qwen.Qwen3Tokenizer;

import java.util.List;
import java.util.function.Function;

/** Qwen3's {@link ChatFormat}. */
public final class Qwen3Chat implements ChatFormat {
    private final Qwen3Tokenizer tokenizer;
    private final boolean thinking;

    /**
     * The format over Qwen3's tokenizer.
     *
     * @param tokenizer the tokenizer
     * @param thinking whether the model may think first ({@code <think>…</think>}); false pre-fills an empty block
     */
    public Qwen3Chat(Qwen3Tokenizer tokenizer, boolean thinking) {
        this.tokenizer = tokenizer;
        this.thinking = thinking;
    }

    @Override
    public String name() {
        return thinking ? "qwen3-thinking" : "qwen3";
    }

    @Override
    public String chatPrompt(List<ChatMessage> messages) {
        return Qwen3Tokenizer.applyChatTemplate(Llama3Chat.convert(messages), true, thinking);
    }

    @Override
    public int[] encodeChat(List<ChatMessage> messages, Function<String, int[]> encoder) {
        if (messages.isEmpty()) throw new IllegalArgumentException("qwen3 chat format: no messages");
        return tokenizer.encodeChat(Llama3Chat.convert(messages), true, thinking);
    }

    @Override
    public int[] encodeGenerate(String system, String prompt, Function<String, int[]> encoder) {
        return encodeChat(system == null ? List.of(new ChatMessage("user", prompt))
                : List.of(new ChatMessage("system", system), new ChatMessage("user", prompt)), encoder);
    }
}
