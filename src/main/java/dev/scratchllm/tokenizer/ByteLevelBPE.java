// A byte-level BPE tokenizer of the cl100k family (Llama 3, Qwen2/Qwen3), built either from a
// tiktoken ranks file (Meta's tokenizer.model) or from a Hugging Face tokenizer.json.
// It does: split out added/special tokens (leftmost, longest), optionally NFC-normalise the rest,
// pre-tokenise with Cl100kPreTokenizer, and merge each piece by tiktoken's rule (rank of the joined
// bytes) for ranks files or by Hugging Face's rule (rank of the merged pair, with or without
// ignore_merges) for tokenizer.json; decode ids to bytes and text.
// It does not: know any model's special-token names or chat format (Llama3Tokenizer and
// Qwen3Tokenizer do), support other normalizers, pre-tokenizers or models (WordPiece, Unigram,
// byte_fallback), or add BOS/EOS tokens.
package dev.scratchllm.tokenizer;

import dev.scratchllm.io.Json;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;

/**
 * The byte-level BPE engine that {@code Llama3Tokenizer} and {@code Qwen3Tokenizer} wrap.
 * Instances are immutable and thread-safe.
 *
 * <pre>{@code
 * ByteLevelBPE bpe = ByteLevelBPE.fromTokenizerJson(Path.of("tokenizer.json"));
 * int[] ids = bpe.encodeWithAddedTokens("<|im_start|>user\nHello<|im_end|>");
 * String text = bpe.decode(ids);
 * }</pre>
 */
public final class ByteLevelBPE {
    /**
     * A token added on top of the BPE vocabulary (Hugging Face's {@code added_tokens}, tiktoken's
     * special tokens); it is matched in the text as a whole, before pre-tokenisation.
     *
     * @param content the token's text, e.g. {@code <|eot_id|>}
     * @param id      its id
     * @param special whether Hugging Face marks it special (skipped by {@code skip_special_tokens})
     */
    public record AddedToken(String content, int id, boolean special) {}

    private final String source;
    private final TokenTable vocab;
    private final int[] byteIds = new int[256];
    private final PairMerges merges;        // null: tiktoken's rule
    private final boolean ignoreMerges;     // a piece that is itself a token is kept whole
    private final byte[] selfMerges;        // per token: 0 not yet known, SELF or NOT_SELF (see selfMerging)
    private static final byte SELF = 1;
    private static final byte NOT_SELF = 2;
    private final Cl100kPreTokenizer pre;
    private final boolean nfc;
    private final AddedToken[] added;       // in file order
    private final Map<String, Integer> addedIds;
    private final byte[][] addedBytes;
    private final int[] addedIndexById;     // id - vocab.size() -> index in added, or -1
    private final boolean[] firstChar = new boolean[65536];
    private final int[][] byFirstChar;      // added-token indices per first char, longest first
    private final int vocabSize;

    private ByteLevelBPE(String source, TokenTable vocab, PairMerges merges, boolean ignoreMerges, Cl100kPreTokenizer pre,
                         boolean nfc, List<AddedToken> addedTokens) {
        this.source = source;
        this.vocab = vocab;
        this.merges = merges;
        this.ignoreMerges = ignoreMerges;
        this.selfMerges = new byte[vocab.size()];
        this.pre = pre;
        this.nfc = nfc;
        for (int b = 0; b < 256; b++) {
            int r = vocab.rank(new byte[] {(byte) b}, 0, 1);
            if (r == TokenTable.NONE) throw new IllegalArgumentException(source + ": the single byte 0x" + Integer.toHexString(b) + " is not a token; a byte-level BPE needs all 256");
            byteIds[b] = r;
        }
        this.added = addedTokens.toArray(new AddedToken[0]);
        Map<String, Integer> ids = new LinkedHashMap<>();
        int max = vocab.size() - 1;
        for (AddedToken t : added) {
            if (t.content().isEmpty()) throw new IllegalArgumentException(source + ": added token " + t.id() + " is empty");
            if (t.id() < vocab.size()) {
                throw new IllegalArgumentException(source + ": added token " + t.content() + " has id " + t.id() + ", which is also an ordinary token (ids 0.." + (vocab.size() - 1) + ")");
            }
            if (ids.put(t.content(), t.id()) != null) throw new IllegalArgumentException(source + ": added token " + t.content() + " appears twice");
            max = Math.max(max, t.id());
        }
        this.addedIds = Collections.unmodifiableMap(ids);
        this.vocabSize = max + 1;
        addedBytes = new byte[added.length][];
        addedIndexById = new int[vocabSize - vocab.size()];
        Arrays.fill(addedIndexById, -1);
        Map<Character, List<Integer>> groups = new LinkedHashMap<>();
        for (int k = 0; k < added.length; k++) {
            addedBytes[k] = added[k].content().getBytes(StandardCharsets.UTF_8);
            int slot = added[k].id() - vocab.size();
            if (addedIndexById[slot] >= 0) throw new IllegalArgumentException(source + ": id " + added[k].id() + " is given to two added tokens");
            addedIndexById[slot] = k;
            char c = added[k].content().charAt(0);
            firstChar[c] = true;
            groups.computeIfAbsent(c, x -> new ArrayList<>()).add(k);
        }
        byFirstChar = new int[65536][];
        for (Map.Entry<Character, List<Integer>> e : groups.entrySet()) {
            List<Integer> list = e.getValue();
            list.sort((a, b) -> Integer.compare(added[b].content().length(), added[a].content().length()));
            byFirstChar[e.getKey()] = list.stream().mapToInt(Integer::intValue).toArray();
        }
    }

