// Chapter 2, "Working with text data", as worked examples: each test is a listing, printed output
// or exercise of the book (ch02.ipynb), using only the library's public API.
// The data loader (GPTDatasetV1, createDataloaderV1, exercise 2.2) and the token/position embeddings
// (sections 2.6 to 2.8) come with the tensor library; their tests go at the end of this class.
package dev.scratchllm.book;

import dev.scratchllm.data.DataFiles;
import dev.scratchllm.tokenizer.GPT2Tokenizer;
import dev.scratchllm.tokenizer.SimpleTokenizerV1;
import dev.scratchllm.tokenizer.SimpleTokenizerV2;
import dev.scratchllm.tokenizer.SimpleVocab;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

@DisplayName("Chapter 2: Working with text data")
class Ch02Test {

    /** The short story the chapter tokenizes; tests that need it are skipped when it cannot be found. */
    static String rawText() {
        Optional<Path> p = DataFiles.find("the-verdict.txt");
        assumeTrue(p.isPresent(), () -> "skipped: SCRATCHLLM_DATA is unset or lacks the-verdict.txt (" + DataFiles.describeSearch("the-verdict.txt") + ")");
        return DataFiles.readString("the-verdict.txt");
    }

    @Nested
    @DisplayName("2.2 Tokenizing text")
    class TokenizingText {
        @Test
        @DisplayName("Listing 2.1: the-verdict.txt has 20,479 characters")
        void loadTheVerdict() {
            String rawText = rawText();
            assertThat(rawText.length()).isEqualTo(20479);
            assertThat(rawText.substring(0, 99))
                    .isEqualTo("I HAD always thought Jack Gisburn rather a cheap genius--though a good fellow enough--so it was no ");
        }

        /** Python's {@code re.split} with one capturing group: pieces and delimiters, empty strings kept. */
        private static List<String> reSplit(String regex, String text) {
            List<String> out = new ArrayList<>();
            java.util.regex.Matcher m = java.util.regex.Pattern.compile(regex).matcher(text);
            int last = 0;
            while (m.find()) {
                out.add(text.substring(last, m.start()));
                out.add(m.group(1));
                last = m.end();
            }
            out.add(text.substring(last));
            return out;
        }

        @Test
        @DisplayName("re.split on whitespace, then on commas and periods too")
        void regexSplitSteps() {
            String text = "Hello, world. This, is a test.";
            assertThat(reSplit("(\\s)", text))
                    .containsExactly("Hello,", " ", "world.", " ", "This,", " ", "is", " ", "a", " ", "test.");
            List<String> result = reSplit("([,.]|\\s)", text);
            assertThat(result).containsExactly("Hello", ",", "", " ", "world", ".", "", " ", "This", ",", "", " ", "is", " ",
                    "a", " ", "test", ".", "");
            assertThat(result.stream().filter(item -> !item.isBlank()).toList())
                    .containsExactly("Hello", ",", "world", ".", "This", ",", "is", "a", "test", ".");
        }

        @Test
        @DisplayName("SimpleVocab.split does all of it: split, strip, drop empty strings")
        void splitSimpleSentence() {
            assertThat(SimpleVocab.split("Hello, world. This, is a test."))
                    .containsExactly("Hello", ",", "world", ".", "This", ",", "is", "a", "test", ".");
        }

        @Test
        @DisplayName("the final regex also splits ? ! \" ( ) ' : ; _ and --")
        void splitWithAllPunctuation() {
            assertThat(SimpleVocab.split("Hello, world. Is this-- a test?"))
                    .containsExactly("Hello", ",", "world", ".", "Is", "this", "--", "a", "test", "?");
        }

        @Test
        @DisplayName("the-verdict: the first 30 tokens, and 4,690 in all")
        void splitTheVerdict() {
            List<String> preprocessed = SimpleVocab.split(rawText());
            assertThat(preprocessed.subList(0, 30)).containsExactly(
                    "I", "HAD", "always", "thought", "Jack", "Gisburn", "rather", "a", "cheap", "genius", "--", "though", "a",
                    "good", "fellow", "enough", "--", "so", "it", "was", "no", "great", "surprise", "to", "me", "to", "hear",
                    "that", ",", "in");
            assertThat(preprocessed).hasSize(4690);
        }
    }

