package dev.scratchllm.tokenizer;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class StreamingDecoderTest {
    static final GPT2Tokenizer TOK = GPT2Tokenizer.load();

    static List<String> pieces(int[] ids) {
        StreamingDecoder d = StreamingDecoder.of(TOK);
        List<String> out = new ArrayList<>();
        for (int id : ids) out.add(d.push(id));
        out.add(d.flush());
        return out;
    }

    @Test
    @DisplayName("characters split over tokens (emoji, CJK, accents) are held back until whole: no U+FFFD, pieces join to the text")
    void multiByteCharacters() {
        String text = "Hello 世界 🎉🦙 café — naïve 👩‍💻!";
        int[] ids = TOK.encode(text);
        List<String> pieces = pieces(ids);
        assertThat(String.join("", pieces)).isEqualTo(text);
        assertThat(pieces).noneMatch(p -> p.contains("\uFFFD"));
        // 🎉 (F0 9F 8E 89) is three GPT-2 tokens (F0 9F, 8E, 89): only the last one releases the emoji
        int[] party = TOK.encode("🎉");
        assertThat(party).containsExactly(8582, 236, 231);
        assertThat(pieces(party)).containsExactly("", "", "🎉", "");
        // decoding token by token (what a naive server does) would print replacement characters
        assertThat(TOK.decode(new int[] {party[0]})).contains("\uFFFD");
    }

    @Test
    @DisplayName("any id sequence: the pieces join to decode(all ids), ill-formed bytes included (Python's errors=replace)")
    void randomIdsMatchDecode() {
        Random r = new Random(7);
        for (int trial = 0; trial < 300; trial++) {
            int[] ids = new int[1 + r.nextInt(12)];
            // ids 0..255 are single bytes (many of them lone UTF-8 lead or continuation bytes)
            for (int i = 0; i < ids.length; i++) ids[i] = r.nextBoolean() ? r.nextInt(256) : r.nextInt(TOK.vocabSize());
            assertThat(String.join("", pieces(ids))).as("ids %s", java.util.Arrays.toString(ids)).isEqualTo(TOK.decode(ids));
        }
    }

    @Test
    @DisplayName("an unfinished character at the end becomes U+FFFD on flush; an ill-formed start is released at once")
    void flushAndIllFormed() {
        StreamingDecoder d = new StreamingDecoder(id -> new byte[] {(byte) id});
        assertThat(d.push(0xE4)).isEmpty();          // lead of a 3-byte character
        assertThat(d.push(0xB8)).isEmpty();          // still one byte short
        assertThat(d.flush()).isEqualTo("\uFFFD");   // Python: b"\xe4\xb8".decode(errors="replace") == "\ufffd"
        assertThat(d.push(0xE0)).isEmpty();
        assertThat(d.push(0x80)).isEqualTo("\uFFFD\uFFFD"); // E0 80 can never be well-formed (Unicode Table 3-7)
        assertThat(d.push('A')).isEqualTo("A");
    }

    @Test
    @DisplayName("streaming decode of random byte tokens (valid, cut and broken UTF-8) = Python-style decode of all bytes")
    void streamingRandomBytes() {
        Random rnd = new Random(5);
        byte[][] vocab = new byte[64][];
        byte[] pool = "aé中😀\u0301".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        for (int i = 0; i < vocab.length; i++) {
            vocab[i] = new byte[1 + rnd.nextInt(4)];
            for (int j = 0; j < vocab[i].length; j++) vocab[i][j] = rnd.nextInt(8) == 0 ? (byte) (0x80 + rnd.nextInt(128)) : pool[rnd.nextInt(pool.length)];
        }
        for (int k = 0; k < 2000; k++) {
            int n = 1 + rnd.nextInt(20);
            java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
            StreamingDecoder dec = new StreamingDecoder(id -> vocab[id]);
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < n; i++) {
                int id = rnd.nextInt(vocab.length);
                all.writeBytes(vocab[id]);
                sb.append(dec.push(id));
            }
            sb.append(dec.flush());
            byte[] b = all.toByteArray();
            // Utf8.decode is Python's bytes.decode("utf-8", "replace"), tested with GPT-2's fixtures
            assertThat(sb.toString()).isEqualTo(Utf8.decode(b, 0, b.length));
        }
    }
}
