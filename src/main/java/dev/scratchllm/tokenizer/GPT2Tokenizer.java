// The GPT-2 byte-level BPE tokenizer of section 2.5 (tiktoken's "gpt2" / r50k_base encoding).
// It does: encode text to ids byte-for-byte like tiktoken (GPT2PreTokenizer + BytePairMerge over
// the ranks in TokenTable), the special token <|endoftext|> = 50256 with tiktoken's
// allowed/disallowed rules, and decode with invalid UTF-8 replaced by U+FFFD.
// It does not: train (BPETokenizerSimple does), or know other encodings (cl100k, o200k).
package dev.scratchllm.tokenizer;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * GPT-2's tokenizer, compatible with {@code tiktoken.get_encoding("gpt2")}.
 *
 * <pre>{@code
 * GPT2Tokenizer tokenizer = GPT2Tokenizer.load();
 * int[] ids = tokenizer.encode("Hello, do you like tea? <|endoftext|> In the sunlit terraces",
 *                              Set.of("<|endoftext|>"));
 * String text = tokenizer.decode(ids);
 * }</pre>
 *
 * <p>Instances are immutable and thread-safe. Letters, numbers and whitespace are classified with
 * the running JDK's Unicode tables, so characters assigned in a Unicode version newer than
 * tiktoken's regex engine knows may split differently; everything else matches byte for byte.
 */
public final class GPT2Tokenizer {
    /** GPT-2's only special token. */
    public static final String ENDOFTEXT = "<|endoftext|>";

    private static final String RESOURCE = "r50k_base.tiktoken";
    private static volatile GPT2Tokenizer bundled;

    private final TokenTable table;
    private final Map<String, Integer> specialTokens; // ordered, unmodifiable
    private final String[] specialNames;
    private final int[] specialIds;
    private final byte[][] specialBytes;
    private final int vocabSize;
    private final int eotToken;

    private GPT2Tokenizer(TokenTable table, Map<String, Integer> specialTokens, String source) {
        this.table = table;
        this.specialTokens = Collections.unmodifiableMap(new LinkedHashMap<>(specialTokens));
        int n = specialTokens.size();
        specialNames = new String[n];
        specialIds = new int[n];
        specialBytes = new byte[n][];
        int i = 0;
        int max = table.size() - 1;
        for (Map.Entry<String, Integer> e : this.specialTokens.entrySet()) {
            specialNames[i] = e.getKey();
            specialIds[i] = e.getValue();
            specialBytes[i] = e.getKey().getBytes(StandardCharsets.UTF_8);
            if (specialIds[i] < table.size()) {
                throw new IllegalArgumentException(source + ": special token " + e.getKey() + " has id " + e.getValue() + ", which is also an ordinary rank");
            }
            max = Math.max(max, specialIds[i]);
            i++;
        }
        Integer eot = specialTokens.get(ENDOFTEXT);
        if (eot == null) throw new IllegalArgumentException(source + ": no " + ENDOFTEXT + " token");
        this.eotToken = eot;
        this.vocabSize = max + 1;
    }

    /**
     * The GPT-2 tokenizer from the ranks bundled with the library ({@code r50k_base.tiktoken},
     * see {@code data/README.md}). Loaded once and shared; needs no files or network.
     *
     * @return the shared tokenizer
     */
    public static GPT2Tokenizer load() {
        GPT2Tokenizer t = bundled;
        if (t == null) {
            synchronized (GPT2Tokenizer.class) {
                t = bundled;
                if (t == null) bundled = t = loadBundled();
            }
        }
        return t;
    }

    /** Parses the bundled ranks afresh (load() caches the result). */
    static GPT2Tokenizer loadBundled() {
        byte[] content;
        try (InputStream in = GPT2Tokenizer.class.getResourceAsStream(RESOURCE)) {
            if (in == null) throw new IllegalStateException("GPT2Tokenizer.load: the resource dev/scratchllm/tokenizer/" + RESOURCE + " is missing from the class path");
            content = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("GPT2Tokenizer.load: cannot read the resource " + RESOURCE, e);
        }
        List<byte[]> ranks = RankFiles.readTiktoken(content, RESOURCE);
        return new GPT2Tokenizer(new TokenTable(ranks, RESOURCE), Map.of(ENDOFTEXT, ranks.size()), RESOURCE);
    }