    @Nested
    @DisplayName("2.3 Converting tokens into token IDs")
    class TokenIds {
        static final String TEXT = "\"It's the last he painted, you know,\" \n           Mrs. Gisburn said with pardonable pride.";

        @Test
        @DisplayName("Listing 2.2: the vocabulary has 1,130 entries, sorted")
        void vocabulary() {
            Map<String, Integer> vocab = SimpleVocab.buildVocab(rawText(), false);
            assertThat(vocab).hasSize(1130);
            List<Map.Entry<String, Integer>> first = new ArrayList<>(vocab.entrySet()).subList(0, 51);
            assertThat(first).startsWith(entry("!", 0), entry("\"", 1), entry("'", 2), entry("(", 3), entry(")", 4),
                    entry(",", 5), entry("--", 6), entry(".", 7), entry(":", 8), entry(";", 9), entry("?", 10), entry("A", 11));
            assertThat(first).endsWith(entry("Had", 45), entry("Hang", 46), entry("Has", 47), entry("He", 48),
                    entry("Her", 49), entry("Hermia", 50));
        }

        @Test
        @DisplayName("Listing 2.3: SimpleTokenizerV1 encodes the sample sentence")
        void encodeV1() {
            SimpleTokenizerV1 tokenizer = new SimpleTokenizerV1(SimpleVocab.buildVocab(rawText(), false));
            int[] ids = tokenizer.encode(TEXT);
            assertThat(ids).containsExactly(1, 56, 2, 850, 988, 602, 533, 746, 5, 1126, 596, 5, 1, 67, 7, 38, 851, 1108, 754, 793, 7);
        }

        @Test
        @DisplayName("Listing 2.3: decode puts the text back together (spaces around ' remain)")
        void decodeV1() {
            SimpleTokenizerV1 tokenizer = new SimpleTokenizerV1(SimpleVocab.buildVocab(rawText(), false));
            String expected = "\" It' s the last he painted, you know,\" Mrs. Gisburn said with pardonable pride.";
            assertThat(tokenizer.decode(tokenizer.encode(TEXT))).isEqualTo(expected);
        }
    }

