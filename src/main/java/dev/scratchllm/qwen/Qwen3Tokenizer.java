// Qwen3's tokenizer: 151,643 byte-level BPE tokens with Hugging Face pair merges, NFC
// normalisation, the cl100k pattern with single digits, 26 added tokens (<|endoftext|> 151643,
// <|im_start|> 151644, <|im_end|> 151645, ..., <think> 151667, </think> 151668), and the ChatML
// chat template with thinking on or off.
// It does: load the bundled vocabulary (Apache-2.0, see data/README.md) or a tokenizer.json;
// encode like Hugging Face (added tokens in the text are recognised); decode; render the chat
// template of Qwen3's tokenizer_config.json for system/user/assistant/tool messages; the book's
// Qwen3Tokenizer options (apply_chat_template, add_generation_prompt, add_thinking).
// It does not: render the tools block (function signatures) or tool_calls of assistant messages.
package dev.scratchllm.qwen;

import dev.scratchllm.tokenizer.ByteLevelBPE;
import dev.scratchllm.tokenizer.ChatMessage;
import dev.scratchllm.tokenizer.Cl100kPreTokenizer;
import dev.scratchllm.tokenizer.StreamingDecoder;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * The Qwen3 tokenizer and chat template, compatible with Hugging Face's {@code Qwen/Qwen3-*}
 * {@code tokenizer.json} and {@code apply_chat_template}.
 *
 * <pre>{@code
 * Qwen3Tokenizer tok = Qwen3Tokenizer.load();
 * int[] ids = tok.encodeChat(List.of(ChatMessage.user("Give me a short introduction to LLMs.")),
 *                            true, false);   // generation prompt, thinking off
 * // <|im_start|>user\n...<|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>\n\n
 * }</pre>
 */
public final class Qwen3Tokenizer {
    /** Ends a document; the base models' EOS and every model's padding token, id 151643. */
    public static final String ENDOFTEXT = "<|endoftext|>";
    /** Opens a chat message, id 151644. */
    public static final String IM_START = "<|im_start|>";
    /** Closes a chat message; the chat models' EOS, id 151645. */
    public static final String IM_END = "<|im_end|>";
    /** Opens the reasoning block, id 151667. */
    public static final String THINK_START = "<think>";
    /** Closes the reasoning block, id 151668. */
    public static final String THINK_END = "</think>";

    private static final String RESOURCE = "qwen3-tokenizer.json.gz";
    private static volatile Qwen3Tokenizer bundled;

    private final ByteLevelBPE bpe;
    private final int endOfText;
    private final int imStart;
    private final int imEnd;

    private Qwen3Tokenizer(ByteLevelBPE bpe) {
        this.bpe = bpe;
        if (bpe.preTokenizer() != Cl100kPreTokenizer.QWEN) {
            throw new IllegalArgumentException(bpe.source() + ": the pre-tokenizer pattern is not Qwen's (single digits)");
        }
        endOfText = bpe.addedTokenId(ENDOFTEXT);
        imStart = bpe.addedTokenId(IM_START);
        imEnd = bpe.addedTokenId(IM_END);
    }

    /**
     * The tokenizer from the vocabulary bundled with the library (Qwen3's {@code tokenizer.json},
     * Apache-2.0, gzip-compressed; see {@code data/README.md}). Loaded once and shared.
     *
     * @return the shared tokenizer
     */
    public static Qwen3Tokenizer load() {
        Qwen3Tokenizer t = bundled;
        if (t == null) {
            synchronized (Qwen3Tokenizer.class) {
                t = bundled;
                if (t == null) bundled = t = loadBundled();
            }
        }
        return t;
    }

    private static Qwen3Tokenizer loadBundled() {
        try (InputStream raw = Qwen3Tokenizer.class.getResourceAsStream(RESOURCE)) {
            if (raw == null) throw new IllegalStateException("Qwen3Tokenizer.load: the resource dev/scratchllm/qwen/" + RESOURCE + " is missing from the class path");
            String json = new String(new GZIPInputStream(raw, 1 << 16).readAllBytes(), StandardCharsets.UTF_8);
            return new Qwen3Tokenizer(ByteLevelBPE.fromTokenizerJson(json, RESOURCE));
        } catch (IOException e) {
            throw new UncheckedIOException("Qwen3Tokenizer.load: cannot read the resource " + RESOURCE, e);
        }
    }

