// The book's bonus BPETokenizerSimple (ch02/05_bpe-from-scratch): a BPE tokenizer you can train.
// It does: train on text exactly like the book (characters 0..255 plus the text's other characters,
// spaces written as 'Ġ', repeatedly merge the most frequent adjacent pair, ties to the pair seen
// first); encode and decode with the learned merges; save and load the book's JSON files; load
// OpenAI's GPT-2 encoder.json/vocab.bpe and encode with GPT-2's merge ranks.
// It does not: aim for speed or tiktoken-exactness (GPT2Tokenizer is the production tokenizer);
// its pre-tokenisation is the book's simple space/newline split, not GPT-2's regex.
package dev.scratchllm.tokenizer;

import dev.scratchllm.io.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The book's {@code BPETokenizerSimple}: byte-pair encoding trained from scratch.
 *
 * <pre>{@code
 * var tokenizer = new BPETokenizerSimple();
 * tokenizer.train(theVerdict, 1000, Set.of("<|endoftext|>"));   // 742 merges
 * int[] ids = tokenizer.encode("Jack embraced beauty through art and life.");
 * tokenizer.decode(ids);                                          // the same sentence
 * }</pre>
 *
 * <p>Where the book's Python has bugs that only show outside its examples, this class differs, and
 * says so: with OpenAI's files loaded, text is mapped through GPT-2's byte alphabet (so non-ASCII
 * text encodes and decodes correctly; the book looks raw characters up), and ids 198/201 decode to
 * newline/carriage return only in that mode (the book does it for trained vocabularies too, where
 * those ids are {@code Æ} and {@code É}). Not thread-safe while training or loading.
 */
public final class BPETokenizerSimple {
    /** The special token the book's {@code train} allows by default. */
    public static final String ENDOFTEXT = "<|endoftext|>";
    /** The character that marks a preceding space, as in GPT-2's vocabulary. */
    public static final char SPACE_MARK = '\u0120'; // 'Ġ'

    /**
     * One learned merge: the pair of ids and the id of the merged token.
     *
     * @param left the id of the pair's first token
     * @param right the id of the pair's second token
     * @param newId the id of the merged token
     */
    public record Merge(int left, int right, int newId) {}

    private final Map<Integer, String> vocab = new LinkedHashMap<>();        // id -> token
    private final Map<String, Integer> inverseVocab = new LinkedHashMap<>(); // token -> id
    private final LinkedHashMap<Long, Integer> bpeMerges = new LinkedHashMap<>(); // (left, right) -> new id, in learned order
    private final Map<String, Integer> bpeRanks = new HashMap<>();           // OpenAI mode: "a b" -> rank
    private boolean openAI;

    /** An empty tokenizer; call {@link #train}, {@link #loadVocabAndMerges} or {@link #loadVocabAndMergesFromOpenAI}. */
    public BPETokenizerSimple() {}

    private static long pair(int a, int b) {
        return ((long) a << 32) | (b & 0xFFFFFFFFL);
    }

    // ------------------------------------------------------------------ training

    /**
     * {@link #train(String, int, Set)} with the book's default {@code allowed_special={"<|endoftext|>"}}.
     *
     * @param text the training text
     * @param vocabSize the vocabulary size to reach
     */
    public void train(String text, int vocabSize) {
        train(text, vocabSize, Set.of(ENDOFTEXT));
    }

