// Llama 3's tokenizer (Llama 3, 3.1, 3.2 share it): 128,000 byte-level BPE ranks, the cl100k
// pre-tokenisation pattern, and 256 special tokens with ids 128000..128255.
// It does: read Meta's tiktoken-format tokenizer.model (merged by tiktoken's rule, as the book's
// Llama3Tokenizer and Meta's code do) or Hugging Face's tokenizer.json (merged by its pair ranks,
// as transformers does); encode with optional BOS/EOS and allowed special tokens; decode.
// It does not: ship the vocabulary (Meta's licence: see data/README.md), or format chats
// (Llama3ChatFormat does).
package dev.scratchllm.llama;

import dev.scratchllm.tokenizer.ByteLevelBPE;
import dev.scratchllm.tokenizer.Cl100kPreTokenizer;
import dev.scratchllm.tokenizer.StreamingDecoder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The Llama 3 tokenizer, compatible with Meta's {@code tokenizer.model} (tiktoken) and with
 * Hugging Face's {@code tokenizer.json}.
 *
 * <pre>{@code
 * Llama3Tokenizer tok = Llama3Tokenizer.load(Path.of("Llama-3.2-1B-Instruct"));  // folder or file
 * int[] ids = tok.encode("Hello, world!", true, false);   // [128000, 9906, 11, 1917, 0]
 * String text = tok.decode(ids);                          // "<|begin_of_text|>Hello, world!"
 * }</pre>
 *
 * <p>The vocabulary is not bundled: Meta publishes it under the Llama Community License, which
 * binds whoever redistributes it; download it with the weights (see {@code data/README.md}).
 */
public final class Llama3Tokenizer {
    /** Starts every sequence (BOS), id 128000. */
    public static final String BEGIN_OF_TEXT = "<|begin_of_text|>";
    /** Ends a document (EOS of the base models), id 128001. */
    public static final String END_OF_TEXT = "<|end_of_text|>";
    /** Opens a chat message header, id 128006. */
    public static final String START_HEADER_ID = "<|start_header_id|>";
    /** Closes a chat message header, id 128007. */
    public static final String END_HEADER_ID = "<|end_header_id|>";
    /** Ends a chat turn (EOS of the instruct models), id 128009. */
    public static final String EOT_ID = "<|eot_id|>";
    /** The number of ordinary (BPE) tokens; special tokens start here. */
    public static final int NUM_BASE_TOKENS = 128_000;
    /** The number of special tokens. */
    public static final int NUM_SPECIAL_TOKENS = 256;

    private final ByteLevelBPE bpe;
    private final Map<String, Integer> specialTokens;
    private final int bos;
    private final int eos;
    private final int eot;
    private final int startHeader;
    private final int endHeader;

    private Llama3Tokenizer(ByteLevelBPE bpe) {
        this.bpe = bpe;
        if (bpe.preTokenizer() != Cl100kPreTokenizer.LLAMA3) {
            throw new IllegalArgumentException(bpe.source() + ": the pre-tokenizer pattern is not Llama 3's (numbers in runs of up to 3 digits)");
        }
        this.specialTokens = bpe.addedTokens();
        bos = required(BEGIN_OF_TEXT, 128_000);
        eos = required(END_OF_TEXT, 128_001);
        startHeader = required(START_HEADER_ID, 128_006);
        endHeader = required(END_HEADER_ID, 128_007);
        eot = required(EOT_ID, 128_009);
    }

    private int required(String token, int id) {
        Integer found = specialTokens.get(token);
        if (found == null || found != id) {
            throw new IllegalArgumentException(bpe.source() + ": special token " + token + " should have id " + id + " but has " + found);
        }
        return id;
    }

    /**
     * The special tokens of Llama 3.1 and 3.2 as Meta's {@code tokenizer.py} names them:
     * {@code <|begin_of_text|>} 128000, {@code <|end_of_text|>} 128001,
     * {@code <|reserved_special_token_0|>} 128002, {@code _1|>} 128003,
     * {@code <|finetune_right_pad_id|>} 128004, {@code <|reserved_special_token_2|>} 128005,
     * {@code <|start_header_id|>} 128006, {@code <|end_header_id|>} 128007, {@code <|eom_id|>}
     * 128008, {@code <|eot_id|>} 128009, {@code <|python_tag|>} 128010, then
     * {@code <|reserved_special_token_3|>} .. {@code _247|>} at 128011..128255.
     *
     * @return an ordered, unmodifiable map from token to id
     */
    public static Map<String, Integer> llama32SpecialTokens() {
        String[] named = {BEGIN_OF_TEXT, END_OF_TEXT, "<|reserved_special_token_0|>", "<|reserved_special_token_1|>",
                "<|finetune_right_pad_id|>", "<|reserved_special_token_2|>", START_HEADER_ID, END_HEADER_ID, "<|eom_id|>", EOT_ID,
                "<|python_tag|>"};
        Map<String, Integer> m = new LinkedHashMap<>();
        for (int i = 0; i < named.length; i++) m.put(named[i], NUM_BASE_TOKENS + i);
        for (int i = named.length; i < NUM_SPECIAL_TOKENS; i++) m.put("<|reserved_special_token_" + (i - named.length + 3) + "|>", NUM_BASE_TOKENS + i);
        return Collections.unmodifiableMap(m);
    }

