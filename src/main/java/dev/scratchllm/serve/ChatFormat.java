/*
 * ChatFormat: how a model turns a conversation into the text it continues. Each model family has
 * its own (the book's instruction-tuned GPT-2 uses chapter 7's Alpaca prompt; a pretrained base
 * model gets a plain transcript; Llama 3 and Qwen 3 bring their own templates when their packages
 * implement this interface). A text format leaves tokenizing to the model (its ordinary
 * encoding, so special-token names in a message stay plain text); a format whose template holds
 * special tokens (Llama 3's headers, Qwen3's <|im_start|>) overrides encodeChat/encodeGenerate
 * to produce the ids itself, with the messages' text never read as special tokens.
 */
package dev.scratchllm.serve;

import java.util.List;
import java.util.function.Function;

/** A model's chat prompt format. */
public interface ChatFormat {
    /**
     * A short name shown in {@code /api/show} and the logs, e.g. {@code "alpaca"}.
     *
     * @return the name
     */
    String name();

    /**
     * The prompt for a conversation, ending where the assistant's next reply begins (a trailing
     * assistant message is continued).
     *
     * @param messages the conversation, oldest first, at least one message
     * @return the text the model continues
     * @throws IllegalArgumentException if the conversation cannot be formatted (no user message)
     */
    String chatPrompt(List<ChatMessage> messages);

    /**
     * The prompt for Ollama's {@code /api/generate} without {@code raw}: the format's template
     * applied to one user message (and an optional system message).
     *
     * @param system the system message, or null
     * @param prompt the user's text
     * @return the text the model continues
     */
    default String generatePrompt(String system, String prompt) {
        return system == null ? chatPrompt(List.of(new ChatMessage("user", prompt)))
                : chatPrompt(List.of(new ChatMessage("system", system), new ChatMessage("user", prompt)));
    }

    /**
     * Strings that end the assistant's turn (the start of the next turn's header); they are
     * added to each chat request's own stop strings.
     *
     * @return the stop strings, possibly empty
     */
    default List<String> stopStrings() {
        return List.of();
    }

    /**
     * The prompt ids of a conversation: by default {@code encoder} applied to {@link #chatPrompt}.
     *
     * @param messages the conversation, oldest first
     * @param encoder the model's ordinary encoding of text
     * @return the ids the model continues
     * @throws IllegalArgumentException if the conversation cannot be formatted
     */
    default int[] encodeChat(List<ChatMessage> messages, Function<String, int[]> encoder) {
        return encoder.apply(chatPrompt(messages));
    }

    /**
     * The prompt ids of Ollama's {@code /api/generate} without {@code raw}: by default
     * {@code encoder} applied to {@link #generatePrompt}.
     *
     * @param system the system message, or null
     * @param prompt the user's text
     * @param encoder the model's ordinary encoding of text
     * @return the ids the model continues
     */
    default int[] encodeGenerate(String system, String prompt, Function<String, int[]> encoder) {
        return encoder.apply(generatePrompt(system, prompt));
    }
}