    /**
     * Reads a Qwen3 (or Qwen2/2.5) {@code tokenizer.json}, plain or {@code .gz}.
     *
     * @param tokenizerJson the file
     * @return a new tokenizer
     * @throws UncheckedIOException     if the file cannot be read
     * @throws IllegalArgumentException naming the file and field if it is malformed or not Qwen's
     */
    public static Qwen3Tokenizer fromTokenizerJson(Path tokenizerJson) {
        return new Qwen3Tokenizer(ByteLevelBPE.fromTokenizerJson(tokenizerJson));
    }

    /**
     * Reads {@code tokenizer.json} from a downloaded model folder (or the file itself); a folder
     * without one gives the bundled vocabulary, which all Qwen3 models share.
     *
     * @param fileOrFolder a {@code tokenizer.json} (or {@code .json.gz}) or a model folder
     * @return the tokenizer
     * @throws IllegalArgumentException if the path does not exist, or the file is malformed
     */
    public static Qwen3Tokenizer load(Path fileOrFolder) {
        if (java.nio.file.Files.isDirectory(fileOrFolder)) {
            Path p = fileOrFolder.resolve("tokenizer.json");
            return java.nio.file.Files.isRegularFile(p) ? fromTokenizerJson(p) : load();
        }
        if (!java.nio.file.Files.isRegularFile(fileOrFolder)) {
            throw new IllegalArgumentException("Qwen3Tokenizer.load: " + fileOrFolder + " does not exist; pass a model folder or its tokenizer.json");
        }
        return fromTokenizerJson(fileOrFolder);
    }

    // ------------------------------------------------------------------ encoding

    /**
     * Encodes text as Hugging Face's {@code tokenizer.encode(text).ids} does: every added token
     * written in the text ({@code <|im_start|>}, {@code <think>}, ...) becomes its id, the rest is
     * NFC-normalised and byte-pair encoded.
     *
     * @param text the text
     * @return the token ids
     */
    public int[] encode(String text) {
        return bpe.encodeWithAddedTokens(text);
    }

    /**
     * Encodes text treating added tokens as plain text.
     *
     * @param text the text
     * @return the token ids
     */
    public int[] encodeOrdinary(String text) {
        return bpe.encodeOrdinary(text);
    }

    /**
     * The book's {@code Qwen3Tokenizer.encode(prompt)} with its constructor options: wraps the
     * prompt as one user message when {@code applyChatTemplate} (the book's
     * {@code format_qwen_chat}), then encodes.
     *
     * @param prompt              the user's text
     * @param applyChatTemplate   whether to wrap it in the chat template
     * @param addGenerationPrompt whether to open the assistant's turn
     * @param addThinking         the book's {@code add_thinking}: true lets the model think (no
     *                            empty {@code <think>} block), false pre-fills an empty one
     * @return the token ids
     */
    public int[] encode(String prompt, boolean applyChatTemplate, boolean addGenerationPrompt, boolean addThinking) {
        if (!applyChatTemplate) return encode(prompt);
        return encode(applyChatTemplate(List.of(ChatMessage.user(prompt)), addGenerationPrompt, addThinking));
    }

    /**
     * Renders the conversation with Qwen3's chat template and encodes it.
     *
     * @param messages            the conversation
     * @param addGenerationPrompt whether to open the assistant's turn
     * @param enableThinking      false pre-fills an empty {@code <think>\n\n</think>\n\n} block so
     *                            the model answers directly
     * @return the token ids
     */
    public int[] encodeChat(List<ChatMessage> messages, boolean addGenerationPrompt, boolean enableThinking) {
        // The template's own markup may hold added tokens; the messages' text never does: added
        // tokens are matched in the markup only, and the plain text between two of them (markup
        // and message text together) is encoded as one section, as encode(template text) would.
        List<String> textBefore = new java.util.ArrayList<>();
        List<String> markup = new java.util.ArrayList<>();
        StringBuilder pending = new StringBuilder();
        render(messages, addGenerationPrompt, enableThinking, (piece, isMarkup) -> {
            if (isMarkup) {
                textBefore.add(pending.toString());
                pending.setLength(0);
                markup.add(piece);
            } else {
                pending.append(piece);
            }
        });
        // textBefore.get(i) is the message text just before markup.get(i); pending is the tail
        java.util.Set<String> added = bpe.addedTokens().keySet();
        java.util.ArrayList<Integer> ids = new java.util.ArrayList<>();
        StringBuilder plain = new StringBuilder();
        for (int i = 0; i < markup.size(); i++) {
            plain.append(textBefore.get(i));
            String m = markup.get(i);
            int pos = 0;
            while (pos < m.length()) {
                int bestAt = -1;
                String best = null;
                for (String t : added) {
                    int at = m.indexOf(t, pos);
                    if (at >= 0 && (bestAt < 0 || at < bestAt || (at == bestAt && t.length() > best.length()))) {
                        bestAt = at;
                        best = t;
                    }
                }
                if (best == null) {
                    plain.append(m, pos, m.length());
                    break;
                }
                plain.append(m, pos, bestAt);
                flushPlain(plain, ids);
                ids.add(bpe.addedTokenId(best));
                pos = bestAt + best.length();
            }
        }
        plain.append(pending);
        flushPlain(plain, ids);
        int[] out = new int[ids.size()];
        for (int i = 0; i < out.length; i++) out[i] = ids.get(i);
        return out;
    }