    /**
     * The special tokens of the first Llama 3 release (Meta-Llama-3-8B): the same five named
     * tokens at the same ids, and {@code <|reserved_special_token_0|>} ..
     * {@code _250|>} everywhere else (0..3 at 128002..128005, 4 at 128008, 5.. from 128010).
     *
     * @return an ordered, unmodifiable map from token to id
     */
    public static Map<String, Integer> llama30SpecialTokens() {
        Map<String, Integer> m = new LinkedHashMap<>();
        int reserved = 0;
        for (int i = 0; i < NUM_SPECIAL_TOKENS; i++) {
            int id = NUM_BASE_TOKENS + i;
            String name = switch (id) {
                case 128_000 -> BEGIN_OF_TEXT;
                case 128_001 -> END_OF_TEXT;
                case 128_006 -> START_HEADER_ID;
                case 128_007 -> END_HEADER_ID;
                case 128_009 -> EOT_ID;
                default -> "<|reserved_special_token_" + (reserved++) + "|>";
            };
            m.put(name, id);
        }
        return Collections.unmodifiableMap(m);
    }

    /**
     * Reads Meta's {@code tokenizer.model} (tiktoken format: {@code <base64 token> <rank>} per
     * line) with the Llama 3.1/3.2 special-token names ({@link #llama32SpecialTokens()}).
     *
     * @param tokenizerModel the file
     * @return a new tokenizer
     * @throws UncheckedIOException     if the file cannot be read
     * @throws IllegalArgumentException naming the file and line if it is malformed
     */
    public static Llama3Tokenizer fromTiktoken(Path tokenizerModel) {
        return fromTiktoken(tokenizerModel, llama32SpecialTokens());
    }

    /**
     * Reads a tiktoken-format ranks file with the given special tokens.
     *
     * @param tokenizerModel the file
     * @param specialTokens  special tokens and ids, e.g. {@link #llama30SpecialTokens()}
     * @return a new tokenizer
     * @throws UncheckedIOException     if the file cannot be read
     * @throws IllegalArgumentException naming the file and line if it is malformed
     */
    public static Llama3Tokenizer fromTiktoken(Path tokenizerModel, Map<String, Integer> specialTokens) {
        byte[] content;
        try {
            content = Files.readAllBytes(tokenizerModel);
        } catch (IOException e) {
            throw new UncheckedIOException("Llama3Tokenizer.fromTiktoken: cannot read " + tokenizerModel, e);
        }
        return new Llama3Tokenizer(ByteLevelBPE.fromTiktoken(content, tokenizerModel.toString(), Cl100kPreTokenizer.LLAMA3, specialTokens));
    }

    /**
     * Reads Hugging Face's {@code tokenizer.json} (or {@code tokenizer.json.gz}); the special
     * tokens are the file's added tokens.
     *
     * @param tokenizerJson the file
     * @return a new tokenizer
     * @throws UncheckedIOException     if the file cannot be read
     * @throws IllegalArgumentException naming the file and field if it is malformed or not Llama 3's
     */
    public static Llama3Tokenizer fromTokenizerJson(Path tokenizerJson) {
        return new Llama3Tokenizer(ByteLevelBPE.fromTokenizerJson(tokenizerJson));
    }

    /**
     * Reads the tokenizer from a file ({@code *.json} or {@code *.json.gz}: Hugging Face's,
     * anything else: Meta's ranks file) or from a model folder holding {@code tokenizer.json}, or
     * {@code tokenizer.model}, or {@code original/tokenizer.model} (in that order).
     *
     * @param fileOrFolder a file or a model folder
     * @return a new tokenizer
     * @throws IllegalArgumentException saying where the file should be if none is found
     */
    public static Llama3Tokenizer load(Path fileOrFolder) {
        if (Files.isDirectory(fileOrFolder)) {
            for (String name : new String[] {"tokenizer.json", "tokenizer.model", "original/tokenizer.model"}) {
                Path p = fileOrFolder.resolve(name);
                if (Files.isRegularFile(p)) return load(p);
            }
            throw new IllegalArgumentException("Llama3Tokenizer.load: " + fileOrFolder + " holds neither tokenizer.json nor tokenizer.model"
                    + " nor original/tokenizer.model; download them with the weights (e.g. meta-llama/Llama-3.2-1B-Instruct on Hugging Face)");
        }
        if (!Files.isRegularFile(fileOrFolder)) {
            throw new IllegalArgumentException("Llama3Tokenizer.load: " + fileOrFolder + " does not exist; pass a model folder or its tokenizer.json / tokenizer.model");
        }
        String name = fileOrFolder.getFileName().toString();
        return name.endsWith(".json") || name.endsWith(".json.gz") ? fromTokenizerJson(fileOrFolder) : fromTiktoken(fileOrFolder);
    }

