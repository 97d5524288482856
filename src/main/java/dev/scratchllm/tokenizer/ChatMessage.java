// One message of a chat, as the chat formats of Llama 3 and Qwen3 take it ({"role": ..., "content": ...}).
// It does: hold a role and a content. It does not: format or tokenise (Llama3ChatFormat, Qwen3Tokenizer do).
package dev.scratchllm.tokenizer;

/**
 * A chat message: a role ({@code system}, {@code user}, {@code assistant}, {@code tool}, ...)
 * and its text.
 *
 * @param role    the speaker's role
 * @param content the text of the message
 */
public record ChatMessage(String role, String content) {
    /**
     * Checks that neither part is null.
     *
     * @param role    the speaker's role
     * @param content the text of the message
     */
    public ChatMessage {
        if (role == null || content == null) throw new IllegalArgumentException("ChatMessage: role and content must not be null (role=" + role + ")");
    }

    /**
     * A system message.
     *
     * @param content the text
     * @return the message
     */
    public static ChatMessage system(String content) {
        return new ChatMessage("system", content);
    }

    /**
     * A user message.
     *
     * @param content the text
     * @return the message
     */
    public static ChatMessage user(String content) {
        return new ChatMessage("user", content);
    }

    /**
     * An assistant message.
     *
     * @param content the text
     * @return the message
     */
    public static ChatMessage assistant(String content) {
        return new ChatMessage("assistant", content);
    }
}
