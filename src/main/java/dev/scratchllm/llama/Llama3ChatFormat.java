// Llama 3's chat format: <|begin_of_text|>, then per message
// <|start_header_id|>role<|end_header_id|>\n\n content <|eot_id|>, then an open assistant header.
// It does: the book's ChatFormat (encodeHeader, encode(text) of one user message, decode,
// cleanText) and Meta's dialog prompt (encodeDialogPrompt), which gives the same ids as the
// Llama 3 Instruct chat template of Hugging Face.
// It does not: add Llama 3.1+'s default system message with dates, or tool calls.
package dev.scratchllm.llama;

import dev.scratchllm.tokenizer.ChatMessage;
import dev.scratchllm.tokenizer.PythonText;

import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Turns chat messages into Llama 3 Instruct's token layout.
 *
 * <pre>{@code
 * Llama3ChatFormat chat = new Llama3ChatFormat(tokenizer);
 * int[] ids = chat.encodeDialogPrompt(List.of(ChatMessage.system("Be brief."), ChatMessage.user("Hi!")));
 * // <|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nBe brief.<|eot_id|>
 * // <|start_header_id|>user<|end_header_id|>\n\nHi!<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n
 * }</pre>
 */
public final class Llama3ChatFormat {
    private final Llama3Tokenizer tokenizer;

    /**
     * A chat format over a Llama 3 tokenizer.
     *
     * @param tokenizer the Llama 3 tokenizer
     */
    public Llama3ChatFormat(Llama3Tokenizer tokenizer) {
        if (tokenizer == null) throw new IllegalArgumentException("Llama3ChatFormat: tokenizer is null");
        this.tokenizer = tokenizer;
    }

    /**
     * {@code <|start_header_id|>role<|end_header_id|>\n\n} (the book's {@code encode_header}).
     *
     * @param role e.g. {@code "user"}
     * @return the ids
     */
    public int[] encodeHeader(String role) {
        int[] r = tokenizer.encode(role);
        int[] nl = tokenizer.encode("\n\n");
        int[] out = new int[r.length + nl.length + 2];
        out[0] = tokenizer.startHeaderId();
        System.arraycopy(r, 0, out, 1, r.length);
        out[r.length + 1] = tokenizer.endHeaderId();
        System.arraycopy(nl, 0, out, r.length + 2, nl.length);
        return out;
    }

    /**
     * One message: its header, its content stripped of surrounding whitespace (Python's
     * {@code strip()}), and {@code <|eot_id|>}; special tokens in the content are plain text.
     *
     * @param message the message
     * @return the ids
     */
    public int[] encodeMessage(ChatMessage message) {
        return encodeMessage(message, Set.of());
    }

    private int[] encodeMessage(ChatMessage message, Set<String> allowedSpecial) {
        int[] h = encodeHeader(message.role());
        int[] c = tokenizer.encode(PythonText.strip(message.content()), false, false, allowedSpecial);
        int[] out = Arrays.copyOf(h, h.length + c.length + 1);
        System.arraycopy(c, 0, out, h.length, c.length);
        out[out.length - 1] = tokenizer.eotId();
        return out;
    }

    /**
     * The book's {@code ChatFormat.encode(text)}: one user message, without BOS and without the
     * assistant header.
     *
     * @param text the user's message
     * @return the ids
     */
    public int[] encode(String text) {
        return encodeMessage(ChatMessage.user(text), Set.of());
    }

    /**
     * The book's {@code ChatFormat.encode(text, allowed_special)}.
     *
     * @param text           the user's message
     * @param allowedSpecial special tokens to recognise in the text
     * @return the ids
     */
    public int[] encode(String text, Set<String> allowedSpecial) {
        return encodeMessage(ChatMessage.user(text), allowedSpecial);
    }

    /**
     * A whole prompt: {@code <|begin_of_text|>}, every message, and an open assistant header for
     * the model to continue (Meta's {@code encode_dialog_prompt}; the same ids as Hugging Face's
     * Llama 3 Instruct chat template with {@code add_generation_prompt=True}).
     *
     * @param messages the conversation so far
     * @return the ids
     */
    public int[] encodeDialogPrompt(List<ChatMessage> messages) {
        int[] out = {tokenizer.bosId()};
        for (ChatMessage m : messages) out = concat(out, encodeMessage(m));
        return concat(out, encodeHeader("assistant"));
    }

    private static int[] concat(int[] a, int[] b) {
        int[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /**
     * Decodes ids to text.
     *
     * @param ids the ids
     * @return the text
     */
    public String decode(int[] ids) {
        return tokenizer.decode(ids);
    }

    /**
     * The book's {@code clean_text}: the text after the first
     * {@code assistant<|end_header_id|>\n\n}, stripped; the whole text if there is none.
     *
     * @param text decoded model output
     * @return the assistant's answer
     */
    public static String cleanText(String text) {
        String marker = "assistant" + Llama3Tokenizer.END_HEADER_ID + "\n\n";
        int at = text.indexOf(marker);
        return at < 0 ? text : PythonText.strip(text.substring(at + marker.length()));
    }
}