    // ------------------------------------------------------------------ encoding

    /**
     * Encodes text without BOS/EOS; special tokens written in the text are encoded as plain text
     * (the book's and Meta's {@code encode(text, bos=False, eos=False)}).
     *
     * @param text the text
     * @return the token ids
     */
    public int[] encode(String text) {
        return encode(text, false, false, Set.of());
    }

    /**
     * Encodes text, optionally with {@code <|begin_of_text|>} first and {@code <|end_of_text|>}
     * last; special tokens written in the text are encoded as plain text.
     *
     * @param text the text
     * @param bos  whether to start with {@code <|begin_of_text|>}
     * @param eos  whether to end with {@code <|end_of_text|>}
     * @return the token ids
     */
    public int[] encode(String text, boolean bos, boolean eos) {
        return encode(text, bos, eos, Set.of());
    }

    /**
     * Encodes text like the book's {@code encode(text, bos, eos, allowed_special)}: the special
     * tokens in {@code allowedSpecial} become their ids, any other is encoded as plain text.
     *
     * @param text           the text
     * @param bos            whether to start with {@code <|begin_of_text|>}
     * @param eos            whether to end with {@code <|end_of_text|>}
     * @param allowedSpecial special tokens to recognise in the text
     * @return the token ids
     * @throws IllegalArgumentException if {@code allowedSpecial} names an unknown token
     */
    public int[] encode(String text, boolean bos, boolean eos, Set<String> allowedSpecial) {
        if (text == null) throw new IllegalArgumentException("Llama3Tokenizer.encode: text is null");
        if (allowedSpecial == null) throw new IllegalArgumentException("Llama3Tokenizer.encode: allowedSpecial is null (use Set.of())");
        int[] body = allowedSpecial.isEmpty() ? bpe.encodeOrdinary(text) : bpe.encode(text, allowedSpecial);
        return wrap(body, bos, eos);
    }

    /**
     * Encodes text recognising every special token in it, as Hugging Face's tokenizer does
     * ({@code tokenizer.encode(text, add_special_tokens=False)}).
     *
     * @param text the text
     * @return the token ids
     */
    public int[] encodeWithSpecialTokens(String text) {
        return bpe.encodeWithAddedTokens(text);
    }

    private int[] wrap(int[] body, boolean bos, boolean eos) {
        if (!bos && !eos) return body;
        int[] out = new int[body.length + (bos ? 1 : 0) + (eos ? 1 : 0)];
        if (bos) out[0] = this.bos;
        System.arraycopy(body, 0, out, bos ? 1 : 0, body.length);
        if (eos) out[out.length - 1] = this.eos;
        return out;
    }

    /**
     * Decodes ids to text (special tokens as their text); invalid UTF-8 becomes U+FFFD.
     *
     * @param ids the token ids
     * @return the text
     * @throws IllegalArgumentException naming the first id that is not a token
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

    // ------------------------------------------------------------------ vocabulary

    /**
     * The special tokens and their ids.
     *
     * @return an ordered, unmodifiable map
     */
    public Map<String, Integer> specialTokens() {
        return specialTokens;
    }

    /**
     * The id of a special token.
     *
     * @param token e.g. {@link #EOT_ID}
     * @return its id
     * @throws IllegalArgumentException if it is not a special token
     */
    public int specialTokenId(String token) {
        return bpe.addedTokenId(token);
    }

    /**
     * 128,256 for the published vocabulary.
     *
     * @return one more than the largest id
     */
    public int vocabSize() {
        return bpe.vocabSize();
    }

    /**
     * The id of {@code <|begin_of_text|>}: 128000.
     *
     * @return the BOS id
     */
    public int bosId() {
        return bos;
    }

    /**
     * The id of {@code <|end_of_text|>}: 128001 (where base models stop).
     *
     * @return the EOS id
     */
    public int eosId() {
        return eos;
    }

    /**
     * The id of {@code <|eot_id|>}: 128009 (where instruct models end a turn).
     *
     * @return the end-of-turn id
     */
    public int eotId() {
        return eot;
    }

    /**
     * The id of {@code <|start_header_id|>}: 128006.
     *
     * @return the id
     */
    public int startHeaderId() {
        return startHeader;
    }

    /**
     * The id of {@code <|end_header_id|>}: 128007.
     *
     * @return the id
     */
    public int endHeaderId() {
        return endHeader;
    }

    /**
     * The engine underneath (vocabulary, merges, pre-tokenizer).
     *
     * @return the byte-level BPE
     */
    public ByteLevelBPE bpe() {
        return bpe;
    }
}