    // ------------------------------------------------------------------ loading

    /**
     * A tokenizer from a tiktoken ranks file (lines {@code <base64 token> <rank>}, as Meta's Llama 3
     * {@code tokenizer.model}), merged by tiktoken's rule.
     *
     * @param content       the file's bytes
     * @param source        the file's name, for error messages
     * @param pre           the pre-tokenizer
     * @param specialTokens the special tokens and their ids, all at or above the number of ranks
     * @return a new tokenizer
     * @throws IllegalArgumentException naming the file and line if the file is malformed
     */
    public static ByteLevelBPE fromTiktoken(byte[] content, String source, Cl100kPreTokenizer pre, Map<String, Integer> specialTokens) {
        List<byte[]> ranks = RankFiles.readTiktoken(content, source);
        List<AddedToken> specials = new ArrayList<>();
        for (Map.Entry<String, Integer> e : specialTokens.entrySet()) specials.add(new AddedToken(e.getKey(), e.getValue(), true));
        return new ByteLevelBPE(source, new TokenTable(ranks, source), null, true, pre, false, specials);
    }

    /**
     * A tokenizer from a Hugging Face {@code tokenizer.json} (plain, or gzip-compressed when the
     * name ends in {@code .gz}).
     *
     * @param file the file
     * @return a new tokenizer
     * @throws UncheckedIOException     if the file cannot be read
     * @throws IllegalArgumentException naming the file and field if it is malformed or uses
     *                                  components this class does not implement
     */
    public static ByteLevelBPE fromTokenizerJson(Path file) {
        return fromTokenizerJson(readText(file), file.toString());
    }

    /**
     * Reads a file as UTF-8 text, gunzipping it first when its name ends in {@code .gz}.
     *
     * @param file the file
     * @return its text
     */
    public static String readText(Path file) {
        try (InputStream raw = Files.newInputStream(file)) {
            InputStream in = file.getFileName().toString().endsWith(".gz") ? new GZIPInputStream(raw, 1 << 16) : raw;
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("ByteLevelBPE: cannot read " + file, e);
        }
    }