    /**
     * The GPT-2 tokenizer from OpenAI's original files (the book's {@code encoder.json} and
     * {@code vocab.bpe}); gives the same ids as {@link #load()}.
     *
     * @param encoderJson the path of {@code encoder.json}
     * @param vocabBpe the path of {@code vocab.bpe}
     * @return a new tokenizer
     * @throws UncheckedIOException     if a file cannot be read
     * @throws IllegalArgumentException naming the file and line or entry if the files are malformed or disagree
     */
    public static GPT2Tokenizer fromFiles(Path encoderJson, Path vocabBpe) {
        if (encoderJson == null || vocabBpe == null) throw new IllegalArgumentException("GPT2Tokenizer.fromFiles: a path is null");
        String enc = readText(encoderJson);
        String bpe = readText(vocabBpe);
        RankFiles.Gpt2Vocab v = RankFiles.readGpt2(enc, encoderJson.toString(), bpe, vocabBpe.toString(), ENDOFTEXT);
        return new GPT2Tokenizer(new TokenTable(v.ranks(), encoderJson.toString()), v.specialTokens(), encoderJson.toString());
    }

    private static String readText(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("GPT2Tokenizer.fromFiles: cannot read " + p, e);
        }
    }

    // ------------------------------------------------------------------ encoding

    /**
     * Encodes text that must not contain a special token, like tiktoken's {@code encode(text)}.
     *
     * @param text the text
     * @return the token ids
     * @throws IllegalArgumentException if the text contains {@code <|endoftext|>}
     */
    public int[] encode(String text) {
        return encode(text, Set.of());
    }

    /**
     * Encodes text, turning the special tokens in {@code allowedSpecial} into their ids (as
     * tiktoken's {@code encode(text, allowed_special=...)}); any other special token in the text
     * is an error.
     *
     * @param allowedSpecial special tokens to encode as such, e.g. {@code Set.of("<|endoftext|>")}
     * @param text the text
     * @return the token ids
     * @throws IllegalArgumentException if {@code allowedSpecial} names an unknown token, or the
     *                                  text contains a special token that is not allowed
     */
    public int[] encode(String text, Set<String> allowedSpecial) {
        if (text == null) throw new IllegalArgumentException("GPT2Tokenizer.encode: text is null");
        if (allowedSpecial == null) throw new IllegalArgumentException("GPT2Tokenizer.encode: allowedSpecial is null (use Set.of())");
        boolean[] allowed = new boolean[specialNames.length];
        for (String s : allowedSpecial) {
            Integer id = specialTokens.get(s);
            if (id == null) {
                throw new IllegalArgumentException("GPT2Tokenizer.encode: \"" + s + "\" in allowedSpecial is not a special token of GPT-2 (it has " + specialTokens.keySet() + ")");
            }
            for (int k = 0; k < specialNames.length; k++) if (specialNames[k].equals(s)) allowed[k] = true;
        }
        for (int k = 0; k < specialNames.length; k++) {
            if (allowed[k]) continue;
            int at = text.indexOf(specialNames[k]);
            if (at >= 0) {
                throw new IllegalArgumentException("GPT2Tokenizer.encode: the text contains the special token " + specialNames[k] + " at index " + at
                        + "; pass allowedSpecial=Set.of(\"" + specialNames[k] + "\") to encode it as id " + specialIds[k]
                        + ", or use encodeOrdinary to encode it as plain text");
            }
        }
        Encoder enc = new Encoder(text.length());
        int pos = 0;
        while (true) {
            int best = -1;
            int bestAt = Integer.MAX_VALUE;
            for (int k = 0; k < specialNames.length; k++) {
                if (!allowed[k]) continue;
                int at = text.indexOf(specialNames[k], pos);
                if (at >= 0 && (at < bestAt || (at == bestAt && specialNames[k].length() > specialNames[best].length()))) {
                    best = k;
                    bestAt = at;
                }
            }
            if (best < 0) break;
            enc.ordinary(text, pos, bestAt);
            enc.out.add(specialIds[best]);
            pos = bestAt + specialNames[best].length();
        }
        enc.ordinary(text, pos, text.length());
        return enc.out.toArray();
    }

    /**
     * Encodes text treating everything, including {@code <|endoftext|>}, as plain text (tiktoken's
     * {@code encode_ordinary}).
     *
     * @param text the text
     * @return the token ids
     */
    public int[] encodeOrdinary(String text) {
        if (text == null) throw new IllegalArgumentException("GPT2Tokenizer.encodeOrdinary: text is null");
        Encoder enc = new Encoder(text.length());
        enc.ordinary(text, 0, text.length());
        return enc.out.toArray();
    }

    /** One encode call's output and scratch space. */
    private final class Encoder {
        final IntList out;
        final BytePairMerge.Scratch merge = new BytePairMerge.Scratch();
        byte[] buf = new byte[256];

        Encoder(int chars) {
            out = new IntList(chars / 4 + 16);
        }

        void ordinary(String text, int from, int to) {
            TokenTable t = table;
            int i = from;
            while (i < to) {
                int end = GPT2PreTokenizer.nextEnd(text, i, to);
                int need = (end - i) * Utf8.MAX_BYTES_PER_CHAR;
                if (need > buf.length) buf = new byte[Math.max(need, buf.length * 2)];
                int n = Utf8.encode(text, i, end, buf);
                int r = t.rank(buf, 0, n);
                if (r != TokenTable.NONE) out.add(r);
                else BytePairMerge.encode(t, buf, n, out, merge);
                i = end;
            }
        }
    }

    // ------------------------------------------------------------------ decoding

    /**
     * The bytes of the tokens, concatenated (a token may hold part of a UTF-8 character).
     *
     * @param ids the token ids
     * @return the concatenated bytes
     * @throws IllegalArgumentException naming the first id outside {@code 0..vocabSize()-1}
     */
    public byte[] decodeBytes(int[] ids) {
        if (ids == null) throw new IllegalArgumentException("GPT2Tokenizer.decodeBytes: ids is null");
        int total = 0;
        for (int i = 0; i < ids.length; i++) total += length(ids[i], i);
        byte[] out = new byte[total];
        int pos = 0;
        for (int id : ids) {
            if (id < table.size()) {
                pos = table.copyBytes(id, out, pos);
            } else {
                byte[] s = specialBytes[specialIndex(id)];
                System.arraycopy(s, 0, out, pos, s.length);
                pos += s.length;
            }
        }
        return out;
    }

    private int length(int id, int position) {
        if (id >= 0 && id < table.size()) return table.length(id);
        int k = id >= 0 ? specialIndex(id) : -1;
        if (k < 0) {
            throw new IllegalArgumentException("GPT2Tokenizer.decode: id " + id + " at position " + position + " is not a token (ids are 0.." + (vocabSize - 1) + ")");
        }
        return specialBytes[k].length;
    }

    private int specialIndex(int id) {
        for (int k = 0; k < specialIds.length; k++) if (specialIds[k] == id) return k;
        return -1;
    }

    /**
     * Decodes ids to text; bytes that are not valid UTF-8 (for instance a character cut between
     * two tokens) become U+FFFD, as with tiktoken's {@code decode} ({@code errors="replace"}).
     *
     * @param ids the token ids
     * @return the text
     * @throws IllegalArgumentException naming the first id outside {@code 0..vocabSize()-1}
     */
    public String decode(int[] ids) {
        byte[] b = decodeBytes(ids);
        return Utf8.decode(b, 0, b.length);
    }

    // ------------------------------------------------------------------ vocabulary

    /**
     * The number of token ids, special tokens included: 50,257 for GPT-2.
     *
     * @return the vocabulary size
     */
    public int vocabSize() {
        return vocabSize;
    }

    /**
     * The id of {@code <|endoftext|>}: 50256 for GPT-2.
     *
     * @return the end-of-text id
     */
    public int eotToken() {
        return eotToken;
    }

    /** The rank table, for tests in this package. */
    TokenTable table() {
        return table;
    }

    /**
     * The special tokens and their ids.
     *
     * @return an unmodifiable map from special token to id
     */
    public Map<String, Integer> specialTokens() {
        return specialTokens;
    }
}