    /**
     * Trains from scratch, as the book: spaces become {@code Ġ} (a space at index 0 is dropped), the
     * vocabulary starts with the characters U+0000..U+00FF, then the text's other characters in
     * code-point order, then {@code Ġ}, then the special tokens; merges are learned until the
     * vocabulary has {@code vocabSize} entries or no pair is left.
     *
     * @param allowedSpecial special tokens to add, in this set's iteration order (use a
     *                       {@link java.util.LinkedHashSet} to fix it when there are several)
     * @param text the training text
     * @param vocabSize the vocabulary size to reach
     * @throws IllegalArgumentException if the text or set is null, or {@code vocabSize} is negative
     */
    public void train(String text, int vocabSize, Set<String> allowedSpecial) {
        if (text == null) throw new IllegalArgumentException("BPETokenizerSimple.train: text is null");
        if (vocabSize < 0) throw new IllegalArgumentException("BPETokenizerSimple.train: vocabSize " + vocabSize + " is negative");
        if (allowedSpecial == null) throw new IllegalArgumentException("BPETokenizerSimple.train: allowedSpecial is null (use Set.of())");
        clear();

        // "Ġ" for every space except at index 0, which is dropped
        int[] processed = text.codePoints().toArray();
        int n = 0;
        for (int i = 0; i < processed.length; i++) {
            int cp = processed[i];
            if (cp == ' ') {
                if (i != 0) processed[n++] = SPACE_MARK;
            } else {
                processed[n++] = cp;
            }
        }
        processed = Arrays.copyOf(processed, n);

        List<String> uniqueChars = new ArrayList<>();
        for (int c = 0; c < 256; c++) uniqueChars.add(String.valueOf((char) c));
        TreeSet<Integer> extra = new TreeSet<>();
        for (int cp : processed) if (cp >= 256) extra.add(cp);
        for (int cp : extra) uniqueChars.add(new String(Character.toChars(cp)));
        if (!extra.contains((int) SPACE_MARK)) uniqueChars.add(String.valueOf(SPACE_MARK));
        for (String c : uniqueChars) put(vocab.size(), c);
        for (String token : allowedSpecial) {
            if (!inverseVocab.containsKey(token)) put(vocab.size(), token);
        }

        int[] ids = new int[processed.length];
        for (int i = 0; i < ids.length; i++) ids[i] = inverseVocab.get(new String(Character.toChars(processed[i])));
        int len = ids.length;

        PairCounter counter = new PairCounter();
        for (int newId = vocab.size(); newId < vocabSize; newId++) {
            long best = counter.mostFrequent(ids, len);
            if (best == PairCounter.NONE) break;
            len = replacePair(ids, len, (int) (best >>> 32), (int) best, newId);
            bpeMerges.put(best, newId);
        }
        for (Map.Entry<Long, Integer> m : bpeMerges.entrySet()) {
            long p = m.getKey();
            put(m.getValue(), vocab.get((int) (p >>> 32)) + vocab.get((int) p));
        }
    }

    private void put(int id, String token) {
        vocab.put(id, token);
        inverseVocab.put(token, id);
    }

    private void clear() {
        vocab.clear();
        inverseVocab.clear();
        bpeMerges.clear();
        bpeRanks.clear();
        openAI = false;
    }

    /** Replaces non-overlapping occurrences of (a, b), left to right, in place; returns the new length. */
    private static int replacePair(int[] ids, int len, int a, int b, int newId) {
        int w = 0;
        for (int r = 0; r < len; r++) {
            if (r + 1 < len && ids[r] == a && ids[r + 1] == b) {
                ids[w++] = newId;
                r++;
            } else {
                ids[w++] = ids[r];
            }
        }
        return w;
    }

    /**
     * Counts adjacent pairs like the book's {@code Counter(zip(ids, ids[1:]))} and picks
     * {@code max(..., key=count)}: the highest count, and among equal counts the pair that
     * occurs first. An open-addressing table that is reused between rounds.
     */
    private static final class PairCounter {
        static final long NONE = Long.MIN_VALUE;
        private long[] keys = new long[1 << 12];
        private int[] counts = new int[1 << 12];
        private int[] stamps = new int[1 << 12]; // a slot is live when its stamp is the current round
        private int round;

        long mostFrequent(int[] ids, int len) {
            if (len < 2) return NONE;
            int need = Integer.highestOneBit(Math.max(16, (len - 1) * 2)) << 1;
            if (keys.length < need) {
                keys = new long[need];
                counts = new int[need];
                stamps = new int[need];
                round = 0;
            }
            round++;
            int mask = keys.length - 1;
            long best = NONE;
            int bestCount = 0;
            // first occurrences come in sequence order, so scanning in order and replacing only on a
            // strictly higher count keeps the first-seen pair among ties
            int[] firstSeenOrder = new int[len - 1];
            int distinct = 0;
            for (int i = 0; i + 1 < len; i++) {
                long key = pair(ids[i], ids[i + 1]);
                int h = (int) ((key * 0x9E3779B97F4A7C15L) >>> 32) & mask;
                while (stamps[h] == round && keys[h] != key) h = (h + 1) & mask;
                if (stamps[h] != round) {
                    stamps[h] = round;
                    keys[h] = key;
                    counts[h] = 0;
                    firstSeenOrder[distinct++] = h;
                }
                counts[h]++;
            }
            for (int d = 0; d < distinct; d++) {
                int h = firstSeenOrder[d];
                if (counts[h] > bestCount) {
                    bestCount = counts[h];
                    best = keys[h];
                }
            }
            return best;
        }
    }