    @Nested
    @DisplayName("2.4 Adding special context tokens")
    class SpecialTokens {
        @Test
        @DisplayName("SimpleTokenizerV1 fails on a word it has never seen (\"Hello\")")
        void v1FailsOnUnknownWord() {
            SimpleTokenizerV1 tokenizer = new SimpleTokenizerV1(SimpleVocab.buildVocab(rawText(), false));
            assertThatThrownBy(() -> tokenizer.encode("Hello, do you like tea. Is this-- a test?"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("\"Hello\"");
        }

        @Test
        @DisplayName("adding <|endoftext|> and <|unk|> gives 1,132 entries")
        void vocabularyWithSpecialTokens() {
            Map<String, Integer> vocab = SimpleVocab.buildVocab(rawText(), true);
            assertThat(vocab).hasSize(1132);
            List<Map.Entry<String, Integer>> entries = new ArrayList<>(vocab.entrySet());
            assertThat(entries.subList(1127, 1132)).containsExactly(entry("younger", 1127), entry("your", 1128),
                    entry("yourself", 1129), entry("<|endoftext|>", 1130), entry("<|unk|>", 1131));
        }

        @Test
        @DisplayName("Listing 2.4: SimpleTokenizerV2 maps unknown words to <|unk|>")
        void v2() {
            SimpleTokenizerV2 tokenizer = new SimpleTokenizerV2(SimpleVocab.buildVocab(rawText(), true));
            String text = String.join(" <|endoftext|> ", "Hello, do you like tea?", "In the sunlit terraces of the palace.");
            assertThat(text).isEqualTo("Hello, do you like tea? <|endoftext|> In the sunlit terraces of the palace.");
            int[] ids = tokenizer.encode(text);
            assertThat(ids).containsExactly(1131, 5, 355, 1126, 628, 975, 10, 1130, 55, 988, 956, 984, 722, 988, 1131, 7);
            assertThat(tokenizer.decode(ids))
                    .isEqualTo("<|unk|>, do you like tea? <|endoftext|> In the sunlit terraces of the <|unk|>.");
        }
    }

    @Nested
    @DisplayName("2.5 Byte pair encoding")
    class BytePairEncoding {
        private final GPT2Tokenizer tokenizer = GPT2Tokenizer.load();

        @Test
        @DisplayName("GPT-2's vocabulary has 50,257 tokens; <|endoftext|> is the last, 50256")
        void vocabulary() {
            assertThat(tokenizer.vocabSize()).isEqualTo(50257);
            assertThat(tokenizer.eotToken()).isEqualTo(50256);
        }

        @Test
        @DisplayName("the printed book: \"... terraces of someunknownPlace.\" with <|endoftext|> allowed")
        void encodeWithEndOfText() {
            String text = "Hello, do you like tea? <|endoftext|> In the sunlit terraces of someunknownPlace.";
            int[] integers = tokenizer.encode(text, Set.of("<|endoftext|>"));
            assertThat(integers).containsExactly(15496, 11, 466, 345, 588, 8887, 30, 220, 50256, 554, 262, 4252, 18250, 8812, 2114,
                    286, 617, 34680, 27271, 13);
            assertThat(tokenizer.decode(integers)).isEqualTo(text);
        }

        @Test
        @DisplayName("the notebook: \"terraces\" \"of someunknownPlace.\" joined without a space")
        void encodeNotebookVersion() {
            String text = "Hello, do you like tea? <|endoftext|> In the sunlit terraces" + "of someunknownPlace.";
            int[] integers = tokenizer.encode(text, Set.of("<|endoftext|>"));
            assertThat(integers).containsExactly(15496, 11, 466, 345, 588, 8887, 30, 220, 50256, 554, 262, 4252, 18250, 8812, 2114,
                    1659, 617, 34680, 27271, 13);
            assertThat(tokenizer.decode(integers))
                    .isEqualTo("Hello, do you like tea? <|endoftext|> In the sunlit terracesof someunknownPlace.");
        }

        @Test
        @DisplayName("without allowedSpecial, <|endoftext|> in the text is an error (as in tiktoken)")
        void endOfTextMustBeAllowed() {
            assertThatThrownBy(() -> tokenizer.encode("tea? <|endoftext|> In"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("<|endoftext|>");
        }

        @Test
        @DisplayName("Exercise 2.1: \"Akwirw ier\" is built from subword pieces")
        void exercise21() {
            int[] ids = tokenizer.encode("Akwirw ier");
            assertThat(ids).containsExactly(33901, 86, 343, 86, 220, 959);
            List<String> pieces = new ArrayList<>();
            for (int id : ids) pieces.add(tokenizer.decode(new int[] {id}));
            assertThat(pieces).containsExactly("Ak", "w", "ir", "w", " ", "ier");
            assertThat(tokenizer.decode(ids)).isEqualTo("Akwirw ier");
        }
    }

    @Nested
    @DisplayName("2.6 Data sampling with a sliding window")
    class SlidingWindow {
        private final GPT2Tokenizer tokenizer = GPT2Tokenizer.load();

        @Test
        @DisplayName("the-verdict is 5,145 GPT-2 tokens")
        void encodeTheVerdict() {
            assertThat(tokenizer.encode(rawText())).hasSize(5145);
        }

        @Test
        @DisplayName("inputs and next-word targets, from token 50 on")
        void nextWordTargets() {
            int[] encText = tokenizer.encode(rawText());
            int[] encSample = Arrays.copyOfRange(encText, 50, encText.length);
            int contextSize = 4;
            int[] x = Arrays.copyOfRange(encSample, 0, contextSize);
            int[] y = Arrays.copyOfRange(encSample, 1, contextSize + 1);
            assertThat(x).containsExactly(290, 4920, 2241, 287);
            assertThat(y).containsExactly(4920, 2241, 287, 257);

            List<String> lines = new ArrayList<>();
            for (int i = 1; i <= contextSize; i++) {
                int[] context = Arrays.copyOfRange(encSample, 0, i);
                int desired = encSample[i];
                lines.add(tokenizer.decode(context) + " ----> " + tokenizer.decode(new int[] {desired}));
            }
            assertThat(lines).containsExactly(
                    " and ---->  established",
                    " and established ---->  himself",
                    " and established himself ---->  in",
                    " and established himself in ---->  a");
        }

        // GPTDatasetV1 and createDataloaderV1 (listings 2.5 and 2.6), exercise 2.2, and sections 2.7-2.8
        // (token and position embeddings) need tensors; their tests go here when the tensor library lands.
    }
}
