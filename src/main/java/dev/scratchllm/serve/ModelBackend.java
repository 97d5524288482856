/*
 * ModelBackend: what the server needs from a model, so that any architecture can be served: a
 * name, its context length, its tokenizer (encode, and a streaming decoder), its chat format, and
 * a decode loop that hands over each new token and stops when told. GPT-2 (Gpt2Backend) is the
 * first; CausalLMBackend runs any infer.CausalLM (GPT-2, Llama 3, Qwen3) this way.
 *
 * Implementations must allow generate() from several threads at once, each call with its own
 * state (the server's --parallel setting decides how many run together).
 */
package dev.scratchllm.serve;

import dev.scratchllm.tokenizer.StreamingDecoder;

import java.util.List;
import java.util.function.IntPredicate;

/** A model the server can run. */
public interface ModelBackend {
    /** Why a generation ended. */
    enum Finish {
        /** The model produced its end-of-text token. */
        EOS,
        /** {@code maxTokens} tokens were generated. */
        LENGTH,
        /** The caller's {@code onToken} returned false. */
        CALLER
    }

    /**
     * The model's name in the APIs ({@code "model"} fields), e.g. {@code "gpt2"}.
     *
     * @return the name
     */
    String id();

    /**
     * The architecture family, e.g. {@code "gpt2"} (Ollama's {@code details.family}).
     *
     * @return the family
     */
    String family();

    /**
     * The number of parameters.
     *
     * @return the count
     */
    long parameterCount();

    /**
     * The most tokens the model attends to at once.
     *
     * @return the context length
     */
    int contextLength();

    /**
     * How a conversation becomes a prompt.
     *
     * @return the chat format
     */
    ChatFormat chatFormat();

    /**
     * Token ids of user text; special-token names in it are plain text.
     *
     * @param text the text
     * @return the ids
     */
    int[] encode(String text);

    /**
     * The prompt to use for an empty prompt (GPT-2: its end-of-text token, as in unconditional sampling).
     *
     * @return the ids
     */
    int[] emptyPrompt();

    /**
     * A fresh incremental decoder for this model's tokens.
     *
     * @return the decoder
     */
    StreamingDecoder newDecoder();

    /**
     * Generates after {@code prompt}, calling {@code onToken} with each new token (the
     * end-of-text token excluded).
     *
     * @param prompt the prompt ids, at least one
     * @param params the settings ({@code maxTokens}, the sampling, the seed; stop strings are the caller's)
     * @param onToken gets each new id; returning false stops
     * @return why it ended
     */
    Finish generate(int[] prompt, SamplingParams params, IntPredicate onToken);

    /**
     * The prompt ids of a conversation in this model's chat format.
     *
     * @param messages the conversation, oldest first
     * @return the ids
     * @throws IllegalArgumentException if the conversation cannot be formatted
     */
    default int[] encodeChat(List<ChatMessage> messages) {
        return chatFormat().encodeChat(messages, this::encode);
    }

    /**
     * The prompt ids of one user message (and an optional system message) in this model's chat format.
     *
     * @param system the system message, or null
     * @param prompt the user's text
     * @return the ids
     */
    default int[] encodeGenerate(String system, String prompt) {
        return chatFormat().encodeGenerate(system, prompt, this::encode);
    }
}
