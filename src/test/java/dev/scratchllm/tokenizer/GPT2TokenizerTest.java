// Checks GPT2Tokenizer against JTokkit's r50k_base (itself checked against tiktoken), special-token
// rules, decoding of invalid UTF-8, loading from OpenAI's files, and the two merge algorithms.
package dev.scratchllm.tokenizer;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import dev.scratchllm.data.DataFiles;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class GPT2TokenizerTest {
    private static final String EOT = GPT2Tokenizer.ENDOFTEXT;
    private static GPT2Tokenizer tok;
    private static Encoding jtokkit;

    @BeforeAll
    static void setUp() {
        tok = GPT2Tokenizer.load();
        jtokkit = Encodings.newDefaultEncodingRegistry().getEncoding(EncodingType.R50K_BASE);
    }

    /** JTokkit as the reference: encodeOrdinary on the text between special tokens, 50256 in between. */
    private static int[] reference(String text) {
        List<Integer> ids = new ArrayList<>();
        int pos = 0;
        while (true) {
            int at = text.indexOf(EOT, pos);
            int end = at < 0 ? text.length() : at;
            for (int id : jtokkit.encodeOrdinary(text.substring(pos, end)).toArray()) ids.add(id);
            if (at < 0) break;
            ids.add(50256);
            pos = at + EOT.length();
        }
        return ids.stream().mapToInt(Integer::intValue).toArray();
    }

    private static void assertSameAsReference(String s) {
        // plain comparisons first: building AssertJ descriptions for thousands of strings is slow
        int[] ours = tok.encodeOrdinary(s);
        if (!Arrays.equals(ours, jtokkit.encodeOrdinary(s).toArray())) {
            assertThat(ours).as("encodeOrdinary(%s)", printable(s)).isEqualTo(jtokkit.encodeOrdinary(s).toArray());
        }
        int[] withSpecial = tok.encode(s, Set.of(EOT));
        if (!Arrays.equals(withSpecial, reference(s))) {
            assertThat(withSpecial).as("encode(%s, {eot})", printable(s)).isEqualTo(reference(s));
        }
        String back = tok.decode(ours);
        if (!back.equals(s)) assertThat(back).as("round trip of %s", printable(s)).isEqualTo(s);
    }

    private static String printable(String s) {
        StringBuilder sb = new StringBuilder("\"");
        s.codePoints().limit(80).forEach(cp -> {
            if (cp >= 0x20 && cp < 0x7F) sb.appendCodePoint(cp);
            else sb.append(String.format("\\u{%X}", cp));
        });
        return sb.append(s.length() > 80 ? "...\"" : "\"").toString();
    }

    @Test
    @DisplayName("vocabulary: 50,257 ids, <|endoftext|> = 50256")
    void vocabulary() {
        assertThat(tok.vocabSize()).isEqualTo(50257);
        assertThat(tok.eotToken()).isEqualTo(50256);
        assertThat(tok.specialTokens()).containsExactly(java.util.Map.entry(EOT, 50256));
        assertThat(GPT2Tokenizer.load()).isSameAs(tok);
    }

    @Test
    @DisplayName("known ids: the bonus notebook's test cases")
    void knownIds() {
        assertThat(tok.encode("This is some text")).containsExactly(1212, 318, 617, 2420);
        assertThat(tok.encode("Hello,")).containsExactly(15496, 11);
        assertThat(tok.encode("Implementations")).containsExactly(3546, 26908, 602);
        assertThat(tok.encode("asdf asdfasdf a!!, @aba 9asdf90asdfk"))
                .containsExactly(292, 7568, 355, 7568, 292, 7568, 257, 3228, 11, 2488, 15498, 860, 292, 7568, 3829, 292, 7568, 74);
        assertThat(tok.encode("Hello, world. Is this-- a test?")).containsExactly(15496, 11, 995, 13, 1148, 428, 438, 257, 1332, 30);
        assertThat(tok.encode("\n")).containsExactly(198);
        assertThat(tok.encode("Hello \nworld")).containsExactly(15496, 220, 198, 6894);
    }

    @Test
    @DisplayName("hand-picked hard cases: same ids as JTokkit r50k_base, exact round trip")
    void handPickedCasesMatchJTokkit() {
        for (String s : TokenizerCorpus.handPicked()) assertSameAsReference(s);
    }

    @Test
    @DisplayName("5,000 seeded random strings (surrogate pairs, combining marks, odd spaces): same ids as JTokkit")
    void randomStringsMatchJTokkit() {
        for (String s : TokenizerCorpus.random(20240611L, 5000)) assertSameAsReference(s);
    }

    @Test
    @DisplayName("the random corpus joined into one long text with <|endoftext|> separators")
    void joinedCorpusMatchesJTokkit() {
        String joined = String.join(EOT, TokenizerCorpus.random(7L, 2000)) + EOT + String.join("\n", TokenizerCorpus.handPicked());
        assertThat(tok.encode(joined, Set.of(EOT))).isEqualTo(reference(joined));
    }

    @Test
    @DisplayName("the-verdict: 5,145 ids, identical to JTokkit, exact round trip")
    void theVerdict() {
        Optional<Path> p = DataFiles.find("the-verdict.txt");
        assumeTrue(p.isPresent(), () -> "skipped: SCRATCHLLM_DATA is unset or lacks the-verdict.txt (" + DataFiles.describeSearch("the-verdict.txt") + ")");
        String text = read(p.get());
        int[] ids = tok.encode(text);
        assertThat(ids).hasSize(5145).isEqualTo(jtokkit.encodeOrdinary(text).toArray());
        assertThat(tok.decode(ids)).isEqualTo(text);
    }

    // ---------------------------------------------------------------- special tokens

    @Test
    @DisplayName("encode(text) refuses <|endoftext|>, as tiktoken does")
    void disallowedSpecialThrows() {
        assertThatThrownBy(() -> tok.encode("a <|endoftext|> b"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("<|endoftext|>").hasMessageContaining("index 2").hasMessageContaining("allowedSpecial");
        assertThatThrownBy(() -> tok.encode("<|endoftext|>", Set.of())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    @DisplayName("allowed <|endoftext|> becomes 50256 and splits the text around it")
    void allowedSpecial() {
        assertThat(tok.encode("<|endoftext|>", Set.of(EOT))).containsExactly(50256);
        assertThat(tok.encode("a<|endoftext|><|endoftext|>b", Set.of(EOT))).containsExactly(64, 50256, 50256, 65);
        // the space before the special token is not joined with what follows it
        assertThat(tok.encode("like tea? <|endoftext|> In", Set.of(EOT))).containsExactly(2339, 8887, 30, 220, 50256, 554);
        assertThat(tok.decode(new int[] {50256})).isEqualTo(EOT);
    }

    @Test
    @DisplayName("encodeOrdinary treats <|endoftext|> as plain text")
    void ordinaryIgnoresSpecials() {
        int[] ids = tok.encodeOrdinary("<|endoftext|>");
        assertThat(ids).isEqualTo(jtokkit.encodeOrdinary("<|endoftext|>").toArray()).hasSizeGreaterThan(1).doesNotContain(50256);
        assertThat(tok.decode(ids)).isEqualTo(EOT);
    }

    @Test
    @DisplayName("unknown names in allowedSpecial are an error")
    void unknownAllowedSpecial() {
        assertThatThrownBy(() -> tok.encode("x", Set.of("<|fim_prefix|>")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("<|fim_prefix|>");
    }

    // ---------------------------------------------------------------- decoding

    @Test
    @DisplayName("decode replaces invalid UTF-8 like Python's errors=\"replace\"")
    void invalidUtf8() {
        // "€" is 3 bytes; single-byte tokens carry its pieces
        int e2 = tok.encodeOrdinary("\u00e2")[0]; // not what we want: find byte tokens via decodeBytes instead
        assertThat(e2).isNotNegative();
        int[] euro = tok.encode("€");
        byte[] bytes = tok.decodeBytes(euro);
        assertThat(bytes).containsExactly(0xE2, 0x82, 0xAC);
        int[] firstTwo = byteTokens(0xE2, 0x82);
        assertThat(tok.decode(firstTwo)).isEqualTo("\uFFFD");                      // truncated sequence: one U+FFFD
        assertThat(tok.decode(concat(firstTwo, tok.encode("A")))).isEqualTo("\uFFFDA");
        assertThat(tok.decode(byteTokens(0xFF))).isEqualTo("\uFFFD");
        assertThat(tok.decode(byteTokens(0xED, 0xA0, 0x80))).isEqualTo("\uFFFD\uFFFD\uFFFD"); // encoded surrogate
        assertThat(tok.decode(byteTokens(0xC0, 0xAF))).isEqualTo("\uFFFD\uFFFD");             // overlong
        assertThat(tok.decode(byteTokens(0xF0, 0x9F, 0x98))).isEqualTo("\uFFFD");             // truncated emoji
        assertThat(tok.decode(byteTokens(0xF4, 0x90, 0x80, 0x80))).isEqualTo("\uFFFD\uFFFD\uFFFD\uFFFD"); // above U+10FFFF
        assertThat(tok.decode(byteTokens(0xE0, 0x80, 0x80))).isEqualTo("\uFFFD\uFFFD\uFFFD");
        assertThat(tok.decode(byteTokens(0xF0, 0x9F, 0x98, 0x80))).isEqualTo("😀");
    }

    /** The ids of the single-byte tokens for the given bytes. */
    private static int[] byteTokens(int... bytes) {
        int[] ids = new int[bytes.length];
        outer:
        for (int i = 0; i < bytes.length; i++) {
            for (int id = 0; id < 256; id++) {
                byte[] b = tok.decodeBytes(new int[] {id});
                if (b.length == 1 && (b[0] & 0xFF) == bytes[i]) {
                    ids[i] = id;
                    continue outer;
                }
            }
            throw new AssertionError("no single-byte token for " + bytes[i]);
        }
        return ids;
    }

    private static int[] concat(int[] a, int[] b) {
        int[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    @Test
    @DisplayName("decode rejects ids outside the vocabulary")
    void badIds() {
        assertThatThrownBy(() -> tok.decode(new int[] {1, 50257})).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("50257").hasMessageContaining("position 1");
        assertThatThrownBy(() -> tok.decode(new int[] {-1})).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    @DisplayName("a lone surrogate is encoded as U+FFFD, as tiktoken's Python wrapper does")
    void loneSurrogates() {
        assertThat(tok.encode("a\uD800b")).isEqualTo(tok.encode("a\uFFFDb"));
        assertThat(tok.encode("\uDC00")).isEqualTo(tok.encode("\uFFFD"));
        assertThat(tok.encode("x \uD83D")).isEqualTo(tok.encode("x \uFFFD"));
    }

    // ---------------------------------------------------------------- loading

    @Test
    @DisplayName("fromFiles(encoder.json, vocab.bpe) gives the same ids as load()")
    void fromFilesEqualsLoad() {
        Optional<Path> enc = DataFiles.find("gpt2/encoder.json");
        Optional<Path> bpe = DataFiles.find("gpt2/vocab.bpe");
        assumeTrue(enc.isPresent() && bpe.isPresent(),
                () -> "skipped: SCRATCHLLM_DATA is unset or lacks gpt2/encoder.json and gpt2/vocab.bpe (" + DataFiles.describeSearch("gpt2/encoder.json") + ")");
        GPT2Tokenizer files = GPT2Tokenizer.fromFiles(enc.get(), bpe.get());
        assertThat(files.vocabSize()).isEqualTo(50257);
        assertThat(files.eotToken()).isEqualTo(50256);
        for (int id = 0; id < 50257; id++) {
            int[] one = {id};
            if (!Arrays.equals(files.decodeBytes(one), tok.decodeBytes(one))) {
                throw new AssertionError("token " + id + " differs between fromFiles and load");
            }
        }
        for (String s : TokenizerCorpus.handPicked()) assertThat(files.encode(s, Set.of(EOT))).isEqualTo(tok.encode(s, Set.of(EOT)));
        for (String s : TokenizerCorpus.random(99L, 500)) assertThat(files.encodeOrdinary(s)).isEqualTo(tok.encodeOrdinary(s));
    }

    @Test
    @DisplayName("fromFiles names the file and line of a bad merge")
    void fromFilesReportsBadMerge() throws Exception {
        Optional<Path> enc = DataFiles.find("gpt2/encoder.json");
        assumeTrue(enc.isPresent(), () -> "skipped: " + DataFiles.describeSearch("gpt2/encoder.json"));
        Path dir = Files.createTempDirectory("bpe");
        Path bpe = dir.resolve("vocab.bpe");
        Files.writeString(bpe, "#version: 0.2\nĠ t\nĠ a\nx y\n");
        try {
            assertThatThrownBy(() -> GPT2Tokenizer.fromFiles(enc.get(), bpe))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("vocab.bpe line 4").hasMessageContaining("x y");
        } finally {
            Files.delete(bpe);
            Files.delete(dir);
        }
    }

    @Test
    @DisplayName("the bundled ranks parse into a working tokenizer (the time is printed, not asserted)")
    void loadBundled() {
        long t0 = System.nanoTime();
        GPT2Tokenizer fresh = GPT2Tokenizer.loadBundled();
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(fresh.encode("hello world")).containsExactly(31373, 995);
        System.out.println("GPT2Tokenizer bundled ranks parsed in " + ms + " ms");
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    // ---------------------------------------------------------------- merge algorithms

    @Test
    @DisplayName("the heap merge gives the same ids as tiktoken's linear merge on every piece")
    void heapMergeEqualsLinear() {
        TokenTable table = tok.table();
        BytePairMerge.Scratch s = new BytePairMerge.Scratch();
        List<String> texts = new ArrayList<>(TokenizerCorpus.handPicked());
        texts.addAll(TokenizerCorpus.random(5L, 1000));
        for (String text : texts) {
            byte[] b = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            for (int len = 1; len <= Math.min(b.length, 300); len += 1 + len / 8) {
                IntList a = new IntList(8);
                IntList h = new IntList(8);
                BytePairMerge.encodeLinear(table, b, len, a, s);
                BytePairMerge.encodeWithHeap(table, b, len, h, s);
                if (!Arrays.equals(h.toArray(), a.toArray())) {
                    assertThat(h.toArray()).as("%s, %d bytes", printable(text), len).isEqualTo(a.toArray());
                }
            }
        }
    }
}