    private void flushPlain(StringBuilder plain, List<Integer> ids) {
        if (plain.length() == 0) return;
        for (int id : bpe.encodeOrdinary(plain.toString())) ids.add(id);
        plain.setLength(0);
    }

    /** Receives the template's output: markup (may hold added tokens) or a message's text. */
    private interface TemplateSink {
        void put(String piece, boolean markup);
    }

    /**
     * Qwen3's chat template (from its {@code tokenizer_config.json}, without tools), as text:
     * <ul>
     *   <li>a first {@code system} message: {@code <|im_start|>system\n...<|im_end|>\n};</li>
     *   <li>{@code user} (and later {@code system}) messages:
     *       {@code <|im_start|>role\ncontent<|im_end|>\n};</li>
     *   <li>{@code assistant} messages: reasoning written as {@code <think>...</think>} in the
     *       content is taken out; after the last user query it is kept as
     *       {@code <think>\nreasoning\n</think>\n\n} (always for the last message), earlier turns
     *       keep only the answer;</li>
     *   <li>{@code tool} messages: wrapped in {@code <tool_response>} inside a user turn;</li>
     *   <li>then, with {@code addGenerationPrompt}, {@code <|im_start|>assistant\n}, followed by
     *       {@code <think>\n\n</think>\n\n} when thinking is off.</li>
     * </ul>
     *
     * @param messages            the conversation
     * @param addGenerationPrompt whether to open the assistant's turn
     * @param enableThinking      whether the model may think (false pre-fills an empty block)
     * @return the prompt text
     */
    public static String applyChatTemplate(List<ChatMessage> messages, boolean addGenerationPrompt, boolean enableThinking) {
        StringBuilder sb = new StringBuilder();
        render(messages, addGenerationPrompt, enableThinking, (piece, markup) -> sb.append(piece));
        return sb.toString();
    }

    /** The template, piece by piece, so that encodeChat knows which text is the messages'. */
    private static void render(List<ChatMessage> messages, boolean addGenerationPrompt, boolean enableThinking, TemplateSink out) {
        Part sb = new Part(out);
        int n = messages.size();
        if (n > 0 && messages.get(0).role().equals("system")) {
            sb.append(IM_START).append("system\n").text(messages.get(0).content()).append(IM_END).append('\n');
        }
        // the last user message that is not a tool response wrapped by the caller
        int lastQuery = n - 1;
        for (int i = n - 1; i >= 0; i--) {
            ChatMessage m = messages.get(i);
            String c = m.content();
            if (m.role().equals("user") && !(c.startsWith("<tool_response>") && c.endsWith("</tool_response>"))) {
                lastQuery = i;
                break;
            }
        }
        for (int i = 0; i < n; i++) {
            ChatMessage m = messages.get(i);
            String role = m.role();
            if (role.equals("user") || (role.equals("system") && i > 0)) {
                sb.append(IM_START).append(role).append('\n').text(m.content()).append(IM_END).append('\n');
            } else if (role.equals("assistant")) {
                String content = m.content();
                String reasoning = "";
                int close = content.indexOf(THINK_END);
                if (close >= 0) {
                    // content.split('</think>')[-1].lstrip('\n'), and the text before the first
                    // </think>, right-stripped of '\n', after its last <think>, left-stripped of '\n'
                    String before = content.substring(0, close);
                    content = stripNewlines(content.substring(content.lastIndexOf(THINK_END) + THINK_END.length()), true, false);
                    before = stripNewlines(before, false, true);
                    int open = before.lastIndexOf(THINK_START);
                    reasoning = stripNewlines(open >= 0 ? before.substring(open + THINK_START.length()) : before, true, false);
                }
                sb.append(IM_START).append(role).append('\n');
                if (i > lastQuery && (i == n - 1 || !reasoning.isEmpty())) {
                    sb.append(THINK_START).append('\n').text(stripNewlines(reasoning, true, true)).append('\n')
                            .append(THINK_END).append("\n\n").text(stripNewlines(content, true, false));
                } else {
                    sb.text(content);
                }
                sb.append(IM_END).append('\n');
            } else if (role.equals("tool")) {
                if (i == 0 || !messages.get(i - 1).role().equals("tool")) sb.append(IM_START).append("user");
                sb.append("\n<tool_response>\n").text(m.content()).append("\n</tool_response>");
                if (i == n - 1 || !messages.get(i + 1).role().equals("tool")) sb.append(IM_END).append('\n');
            }
            // a first system message was written above; other roles are dropped, as by the template
        }
        if (addGenerationPrompt) {
            sb.append(IM_START).append("assistant\n");
            if (!enableThinking) sb.append(THINK_START).append("\n\n").append(THINK_END).append("\n\n");
        }
    }