    /**
     * A tokenizer from the text of a Hugging Face {@code tokenizer.json}: a {@code BPE} model with
     * byte-level vocabulary and merges, an optional {@code NFC} normalizer, a
     * {@code Sequence[Split(cl100k-style regex), ByteLevel(use_regex=false)]} pre-tokenizer, and
     * added tokens.
     *
     * @param json   the file's text
     * @param source the file's name, for error messages
     * @return a new tokenizer
     * @throws IllegalArgumentException naming the file and field if it is malformed or unsupported
     */
    @SuppressWarnings("unchecked")
    public static ByteLevelBPE fromTokenizerJson(String json, String source) {
        Map<String, Object> root = Json.parseObject(json, source);
        Map<String, Object> model = object(root.get("model"), source, "model");
        if (!"BPE".equals(model.get("type"))) throw new IllegalArgumentException(source + ": model.type is " + model.get("type") + "; only \"BPE\" is supported");
        if (Boolean.TRUE.equals(model.get("byte_fallback"))) throw new IllegalArgumentException(source + ": model.byte_fallback is true; only byte-level BPE (ByteLevel pre-tokenizer) is supported");
        for (String f : new String[] {"continuing_subword_prefix", "end_of_word_suffix"}) {
            Object v = model.get(f);
            if (v != null && !"".equals(v)) throw new IllegalArgumentException(source + ": model." + f + " is \"" + v + "\"; not supported");
        }
        boolean ignoreMerges = Boolean.TRUE.equals(model.get("ignore_merges"));

        // normalizer
        Object norm = root.get("normalizer");
        boolean nfc;
        if (norm == null) nfc = false;
        else if ("NFC".equals(object(norm, source, "normalizer").get("type"))) nfc = true;
        else throw new IllegalArgumentException(source + ": normalizer " + Json.write(norm) + " is not supported (only none or NFC)");

        // pre-tokenizer: Sequence[Split(regex, Isolated), ByteLevel(use_regex=false)]
        Map<String, Object> pt = object(root.get("pre_tokenizer"), source, "pre_tokenizer");
        List<Object> seq = "Sequence".equals(pt.get("type")) ? (List<Object>) pt.get("pretokenizers") : null;
        Cl100kPreTokenizer pre = null;
        if (seq != null && seq.size() == 2) {
            Map<String, Object> split = object(seq.get(0), source, "pre_tokenizer.pretokenizers[0]");
            Map<String, Object> bl = object(seq.get(1), source, "pre_tokenizer.pretokenizers[1]");
            Object pattern = split.get("pattern") instanceof Map<?, ?> p ? p.get("Regex") : null;
            if ("Split".equals(split.get("type")) && "Isolated".equals(split.get("behavior")) && !Boolean.TRUE.equals(split.get("invert"))
                    && pattern instanceof String s && "ByteLevel".equals(bl.get("type")) && !Boolean.TRUE.equals(bl.get("add_prefix_space"))
                    && !Boolean.TRUE.equals(bl.get("use_regex"))) {
                pre = Cl100kPreTokenizer.forPattern(s);
                if (pre == null) throw new IllegalArgumentException(source + ": pre_tokenizer Split pattern " + Json.write(s) + " is neither Llama 3's nor Qwen's; not supported");
            }
        }
        if (pre == null) throw new IllegalArgumentException(source + ": pre_tokenizer " + Json.write(pt) + " is not supported (expected Sequence[Split(regex, Isolated), ByteLevel(use_regex=false)])");

        // vocabulary: byte-level glyphs -> ids 0..n-1
        Map<String, Object> vocabJson = object(model.get("vocab"), source, "model.vocab");
        int n = vocabJson.size();
        byte[][] byId = new byte[n][];
        for (Map.Entry<String, Object> e : vocabJson.entrySet()) {
            int id = nonNegative(e.getValue(), source, "model.vocab[\"" + e.getKey() + "\"]");
            if (id >= n) throw new IllegalArgumentException(source + ": model.vocab gives \"" + e.getKey() + "\" id " + id + ", but ids must be 0.." + (n - 1));
            if (byId[id] != null) throw new IllegalArgumentException(source + ": model.vocab gives id " + id + " twice");
            byte[] bytes = ByteLevelAlphabet.fromGlyphs(e.getKey());
            if (bytes == null) throw new IllegalArgumentException(source + ": model.vocab token \"" + e.getKey() + "\" has a character outside the byte-level alphabet");
            byId[id] = bytes;
        }
        TokenTable table = new TokenTable(Arrays.asList(byId), source);

        // merges: "a b" strings (tokenizers < 0.20) or [a, b] pairs
        List<Object> mergesJson = (List<Object>) list(model.get("merges"), source, "model.merges");
        int m = mergesJson.size();
        int[] left = new int[m];
        int[] right = new int[m];
        int[] result = new int[m];
        byte[] joined = new byte[2 * table.maxLength() + 2];
        for (int i = 0; i < m; i++) {
            Object o = mergesJson.get(i);
            String a;
            String b;
            if (o instanceof String s) {
                int sp = s.indexOf(' ');
                if (sp <= 0 || sp == s.length() - 1 || s.indexOf(' ', sp + 1) >= 0) throw new IllegalArgumentException(source + ": model.merges[" + i + "] \"" + s + "\" is not two tokens separated by one space");
                a = s.substring(0, sp);
                b = s.substring(sp + 1);
            } else if (o instanceof List<?> l && l.size() == 2 && l.get(0) instanceof String x && l.get(1) instanceof String y) {
                a = x;
                b = y;
            } else {
                throw new IllegalArgumentException(source + ": model.merges[" + i + "] is " + Json.write(o) + "; expected \"a b\" or [\"a\", \"b\"]");
            }
            // look the parts up as bytes in the token table: faster than hashing glyph strings
            int la = glyphsToBytes(a, joined, 0, source, i);
            int lb = glyphsToBytes(b, joined, la, source, i);
            left[i] = tokenId(table, joined, 0, la, a, source, i);
            right[i] = tokenId(table, joined, la, lb, b, source, i);
            result[i] = tokenId(table, joined, 0, la + lb, a + b, source, i);
        }
        PairMerges merges = new PairMerges(left, right, result, source);

        // added tokens
        List<AddedToken> addedTokens = new ArrayList<>();
        Object at = root.get("added_tokens");
        if (at != null) {
            List<Object> l = (List<Object>) list(at, source, "added_tokens");
            for (int i = 0; i < l.size(); i++) {
                String where = "added_tokens[" + i + "]";
                Map<String, Object> t = object(l.get(i), source, where);
                if (!(t.get("content") instanceof String content)) throw new IllegalArgumentException(source + ": " + where + ".content is not a string");
                for (String flag : new String[] {"lstrip", "rstrip", "single_word"}) {
                    if (Boolean.TRUE.equals(t.get(flag))) throw new IllegalArgumentException(source + ": " + where + " (" + content + ") has " + flag + "=true; not supported");
                }
                if (nfc && Boolean.TRUE.equals(t.get("normalized"))) throw new IllegalArgumentException(source + ": " + where + " (" + content + ") has normalized=true; not supported");
                addedTokens.add(new AddedToken(content, nonNegative(t.get("id"), source, where + ".id"), Boolean.TRUE.equals(t.get("special"))));
            }
        }
        return new ByteLevelBPE(source, table, merges, ignoreMerges, pre, nfc, addedTokens);
    }