    // ------------------------------------------------------------------ encoding

    /**
     * Encodes text in which special tokens are not allowed (the book's {@code allowed_special=None}).
     *
     * @param text the text
     * @return the token ids
     * @throws IllegalArgumentException if the text contains a special token of the vocabulary, or a
     *                                  character the vocabulary lacks
     */
    public int[] encode(String text) {
        return encode(text, null);
    }

    /**
     * Encodes text; the special tokens in {@code allowedSpecial} become their ids, any other
     * {@code <|...|>} token of the vocabulary found in the text is an error (tiktoken's rule, as in
     * the book). {@code null} or an empty set allows none.
     *
     * @param text the text
     * @param allowedSpecial the special tokens to encode as such, or null
     * @return the token ids
     * @throws IllegalArgumentException on a disallowed special token, an allowed one missing from
     *                                  the vocabulary, or a character the vocabulary lacks
     */
    public int[] encode(String text, Set<String> allowedSpecial) {
        if (text == null) throw new IllegalArgumentException("BPETokenizerSimple.encode: text is null");
        if (vocab.isEmpty()) throw new IllegalArgumentException("BPETokenizerSimple.encode: the tokenizer is empty; train or load it first");
        Set<String> allowed = allowedSpecial == null ? Set.of() : allowedSpecial;
        List<String> disallowed = new ArrayList<>();
        for (String tok : inverseVocab.keySet()) {
            if (tok.startsWith("<|") && tok.endsWith("|>") && text.contains(tok) && !allowed.contains(tok)) disallowed.add(tok);
        }
        if (!disallowed.isEmpty()) {
            throw new IllegalArgumentException("BPETokenizerSimple.encode: disallowed special tokens in the text: " + disallowed
                    + " (pass them in allowedSpecial to encode them as special tokens)");
        }
        List<Integer> out = new ArrayList<>();
        int pos = 0;
        if (!allowed.isEmpty()) {
            while (true) {
                String bestTok = null;
                int bestAt = Integer.MAX_VALUE;
                for (String s : allowed) {
                    int at = s.isEmpty() ? -1 : text.indexOf(s, pos);
                    if (at >= 0 && (at < bestAt || (at == bestAt && s.length() > bestTok.length()))) {
                        bestTok = s;
                        bestAt = at;
                    }
                }
                if (bestTok == null) break;
                encodePlain(text.substring(pos, bestAt), out);
                Integer id = inverseVocab.get(bestTok);
                if (id == null) throw new IllegalArgumentException("BPETokenizerSimple.encode: special token " + bestTok + " is not in the vocabulary");
                out.add(id);
                pos = bestAt + bestTok.length();
            }
        }
        encodePlain(text.substring(pos), out);
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    private void encodePlain(String text, List<Integer> out) {
        for (String token : pretokenize(text)) {
            String key = openAI ? toGlyphs(token) : token;
            Integer id = inverseVocab.get(key);
            if (id != null) out.add(id);
            else if (openAI) mergeByRank(key, out);
            else mergeLearned(token, out);
        }
    }

    /**
     * The book's pre-tokenisation: {@code \r\n}, {@code \r} and {@code \n} are tokens of their own;
     * in between, runs of spaces and runs of non-whitespace alternate, a word takes one preceding
     * space as {@code Ġ}, extra spaces become lone {@code Ġ} tokens; other whitespace (tabs...) is dropped.
     */
    static List<String> pretokenize(String text) {
        List<String> tokens = new ArrayList<>();
        int i = 0;
        int n = text.length();
        while (i < n) {
            char c = text.charAt(i);
            if (c == '\r') {
                tokens.add("\r");
                i++;
                continue;
            }
            if (c == '\n') {
                tokens.add("\n");
                i++;
                continue;
            }
            int end = i;
            while (end < n && text.charAt(end) != '\r' && text.charAt(end) != '\n') end++;
            int pendingSpaces = 0;
            int j = i;
            while (j < end) {
                int cp = text.codePointAt(j);
                if (cp == ' ') {
                    pendingSpaces++;
                    j++;
                } else if (PythonText.isSpace(cp)) {
                    j += Character.charCount(cp); // neither ( +) nor (\S+): skipped, as re.finditer does
                } else {
                    int w = j;
                    while (w < end) {
                        int cw = text.codePointAt(w);
                        if (PythonText.isSpace(cw)) break;
                        w += Character.charCount(cw);
                    }
                    String word = text.substring(j, w);
                    if (pendingSpaces > 0) {
                        for (int k = 0; k < pendingSpaces - 1; k++) tokens.add(String.valueOf(SPACE_MARK));
                        tokens.add(SPACE_MARK + word);
                        pendingSpaces = 0;
                    } else {
                        tokens.add(word);
                    }
                    j = w;
                }
            }
            for (int k = 0; k < pendingSpaces; k++) tokens.add(String.valueOf(SPACE_MARK));
            i = end;
        }
        return tokens;
    }

    /** Trained mode: characters to ids, then the book's repeated left-to-right pass over the learned merges. */
    private void mergeLearned(String token, List<Integer> out) {
        int[] cps = token.codePoints().toArray();
        int[] ids = new int[cps.length];
        List<String> missing = new ArrayList<>();
        for (int i = 0; i < cps.length; i++) {
            Integer id = inverseVocab.get(new String(Character.toChars(cps[i])));
            if (id == null) missing.add(new String(Character.toChars(cps[i])));
            else ids[i] = id;
        }
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("BPETokenizerSimple.encode: characters not in the vocabulary: " + missing + " (in \"" + token + "\")");
        }
        int len = ids.length;
        boolean canMerge = true;
        while (canMerge && len > 1) {
            canMerge = false;
            int w = 0;
            int i = 0;
            while (i < len - 1) {
                Integer merged = bpeMerges.get(pair(ids[i], ids[i + 1]));
                if (merged != null) {
                    ids[w++] = merged;
                    i += 2;
                    canMerge = true;
                } else {
                    ids[w++] = ids[i++];
                }
            }
            if (i < len) ids[w++] = ids[i];
            len = w;
        }
        for (int i = 0; i < len; i++) out.add(ids[i]);
    }

