// Checks the cl100k-family engine: the Llama 3 pre-tokenizer and tiktoken merging against JTokkit's
// cl100k_base (OpenAI's encoding whose pattern Llama 3 took unchanged, and whose 100,256 ranks are
// Llama 3's first ones), the pair-merge algorithms against each other, and bad tokenizer.json files.
package dev.scratchllm.tokenizer;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ByteLevelBPETest {
    private static ByteLevelBPE cl100k;
    private static Encoding jtokkit;

    @BeforeAll
    static void setUp() throws IOException {
        byte[] ranks;
        try (InputStream in = Encoding.class.getResourceAsStream("/com/knuddels/jtokkit/cl100k_base.tiktoken")) {
            ranks = in.readAllBytes();
        }
        cl100k = ByteLevelBPE.fromTiktoken(ranks, "cl100k_base.tiktoken", Cl100kPreTokenizer.LLAMA3, Map.of("<|endoftext|>", 100257));
        jtokkit = Encodings.newDefaultEncodingRegistry().getEncoding(EncodingType.CL100K_BASE);
    }

    private static String printable(String s) {
        StringBuilder sb = new StringBuilder();
        s.codePoints().limit(80).forEach(cp -> {
            if (cp < 0x20 || cp > 0x7E) sb.append(String.format("\\u%04X", cp));
            else sb.append((char) cp);
        });
        return sb.toString();
    }

    private static void assertLikeCl100k(String s) {
        int[] ours = cl100k.encodeOrdinary(s);
        int[] ref = jtokkit.encodeOrdinary(s).toArray();
        if (!Arrays.equals(ours, ref)) assertThat(ours).as("encodeOrdinary(%s)", printable(s)).isEqualTo(ref);
    }

    @Test
    @DisplayName("Llama 3's pattern + tiktoken merging = cl100k_base (JTokkit) on the hand-picked corpus")
    void handPickedLikeCl100k() {
        // U+0085 (NEL) and U+FEFF are left out: JTokkit's and JavaScript's \s disagree with
        // tiktoken's White_Space there, and ours follows tiktoken
        for (String s : TokenizerCorpus.handPicked()) assertLikeCl100k(s.replace('\u0085', ' '));
    }

    @Test
    @DisplayName("Llama 3's pattern + tiktoken merging = cl100k_base (JTokkit) on 3000 random strings")
    void randomLikeCl100k() {
        for (String s : TokenizerCorpus.random(20_241_205L, 3000)) assertLikeCl100k(s.replace('\u0085', ' '));
    }

    @Test
    @DisplayName("contractions are case-insensitive, digits come in threes, whitespace keeps its last char for the next word")
    void patternCases() {
        // expected pieces from the regex's semantics, written out by hand
        assertThat(pieces(Cl100kPreTokenizer.LLAMA3, "I'LL don'T 'Re")).containsExactly("I", "'LL", " don", "'T", " '", "Re");
        assertThat(pieces(Cl100kPreTokenizer.LLAMA3, "1234567 x")).containsExactly("123", "456", "7", " x");
        assertThat(pieces(Cl100kPreTokenizer.QWEN, "2024")).containsExactly("2", "0", "2", "4");
        assertThat(pieces(Cl100kPreTokenizer.LLAMA3, "a   b\n\n  c")).containsExactly("a", "  ", " b", "\n\n", " ", " c");
        assertThat(pieces(Cl100kPreTokenizer.LLAMA3, "\tx ?!\n\ny")).containsExactly("\tx", " ?!\n\n", "y");
        assertThat(pieces(Cl100kPreTokenizer.LLAMA3, "😀abc")).containsExactly("😀abc");
        assertThat(pieces(Cl100kPreTokenizer.LLAMA3, "x  ")).containsExactly("x", "  ");
        // U+017F LONG S folds to s under (?i:) in tiktoken's and tokenizers' engines
        assertThat(pieces(Cl100kPreTokenizer.LLAMA3, "it'\u017F")).containsExactly("it", "'\u017F");
    }

    private static List<String> pieces(Cl100kPreTokenizer p, String s) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < s.length(); ) {
            int e = p.nextEnd(s, i, s.length());
            out.add(s.substring(i, e));
            i = e;
        }
        return out;
    }

    @Test
    @DisplayName("pair merging: the heap version gives the linear version's tokens for every length 2..300")
    void heapEqualsLinear() {
        ByteLevelBPE q = dev.scratchllm.qwen.Qwen3Tokenizer.load().bpe();
        PairMerges merges = q.pairMerges();
        Random rnd = new Random(7);
        String alphabet = "aab ee  th\n1é中😀";
        for (int n = 2; n <= 300; n++) {
            StringBuilder sb = new StringBuilder();
            while (sb.length() < n) sb.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
            byte[] bytes = sb.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
            int[] start = new int[bytes.length];
            for (int k = 0; k < bytes.length; k++) start[k] = q.byteId(bytes[k] & 0xFF);
            IntList a = new IntList(8);
            IntList b = new IntList(8);
            merges.encodeLinear(start, bytes.length, a, new PairMerges.Scratch());
            merges.encodeWithHeap(start, bytes.length, b, new PairMerges.Scratch());
            assertThat(b.toArray()).as("length %d", n).isEqualTo(a.toArray());
        }
    }

    @Test
    @DisplayName("NFC with the fast path = java.text.Normalizer on 20,000 random strings of combining marks, jamo, kana, CJK and compatibility ideographs")
    void nfcLikeNormalizer() {
        String[] atoms = {"a", "e", "A", "o", " ", "\n", "é", "\u0301", "\u0308", "\u0327", "\u030A", "\u0345", "\u1100", "\u1161", "\u11A8", "\uAC00",
                "\u304B", "\u3099", "\u309A", "\u4E00", "\u9FFF", "\uF900", "\uFA10", "\u212B", "\u2126", "\u0958", "\u0915", "\u093C", "😀", "\u0300", "\u02FF", "\u0F73", "\u1E0A", "\u0323"};
        Random rnd = new Random(11);
        for (int k = 0; k < 20_000; k++) {
            StringBuilder sb = new StringBuilder();
            int n = 1 + rnd.nextInt(12);
            for (int i = 0; i < n; i++) sb.append(atoms[rnd.nextInt(atoms.length)]);
            String s = sb.toString();
            String ref = java.text.Normalizer.normalize(s, java.text.Normalizer.Form.NFC);
            String ours = NfcNormalizer.nfc(s);
            if (!ref.equals(ours)) assertThat(printable(ours)).as("nfc(%s)", printable(s)).isEqualTo(printable(ref));
        }
    }

    @Test
    @DisplayName("allowed added tokens: only those listed are recognised, the longest wins")
    void allowedAddedTokens() {
        ByteLevelBPE q = dev.scratchllm.qwen.Qwen3Tokenizer.load().bpe();
        int imStart = q.addedTokenId("<|im_start|>");
        int[] all = q.encodeWithAddedTokens("<|im_start|>user<|im_end|>");
        assertThat(all[0]).isEqualTo(imStart);
        int[] some = q.encode("<|im_start|>user<|im_end|>", Set.of("<|im_start|>"));
        assertThat(some[0]).isEqualTo(imStart);
        assertThat(Arrays.copyOfRange(some, 1, some.length)).isEqualTo(q.encodeOrdinary("user<|im_end|>"));
        assertThatThrownBy(() -> q.encode("x", Set.of("<|nope|>"))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("<|nope|>");
    }

    @Test
    @DisplayName("bad tokenizer.json files are rejected naming the file and the field")
    void badFiles() {
        assertThatThrownBy(() -> ByteLevelBPE.fromTokenizerJson("{\"model\": {\"type\": \"WordPiece\"}}", "t.json"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("t.json").hasMessageContaining("model.type");
        String pre = "\"pre_tokenizer\": {\"type\": \"Sequence\", \"pretokenizers\": [{\"type\": \"Split\", \"pattern\": {\"Regex\": \"\\\\s+\"}, \"behavior\": \"Isolated\"}, {\"type\": \"ByteLevel\", \"use_regex\": false}]}";
        assertThatThrownBy(() -> ByteLevelBPE.fromTokenizerJson("{\"model\": {\"type\": \"BPE\", \"vocab\": {}, \"merges\": []}, " + pre + "}", "t.json"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("t.json").hasMessageContaining("pattern");
        String llamaPre = "\"pre_tokenizer\": {\"type\": \"Sequence\", \"pretokenizers\": [{\"type\": \"Split\", \"pattern\": {\"Regex\": "
                + dev.scratchllm.io.Json.write(Cl100kPreTokenizer.LLAMA3_PATTERN) + "}, \"behavior\": \"Isolated\"}, {\"type\": \"ByteLevel\", \"use_regex\": false}]}";
        assertThatThrownBy(() -> ByteLevelBPE.fromTokenizerJson("{\"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": 0, \"b\": 1}, \"merges\": [\"a c\"]}, " + llamaPre + "}", "t.json"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("t.json").hasMessageContaining("model.merges[0]").hasMessageContaining("\"c\"");
    }
}