    /** A StringBuilder-like writer that tells markup from message text. */
    private record Part(TemplateSink out) {
        Part append(String s) {
            out.put(s, true);
            return this;
        }

        Part append(char c) {
            out.put(String.valueOf(c), true);
            return this;
        }

        Part text(String s) {
            out.put(s, false);
            return this;
        }
    }

    /** Python's {@code lstrip('\n')} / {@code rstrip('\n')}. */
    private static String stripNewlines(String s, boolean left, boolean right) {
        int a = 0;
        int b = s.length();
        if (left) while (a < b && s.charAt(a) == '\n') a++;
        if (right) while (b > a && s.charAt(b - 1) == '\n') b--;
        return s.substring(a, b);
    }

    // ------------------------------------------------------------------ decoding and vocabulary

    /**
     * Decodes ids to text, added tokens included ({@code skip_special_tokens=False}); invalid
     * UTF-8 becomes U+FFFD.
     *
     * @param ids the token ids
     * @return the text
     */
    public String decode(int[] ids) {
        return bpe.decode(ids);
    }

    /**
     * A decoder for printing generated tokens as they come: characters split between tokens are
     * held back until complete.
     *
     * @return a new streaming decoder
     */
    public StreamingDecoder newStreamingDecoder() {
        return bpe.newStreamingDecoder();
    }

    /**
     * The bytes of the tokens, concatenated.
     *
     * @param ids the token ids
     * @return the bytes
     */
    public byte[] decodeBytes(int[] ids) {
        return bpe.decodeBytes(ids);
    }

    /**
     * 151,669 for Qwen3 (the models' embedding tables are padded to 151,936 rows).
     *
     * @return one more than the largest id
     */
    public int vocabSize() {
        return bpe.vocabSize();
    }

    /**
     * The added tokens and their ids.
     *
     * @return an ordered, unmodifiable map
     */
    public Map<String, Integer> addedTokens() {
        return bpe.addedTokens();
    }

    /**
     * The id of an added token.
     *
     * @param token e.g. {@link #IM_END}
     * @return its id
     * @throws IllegalArgumentException if it is not an added token
     */
    public int tokenId(String token) {
        return bpe.addedTokenId(token);
    }

    /**
     * The id of {@code <|endoftext|>}: 151643, the padding token and the base models' EOS.
     *
     * @return the id
     */
    public int endOfTextId() {
        return endOfText;
    }

    /**
     * The id of {@code <|im_start|>}: 151644.
     *
     * @return the id
     */
    public int imStartId() {
        return imStart;
    }

    /**
     * The id of {@code <|im_end|>}: 151645, where chat (and reasoning) models stop.
     *
     * @return the id
     */
    public int imEndId() {
        return imEnd;
    }

    /**
     * The id generation stops at, as in the book's Qwen3Tokenizer: {@code <|endoftext|>} for a
     * base model, {@code <|im_end|>} otherwise.
     *
     * @param baseModel whether the model is a "-Base" checkpoint
     * @return the EOS id
     */
    public int eosId(boolean baseModel) {
        return baseModel ? endOfText : imEnd;
    }

    /**
     * The engine underneath.
     *
     * @return the byte-level BPE
     */
    public ByteLevelBPE bpe() {
        return bpe;
    }
}