    /** Writes the bytes that byte-level glyphs stand for into {@code out} at {@code at}; returns their number. */
    private static int glyphsToBytes(String glyphs, byte[] out, int at, String source, int line) {
        if (glyphs.length() > out.length / 2 - 1) throw notInVocab(glyphs, source, line);
        for (int k = 0; k < glyphs.length(); k++) {
            int b = ByteLevelAlphabet.byteOf(glyphs.charAt(k));
            if (b < 0) throw notInVocab(glyphs, source, line);
            out[at + k] = (byte) b;
        }
        return glyphs.length();
    }

    private static int tokenId(TokenTable table, byte[] b, int off, int len, String glyphs, String source, int line) {
        int r = table.rank(b, off, len);
        if (r == TokenTable.NONE) throw notInVocab(glyphs, source, line);
        return r;
    }

    private static IllegalArgumentException notInVocab(String token, String source, int line) {
        return new IllegalArgumentException(source + ": model.merges[" + line + "] needs the token \"" + token + "\", which is not in model.vocab");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(Object o, String source, String field) {
        if (o instanceof Map<?, ?> map) return (Map<String, Object>) map;
        throw new IllegalArgumentException(source + ": " + field + " is " + (o == null ? "missing" : "not an object"));
    }

    private static List<?> list(Object o, String source, String field) {
        if (o instanceof List<?> l) return l;
        throw new IllegalArgumentException(source + ": " + field + " is " + (o == null ? "missing" : "not a list"));
    }

    private static int nonNegative(Object v, String source, String field) {
        if (v instanceof Long l && l >= 0 && l < Integer.MAX_VALUE) return l.intValue();
        throw new IllegalArgumentException(source + ": " + field + " is not a non-negative integer: " + v);
    }

    // ------------------------------------------------------------------ encoding

    /**
     * Encodes text as plain text: added tokens written in it are split like any other text
     * (tiktoken's {@code encode_ordinary}).
     *
     * @param text the text
     * @return the token ids
     */
    public int[] encodeOrdinary(String text) {
        return encode(text, (boolean[]) null, "encodeOrdinary");
    }

    /**
     * Encodes text, turning every added token written in it into its id, as Hugging Face
     * tokenizers (and transformers.js) do with {@code add_special_tokens=False}.
     *
     * @param text the text
     * @return the token ids
     */
    public int[] encodeWithAddedTokens(String text) {
        boolean[] all = new boolean[added.length];
        Arrays.fill(all, true);
        return encode(text, all, "encodeWithAddedTokens");
    }

    /**
     * Encodes text, turning the added tokens in {@code allowed} into their ids; every other added
     * token in the text is encoded as plain text (tiktoken's {@code encode(text,
     * allowed_special=..., disallowed_special=())}).
     *
     * @param text    the text
     * @param allowed added tokens to recognise, e.g. {@code Set.of("<|eot_id|>")}
     * @return the token ids
     * @throws IllegalArgumentException if {@code allowed} names a token that is not an added token
     */
    public int[] encode(String text, Set<String> allowed) {
        if (allowed == null) throw new IllegalArgumentException("ByteLevelBPE.encode: allowed is null (use Set.of())");
        boolean[] mask = new boolean[added.length];
        for (String s : allowed) {
            boolean found = false;
            for (int k = 0; k < added.length; k++) {
                if (added[k].content().equals(s)) {
                    mask[k] = true;
                    found = true;
                }
            }
            if (!found) throw new IllegalArgumentException("ByteLevelBPE.encode: \"" + s + "\" in allowed is not an added token of " + source);
        }
        return encode(text, mask, "encode");
    }

    private int[] encode(String text, boolean[] allowed, String op) {
        if (text == null) throw new IllegalArgumentException("ByteLevelBPE." + op + ": text is null");
        Encoder enc = new Encoder(text.length());
        int pos = 0;
        if (allowed != null) {
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (!firstChar[c]) continue;
                int k = matchAt(text, i, allowed);
                if (k < 0) continue;
                enc.section(text, pos, i);
                enc.out.add(added[k].id());
                i += added[k].content().length() - 1;
                pos = i + 1;
            }
        }
        enc.section(text, pos, text.length());
        return enc.out.toArray();
    }

