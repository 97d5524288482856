// Checks BPETokenizerSimple against the book's bonus notebook and tests.py: training on the-verdict,
// encode/decode, special tokens, saving and loading, and OpenAI's GPT-2 files.
package dev.scratchllm.tokenizer;

import dev.scratchllm.data.DataFiles;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class BPETokenizerSimpleTest {
    private static final int[] JACK = {424, 256, 654, 531, 302, 311, 256, 296, 97, 465, 121, 595, 841, 116, 287, 466, 256, 326, 972, 46};

    private static String verdict() {
        Optional<Path> p = DataFiles.find("the-verdict.txt");
        assumeTrue(p.isPresent(), () -> "skipped: SCRATCHLLM_DATA is unset or lacks the-verdict.txt (" + DataFiles.describeSearch("the-verdict.txt") + ")");
        try {
            return Files.readString(p.get());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static BPETokenizerSimple trainedOnVerdict() {
        BPETokenizerSimple t = new BPETokenizerSimple();
        t.train(verdict(), 1000, Set.of("<|endoftext|>"));
        return t;
    }

    @Test
    @DisplayName("tests.py: the-verdict to vocab 1000 gives 742 merges and the book's ids")
    void trainsLikeTheBook() {
        BPETokenizerSimple t = trainedOnVerdict();
        assertThat(t.vocab()).hasSize(1000);
        assertThat(t.bpeMerges()).hasSize(742);
        assertThat(t.vocab().get(256)).isEqualTo("Ġ");
        assertThat(t.vocab().get(257)).isEqualTo("<|endoftext|>");
        int[] ids = t.encode("Jack embraced beauty through art and life.");
        assertThat(ids).containsExactly(JACK);
        assertThat(t.decode(ids)).isEqualTo("Jack embraced beauty through art and life.");
        // per-token decoding, as printed in the notebook
        assertThat(t.decode(new int[] {595})).isEqualTo(" through");
        assertThat(t.decode(new int[] {256})).isEqualTo(" ");
        assertThat(t.decode(new int[] {972})).isEqualTo("fe");
    }

    @Test
    @DisplayName("special tokens: allowed -> 257, not allowed -> error")
    void specialTokens() {
        BPETokenizerSimple t = trainedOnVerdict();
        String text = "Jack embraced beauty through art and life.<|endoftext|> ";
        int[] ids = t.encode(text, Set.of("<|endoftext|>"));
        int[] expected = java.util.Arrays.copyOf(JACK, JACK.length + 2);
        expected[JACK.length] = 257;
        expected[JACK.length + 1] = 256; // the trailing space is a lone Ġ
        assertThat(ids).containsExactly(expected);
        assertThat(t.decode(ids)).isEqualTo(text);
        assertThatThrownBy(() -> t.encode(text)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("<|endoftext|>");
    }

    @Test
    @DisplayName("decode(encode(text)) reproduces text with newlines and runs of spaces")
    void roundTrips() {
        BPETokenizerSimple t = trainedOnVerdict();
        for (String s : List.of("This is some text.", "This is some text with \n newline characters.",
                "  two leading spaces and three   inside", "a\r\nb\n\nc", "Hello\n", "\nHello")) {
            assertThat(t.decode(t.encode(s))).as(s).isEqualTo(s);
        }
    }

    @Test
    @DisplayName("unknown characters are an error naming them")
    void unknownCharacters() {
        BPETokenizerSimple t = trainedOnVerdict();
        assertThatThrownBy(() -> t.encode("naïve 日本")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("日");
    }

    @Test
    @DisplayName("save and load in the book's JSON format give the same tokenizer")
    void saveAndLoad(@TempDir Path dir) throws Exception {
        BPETokenizerSimple t = trainedOnVerdict();
        Path vocab = dir.resolve("vocab.json");
        Path merges = dir.resolve("bpe_merges.txt");
        t.saveVocabAndMerges(vocab, merges);
        assertThat(Files.readString(merges)).startsWith("[\n  {\n    \"pair\": [\n");
        assertThat(Files.readString(vocab)).startsWith("{\n  \"0\": \"\\u0000\",\n");
        BPETokenizerSimple t2 = new BPETokenizerSimple();
        t2.loadVocabAndMerges(vocab, merges);
        assertThat(t2.decode(JACK)).isEqualTo("Jack embraced beauty through art and life.");
        assertThat(t2.encode("Jack embraced beauty through art and life.")).containsExactly(JACK);
        assertThat(t2.vocab()).isEqualTo(t.vocab());
        assertThat(t2.bpeMerges()).isEqualTo(t.bpeMerges());
    }

    @Test
    @DisplayName("a tiny corpus: ties go to the pair seen first")
    void tieBreaking() {
        BPETokenizerSimple t = new BPETokenizerSimple();
        t.train("the cat in the hat", 260, Set.of());
        // pairs (t,h) and (h,e) both occur twice; "th" comes first, then "<th>e", then "<the>Ġ"
        assertThat(t.bpeMerges()).extracting(BPETokenizerSimple.Merge::newId).containsExactly(257, 258, 259);
        assertThat(t.vocab().get(257)).isEqualTo("th");
        assertThat(t.vocab().get(258)).isEqualTo("the");
        assertThat(t.vocab().get(259)).isEqualTo("theĠ");
    }

    @Test
    @DisplayName("OpenAI's files: 50,257 entries and tiktoken's ids on the notebook's cases")
    void openAIFiles() {
        Optional<Path> enc = DataFiles.find("gpt2/encoder.json");
        Optional<Path> bpe = DataFiles.find("gpt2/vocab.bpe");
        assumeTrue(enc.isPresent() && bpe.isPresent(), () -> "skipped: " + DataFiles.describeSearch("gpt2/encoder.json"));
        BPETokenizerSimple t = new BPETokenizerSimple();
        t.loadVocabAndMergesFromOpenAI(enc.get(), bpe.get());
        assertThat(t.vocab()).hasSize(50257);
        assertThat(t.encode("This is some text")).containsExactly(1212, 318, 617, 2420);
        assertThat(t.encode("Hello,")).containsExactly(15496, 11);
        assertThat(t.encode("Implementations")).containsExactly(3546, 26908, 602);
        assertThat(t.encode("asdf asdfasdf a!!, @aba 9asdf90asdfk"))
                .containsExactly(292, 7568, 355, 7568, 292, 7568, 257, 3228, 11, 2488, 15498, 860, 292, 7568, 3829, 292, 7568, 74);
        assertThat(t.encode("Hello, world. Is this-- a test?")).containsExactly(15496, 11, 995, 13, 1148, 428, 438, 257, 1332, 30);
        assertThat(t.inverseVocab().get("Ċ")).isEqualTo(198);
        assertThat(t.inverseVocab().get("<|endoftext|>")).isEqualTo(50256);
        GPT2Tokenizer ref = GPT2Tokenizer.load();
        for (String s : List.of("a\nb", "a\n\nb", "\nHello", "Hello\n", "a\r\nb", "Hello \nworld", "Hello\n world", "café")) {
            assertThat(t.encode(s)).as(s).isEqualTo(ref.encode(s));
            assertThat(t.decode(t.encode(s))).as(s).isEqualTo(s);
        }
        String text = "Hello<|endoftext|>\nworld";
        assertThatThrownBy(() -> t.encode(text)).isInstanceOf(IllegalArgumentException.class);
        assertThat(t.encode(text, Set.of("<|endoftext|>"))).isEqualTo(ref.encode(text, Set.of("<|endoftext|>")));
    }
}