    /** OpenAI mode: GPT-2's original algorithm, merging every occurrence of the lowest-ranked pair. */
    private void mergeByRank(String glyphs, List<Integer> out) {
        List<String> symbols = new ArrayList<>();
        for (int i = 0; i < glyphs.length(); i++) symbols.add(String.valueOf(glyphs.charAt(i)));
        while (symbols.size() > 1) {
            int bestRank = Integer.MAX_VALUE;
            String first = null;
            String second = null;
            for (int i = 0; i + 1 < symbols.size(); i++) {
                Integer r = bpeRanks.get(symbols.get(i) + " " + symbols.get(i + 1));
                if (r != null && r < bestRank) {
                    bestRank = r;
                    first = symbols.get(i);
                    second = symbols.get(i + 1);
                }
            }
            if (first == null) break;
            List<String> next = new ArrayList<>(symbols.size());
            for (int i = 0; i < symbols.size(); i++) {
                if (i + 1 < symbols.size() && symbols.get(i).equals(first) && symbols.get(i + 1).equals(second)) {
                    next.add(first + second);
                    i++;
                } else {
                    next.add(symbols.get(i));
                }
            }
            symbols = next;
        }
        for (String s : symbols) {
            Integer id = inverseVocab.get(s);
            if (id == null) throw new IllegalArgumentException("BPETokenizerSimple.encode: merged symbol \"" + s + "\" is not in the vocabulary");
            out.add(id);
        }
    }

    /** A pre-token in GPT-2's byte alphabet: a leading Ġ stays the space byte, the rest goes through UTF-8. */
    private static String toGlyphs(String token) {
        boolean mark = !token.isEmpty() && token.charAt(0) == SPACE_MARK;
        byte[] bytes = (mark ? token.substring(1) : token).getBytes(StandardCharsets.UTF_8);
        String g = ByteLevelAlphabet.toGlyphs(bytes, 0, bytes.length);
        return mark ? SPACE_MARK + g : g;
    }

    // ------------------------------------------------------------------ decoding