    /** The longest allowed added token starting at {@code i}, or -1. */
    private int matchAt(String text, int i, boolean[] allowed) {
        for (int k : byFirstChar[text.charAt(i)]) {
            if (allowed[k] && text.startsWith(added[k].content(), i)) return k;
        }
        return -1;
    }

    /** One encode call's output and scratch space. */
    private final class Encoder {
        final IntList out;
        final BytePairMerge.Scratch rankScratch = new BytePairMerge.Scratch();
        final PairMerges.Scratch pairScratch = new PairMerges.Scratch();
        byte[] buf = new byte[256];
        int[] start = new int[256];

        Encoder(int chars) {
            out = new IntList(chars / 3 + 16);
        }

        /** Normalises and encodes a stretch of text with no added token in it. */
        void section(String text, int from, int to) {
            if (from >= to) return;
            if (nfc) {
                String s = NfcNormalizer.nfc(text.substring(from, to));
                ordinary(s, 0, s.length());
            } else {
                ordinary(text, from, to);
            }
        }

        void ordinary(String text, int from, int to) {
            TokenTable t = vocab;
            int i = from;
            while (i < to) {
                int end = pre.nextEnd(text, i, to);
                int need = (end - i) * Utf8.MAX_BYTES_PER_CHAR;
                if (need > buf.length) buf = new byte[Math.max(need, buf.length * 2)];
                int n = Utf8.encode(text, i, end, buf);
                int r = t.rank(buf, 0, n);
                if (r != TokenTable.NONE && (ignoreMerges || selfMerging(r))) {
                    out.add(r);
                } else if (merges == null) {
                    BytePairMerge.encode(t, buf, n, out, rankScratch);
                } else {
                    merge(buf, n, out);
                }
                i = end;
            }
        }

        void merge(byte[] b, int n, IntList into) {
            if (start.length < n) start = new int[Math.max(n, start.length * 2)];
            for (int k = 0; k < n; k++) start[k] = byteIds[b[k] & 0xFF];
            merges.encode(start, n, into, pairScratch);
        }

        /**
         * Whether merging the bytes of token {@code r} gives {@code r} itself, so that a piece
         * equal to a token can skip the merge loop: true for nearly every token of a trained BPE,
         * but not guaranteed, so each token is checked the first time it is met.
         */
        boolean selfMerging(int r) {
            byte state = selfMerges[r];
            if (state == 0) {
                byte[] b = vocab.bytes(r);
                IntList one = new IntList(4);
                merge(b, b.length, one);
                state = one.size() == 1 && one.get(0) == r ? SELF : NOT_SELF;
                selfMerges[r] = state; // racy but idempotent: every thread computes the same value
            }
            return state == SELF;
        }
    }

    // ------------------------------------------------------------------ decoding

