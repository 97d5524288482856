/*
 * Llama3Chat: Llama 3 Instruct's chat format for the server and the chat command, as token ids
 * (llama.Llama3ChatFormat: <|begin_of_text|>, a header per message, <|eot_id|> after each, an open
 * assistant header). The messages' text is encoded as plain text: "<|eot_id|>" typed by a user
 * stays characters. The reply ends at <|eot_id|> (or <|end_of_text|>), which the backend stops on.
 *
 * It does not add Llama 3.1+'s default system message with dates, nor tool calls.
 */
package dev.scratchllm.serve;

import dev.scratchllm.llama.Llama3ChatFormat;
import dev.scratchllm.llama.Llama3Tokenizer;

import java.util.List;
import java.util.function.Function;

/** Llama 3 Instruct's {@link ChatFormat}. */
public final class Llama3Chat implements ChatFormat {
    private final Llama3Tokenizer tokenizer;
    private final Llama3ChatFormat format;

    /**
     * The format over a Llama 3 tokenizer.
     *
     * @param tokenizer the tokenizer
     */
    public Llama3Chat(Llama3Tokenizer tokenizer) {
        this.tokenizer = tokenizer;
        this.format = new Llama3ChatFormat(tokenizer);
    }

    @Override
    public String name() {
        return "llama3";
    }

    /** The prompt as text (the decoded ids, special tokens written out), for logs and {@code /api/show}. */
    @Override
    public String chatPrompt(List<ChatMessage> messages) {
        return tokenizer.decode(encodeChat(messages, null));
    }

    @Override
    public int[] encodeChat(List<ChatMessage> messages, Function<String, int[]> encoder) {
        if (messages.isEmpty()) throw new IllegalArgumentException("llama3 chat format: no messages");
        return format.encodeDialogPrompt(convert(messages));
    }

    @Override
    public int[] encodeGenerate(String system, String prompt, Function<String, int[]> encoder) {
        return encodeChat(system == null ? List.of(new ChatMessage("user", prompt))
                : List.of(new ChatMessage("system", system), new ChatMessage("user", prompt)), encoder);
    }

    /** The server's messages as the tokenizer package's. */
    static List<dev.scratchllm.tokenizer.ChatMessage> convert(List<ChatMessage> messages) {
        return messages.stream().map(m -> new dev.scratchllm.tokenizer.ChatMessage(m.role(), m.content())).toList();
    }
}