    /**
     * Decodes ids: a token starting with {@code Ġ} gets a space instead; with OpenAI's files loaded,
     * tokens are turned back from GPT-2's byte alphabet into UTF-8 text.
     *
     * @param ids the token ids
     * @return the text
     * @throws IllegalArgumentException naming the first id not in the vocabulary
     */
    public String decode(int[] ids) {
        if (ids == null) throw new IllegalArgumentException("BPETokenizerSimple.decode: ids is null");
        if (openAI) return decodeOpenAI(ids);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < ids.length; i++) {
            String tok = token(ids[i], i);
            if (!tok.isEmpty() && tok.charAt(0) == SPACE_MARK) sb.append(' ').append(tok, 1, tok.length());
            else sb.append(tok);
        }
        return sb.toString();
    }

    private String decodeOpenAI(int[] ids) {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < ids.length; i++) {
            String tok = token(ids[i], i);
            byte[] b = tok.startsWith("<|") && tok.endsWith("|>") ? null : ByteLevelAlphabet.fromGlyphs(tok);
            if (b == null) b = tok.getBytes(StandardCharsets.UTF_8);
            bytes.write(b, 0, b.length);
        }
        byte[] all = bytes.toByteArray();
        return Utf8.decode(all, 0, all.length);
    }

    private String token(int id, int position) {
        String tok = vocab.get(id);
        if (tok == null) throw new IllegalArgumentException("BPETokenizerSimple.decode: id " + id + " at position " + position + " is not in the vocabulary");
        return tok;
    }

    // ------------------------------------------------------------------ files

    /**
     * Writes the book's two JSON files: the vocabulary as {@code {"id": "token", ...}} and the merges
     * as {@code [{"pair": [a, b], "new_id": n}, ...]}, both indented by 2 like Python's {@code json.dump}.
     *
     * @param vocabPath the vocabulary file to write
     * @param bpeMergesPath the merges file to write
     * @throws java.io.UncheckedIOException if a file cannot be written
     */
    public void saveVocabAndMerges(Path vocabPath, Path bpeMergesPath) {
        if (vocabPath == null || bpeMergesPath == null) throw new IllegalArgumentException("BPETokenizerSimple.saveVocabAndMerges: a path is null");
        StringBuilder v = new StringBuilder("{");
        boolean first = true;
        for (Map.Entry<Integer, String> e : vocab.entrySet()) {
            v.append(first ? "\n  " : ",\n  ");
            first = false;
            Json.quote(v, String.valueOf(e.getKey()));
            v.append(": ");
            Json.quote(v, e.getValue());
        }
        v.append(vocab.isEmpty() ? "}" : "\n}");
        StringBuilder m = new StringBuilder("[");
        first = true;
        for (Map.Entry<Long, Integer> e : bpeMerges.entrySet()) {
            long p = e.getKey();
            m.append(first ? "\n  {\n" : ",\n  {\n");
            first = false;
            m.append("    \"pair\": [\n      ").append((int) (p >>> 32)).append(",\n      ").append((int) p).append("\n    ],\n");
            m.append("    \"new_id\": ").append(e.getValue()).append("\n  }");
        }
        m.append(bpeMerges.isEmpty() ? "]" : "\n]");
        write(vocabPath, v.toString());
        write(bpeMergesPath, m.toString());
    }

    private static void write(Path p, String content) {
        try {
            Path parent = p.toAbsolutePath().getParent();
            Path tmp = Files.createTempFile(parent, p.getFileName().toString(), ".tmp");
            Files.writeString(tmp, content, StandardCharsets.UTF_8);
            Files.move(tmp, p, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("BPETokenizerSimple.saveVocabAndMerges: cannot write " + p, e);
        }
    }

    /**
     * Reads files written by {@link #saveVocabAndMerges} (or by the book's Python).
     *
     * @param vocabPath the vocabulary file
     * @param bpeMergesPath the merges file
     * @throws IllegalArgumentException naming the file and entry if they are malformed
     */
    public void loadVocabAndMerges(Path vocabPath, Path bpeMergesPath) {
        Map<String, Object> v = Json.parseObject(read(vocabPath), vocabPath.toString());
        Object mergesJson = Json.parse(read(bpeMergesPath), bpeMergesPath.toString());
        clear();
        for (Map.Entry<String, Object> e : v.entrySet()) {
            int id;
            try {
                id = Integer.parseInt(e.getKey());
            } catch (NumberFormatException ex) {
                throw new IllegalArgumentException(vocabPath + ": key \"" + e.getKey() + "\" is not an integer id");
            }
            if (!(e.getValue() instanceof String s)) throw new IllegalArgumentException(vocabPath + ": the token of id " + id + " is not a string");
            put(id, s);
        }
        if (!(mergesJson instanceof List<?> list)) throw new IllegalArgumentException(bpeMergesPath + ": expected a JSON list of merges");
        for (int i = 0; i < list.size(); i++) {
            if (!(list.get(i) instanceof Map<?, ?> entry)
                    || !(entry.get("pair") instanceof List<?> p) || p.size() != 2
                    || !(p.get(0) instanceof Long a) || !(p.get(1) instanceof Long b) || !(entry.get("new_id") instanceof Long id)) {
                throw new IllegalArgumentException(bpeMergesPath + ": merge " + i + " is not {\"pair\": [a, b], \"new_id\": n}");
            }
            bpeMerges.put(pair(a.intValue(), b.intValue()), id.intValue());
        }
    }

    /**
     * Loads OpenAI's GPT-2 files ({@code encoder.json}, {@code vocab.bpe}) as in the book's section 3.3;
     * encoding then follows GPT-2's merge ranks, and {@code \n} is id 198.
     *
     * @param vocabPath OpenAI's {@code encoder.json}
     * @param bpeMergesPath OpenAI's {@code vocab.bpe}
     * @throws IllegalArgumentException naming the file if it is malformed, or lacks {@code Ċ} at 198 or
     *                                  {@code <|endoftext|>} at 50256 (the book's checks)
     */
    public void loadVocabAndMergesFromOpenAI(Path vocabPath, Path bpeMergesPath) {
        Map<String, Object> encoder = Json.parseObject(read(vocabPath), vocabPath.toString());
        String merges = read(bpeMergesPath);
        clear();
        for (Map.Entry<String, Object> e : encoder.entrySet()) {
            if (!(e.getValue() instanceof Long id)) throw new IllegalArgumentException(vocabPath + ": the id of \"" + e.getKey() + "\" is not an integer");
            put(id.intValue(), e.getKey());
        }
        if (!Integer.valueOf(198).equals(inverseVocab.get("\u010A"))) {
            throw new IllegalArgumentException(vocabPath + ": GPT-2's newline glyph \"\u010A\" must have id 198");
        }
        if (!Integer.valueOf(50256).equals(inverseVocab.get(ENDOFTEXT))) {
            throw new IllegalArgumentException(vocabPath + ": " + ENDOFTEXT + " must have id 50256");
        }
        String[] lines = merges.split("\n", -1);
        int rank = 0;
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (i == 0 && line.startsWith("#")) continue;
            String[] parts = line.split("\\s+");
            if (parts.length != 2) continue; // the book skips malformed and empty lines
            if (inverseVocab.containsKey(parts[0]) && inverseVocab.containsKey(parts[1])) {
                bpeRanks.put(parts[0] + " " + parts[1], rank++);
            }
        }
        openAI = true;
    }

    private static String read(Path p) {
        if (p == null) throw new IllegalArgumentException("BPETokenizerSimple: a path is null");
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("BPETokenizerSimple: cannot read " + p, e);
        }
    }

    // ------------------------------------------------------------------ views

    /**
     * The vocabulary, id to token (the book's {@code vocab}); unmodifiable.
     *
     * @return an unmodifiable view of the map from id to token
     */
    public Map<Integer, String> vocab() {
        return Collections.unmodifiableMap(vocab);
    }

    /**
     * The vocabulary, token to id (the book's {@code inverse_vocab}); unmodifiable.
     *
     * @return an unmodifiable view of the map from token to id
     */
    public Map<String, Integer> inverseVocab() {
        return Collections.unmodifiableMap(inverseVocab);
    }

    /**
     * The learned merges in the order they were learned (the book's {@code bpe_merges}).
     *
     * @return a new list of the merges
     */
    public List<Merge> bpeMerges() {
        List<Merge> list = new ArrayList<>(bpeMerges.size());
        for (Map.Entry<Long, Integer> e : bpeMerges.entrySet()) {
            long p = e.getKey();
            list.add(new Merge((int) (p >>> 32), (int) p, e.getValue()));
        }
        return Collections.unmodifiableList(list);
    }
}