    /**
     * The bytes of the tokens, concatenated (a token may hold part of a UTF-8 character; an added
     * token contributes the UTF-8 bytes of its text).
     *
     * @param ids the token ids
     * @return the bytes
     * @throws IllegalArgumentException naming the first id that is not a token
     */
    public byte[] decodeBytes(int[] ids) {
        if (ids == null) throw new IllegalArgumentException("ByteLevelBPE.decodeBytes: ids is null");
        int total = 0;
        for (int i = 0; i < ids.length; i++) total += length(ids[i], i);
        byte[] out = new byte[total];
        int pos = 0;
        for (int id : ids) {
            if (id < vocab.size()) {
                pos = vocab.copyBytes(id, out, pos);
            } else {
                byte[] s = addedBytes[addedIndexById[id - vocab.size()]];
                System.arraycopy(s, 0, out, pos, s.length);
                pos += s.length;
            }
        }
        return out;
    }

    private int length(int id, int position) {
        if (id >= 0 && id < vocab.size()) return vocab.length(id);
        int k = id >= vocab.size() && id < vocabSize ? addedIndexById[id - vocab.size()] : -1;
        if (k < 0) throw new IllegalArgumentException("ByteLevelBPE.decode: id " + id + " at position " + position + " is not a token of " + source + " (ids are 0.." + (vocabSize - 1) + ")");
        return addedBytes[k].length;
    }

    /**
     * Decodes ids to text; bytes that are not valid UTF-8 become U+FFFD (as Hugging Face's
     * ByteLevel decoder and tiktoken's {@code decode} do).
     *
     * @param ids the token ids
     * @return the text
     * @throws IllegalArgumentException naming the first id that is not a token
     */
    public String decode(int[] ids) {
        byte[] b = decodeBytes(ids);
        return Utf8.decode(b, 0, b.length);
    }

    /**
     * A decoder that turns ids into text one at a time, holding back characters split between tokens.
     *
     * @return a new streaming decoder
     */
    public StreamingDecoder newStreamingDecoder() {
        return new StreamingDecoder(id -> decodeBytes(new int[] {id}));
    }

    // ------------------------------------------------------------------ vocabulary

    /**
     * One more than the largest id, added tokens included (Llama 3: 128,256; Qwen3: 151,669).
     *
     * @return the vocabulary size
     */
    public int vocabSize() {
        return vocabSize;
    }

    /**
     * The number of BPE tokens (ids {@code 0..n-1}), without added tokens.
     *
     * @return the number of ordinary tokens
     */
    public int ordinaryVocabSize() {
        return vocab.size();
    }

    /**
     * The added tokens and their ids, in the file's order.
     *
     * @return an unmodifiable map from token text to id
     */
    public Map<String, Integer> addedTokens() {
        return addedIds;
    }

    /**
     * The added tokens with their flags, in the file's order.
     *
     * @return an unmodifiable list
     */
    public List<AddedToken> addedTokenList() {
        return List.of(added);
    }

    /**
     * The id of an added token.
     *
     * @param content the token's text
     * @return its id
     * @throws IllegalArgumentException if it is not an added token
     */
    public int addedTokenId(String content) {
        Integer id = addedIds.get(content);
        if (id == null) throw new IllegalArgumentException(source + ": \"" + content + "\" is not an added token");
        return id;
    }

    /**
     * Whether Hugging Face's tie-breaking rule for merges is used (pair ranks from
     * {@code tokenizer.json}) rather than tiktoken's (ranks of the joined bytes).
     *
     * @return true when built from a tokenizer.json
     */
    public boolean usesPairMerges() {
        return merges != null;
    }

    /** The pair merges (null for a tiktoken ranks file), for tests in this package. */
    PairMerges pairMerges() {
        return merges;
    }

    /** The id of the single byte {@code b} (0..255), for tests in this package. */
    int byteId(int b) {
        return byteIds[b];
    }

    /**
     * The pre-tokenizer.
     *
     * @return {@link Cl100kPreTokenizer#LLAMA3} or {@link Cl100kPreTokenizer#QWEN}
     */
    public Cl100kPreTokenizer preTokenizer() {
        return pre;
    }

    /**
     * Whether text is NFC-normalised before pre-tokenisation (Qwen's normalizer).
     *
     * @return true for NFC
     */
    public boolean normalizesNfc() {
        return nfc;
    }

    /**
     * The file this tokenizer was read from.
     *
     * @return its name
     */
    public String source() {
        return source;
    }
}
