// Chapter 2's exercises, checked with the values the book prints (the same as book/Ch02Test):
// the word-level tokenizers (listings 2.3, 2.4), the sliding-window data set (listing 2.5) and
// exercise 2.2. In the default build they run against the library; with -Pexercises against the
// learner's stubs in exercises/src/main/java. Tests that need the-verdict.txt skip without it.
package dev.scratchllm.exercises;

import dev.scratchllm.exercises.ch02.Exercise2_2;
import dev.scratchllm.exercises.ch02.GPTDatasetV1;
import dev.scratchllm.exercises.ch02.SimpleTokenizerV1;
import dev.scratchllm.exercises.ch02.SimpleTokenizerV2;
import dev.scratchllm.tensor.Tensor;
import dev.scratchllm.tokenizer.GPT2Tokenizer;
import dev.scratchllm.tokenizer.SimpleVocab;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.Arrays;
import java.util.Map;
import java.util.Set;

import static dev.scratchllm.exercises.Exercise.EXERCISE_2_2;
import static dev.scratchllm.exercises.Exercise.LISTING_2_3;
import static dev.scratchllm.exercises.Exercise.LISTING_2_4;
import static dev.scratchllm.exercises.Exercise.LISTING_2_5;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

@ExtendWith(ExerciseReport.class)
@TestMethodOrder(MethodOrderer.MethodName.class) // by name: a listing's quick checks before its slow ones ("untrained...")
@DisplayName("Exercises, chapter 2: Working with text data")
class Ch02ExerciseTest {
    /** The sentence of section 2.3. */
    static final String TEXT = "\"It's the last he painted, you know,\" \n           Mrs. Gisburn said with pardonable pride.";

    @Test
    @Checks(LISTING_2_3)
    @DisplayName("Listing 2.3: with a vocabulary of one sentence, encode gives each token's id and decode joins them back")
    void listing2_3_smallVocabulary() {
        String text = "It's the last he painted, you know,\" Mrs. Gisburn said.";
        Map<String, Integer> vocab = SimpleVocab.buildVocab(text, false);
        SimpleTokenizerV1 tokenizer = new SimpleTokenizerV1(vocab);
        int[] ids = tokenizer.encode(text);
        assertThat(ids).containsExactly(SimpleVocab.split(text).stream().mapToInt(vocab::get).toArray());
        assertThat(tokenizer.decode(ids)).isEqualTo("It' s the last he painted, you know,\" Mrs. Gisburn said.");
    }

    @Test
    @Checks(LISTING_2_3)
    @DisplayName("Listing 2.3: SimpleTokenizerV1 encodes the sample sentence to the book's ids")
    void listing2_3_encode() {
        SimpleTokenizerV1 tokenizer = new SimpleTokenizerV1(SimpleVocab.buildVocab(ExerciseData.theVerdict(), false));
        assertThat(tokenizer.encode(TEXT)).containsExactly(1, 56, 2, 850, 988, 602, 533, 746, 5, 1126, 596, 5, 1, 67, 7, 38, 851, 1108, 754, 793, 7);
    }

    @Test
    @Checks(LISTING_2_3)
    @DisplayName("Listing 2.3: decode puts the sentence back together (the space after ' stays, as in the book)")
    void listing2_3_decode() {
        SimpleTokenizerV1 tokenizer = new SimpleTokenizerV1(SimpleVocab.buildVocab(ExerciseData.theVerdict(), false));
        assertThat(tokenizer.decode(tokenizer.encode(TEXT)))
                .isEqualTo("\" It' s the last he painted, you know,\" Mrs. Gisburn said with pardonable pride.");
    }

    @Test
    @Checks(LISTING_2_3)
    @DisplayName("Listing 2.3: a word missing from the vocabulary (\"Hello\") is an IllegalArgumentException that names it")
    void listing2_3_unknownWord() {
        SimpleTokenizerV1 tokenizer = new SimpleTokenizerV1(SimpleVocab.buildVocab(ExerciseData.theVerdict(), false));
        Throwable thrown = catchThrowable(() -> tokenizer.encode("Hello, do you like tea. Is this-- a test?"));
        if (thrown instanceof ExerciseNotDoneException notDone) throw notDone; // not an answer yet
        assertThat(thrown).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("\"Hello\"");
    }

    @Test
    @Checks(value = LISTING_2_4, after = LISTING_2_3)
    @DisplayName("Listing 2.4: with a small vocabulary, unknown words and punctuation become <|unk|>; no space before ; on decode")
    void listing2_4_smallVocabulary() {
        Map<String, Integer> vocab = SimpleVocab.buildVocab("the cat sat. ;", true);
        SimpleTokenizerV2 tokenizer = new SimpleTokenizerV2(vocab);
        int[] ids = tokenizer.encode("the dog sat! <|endoftext|> the cat;");
        int unk = vocab.get("<|unk|>");
        assertThat(ids).containsExactly(vocab.get("the"), unk, vocab.get("sat"), unk, vocab.get("<|endoftext|>"), vocab.get("the"), vocab.get("cat"),
                vocab.get(";"));
        assertThat(tokenizer.decode(ids)).isEqualTo("the <|unk|> sat <|unk|> <|endoftext|> the cat;");
    }

    @Test
    @Checks(value = LISTING_2_4, after = LISTING_2_3)
    @DisplayName("Listing 2.4: SimpleTokenizerV2 maps unknown words to <|unk|> and keeps <|endoftext|>")
    void listing2_4_unknownWords() {
        SimpleTokenizerV2 tokenizer = new SimpleTokenizerV2(SimpleVocab.buildVocab(ExerciseData.theVerdict(), true));
        String text = "Hello, do you like tea? <|endoftext|> In the sunlit terraces of the palace.";
        int[] ids = tokenizer.encode(text);
        assertThat(ids).containsExactly(1131, 5, 355, 1126, 628, 975, 10, 1130, 55, 988, 956, 984, 722, 988, 1131, 7);
        assertThat(tokenizer.decode(ids)).isEqualTo("<|unk|>, do you like tea? <|endoftext|> In the sunlit terraces of the <|unk|>.");
    }

    @Test
    @Checks(LISTING_2_5)
    @DisplayName("Listing 2.5: windows start every stride tokens; each target is its input shifted by one token")
    void listing2_5_slidingWindow() {
        GPT2Tokenizer tokenizer = GPT2Tokenizer.load();
        String txt = "In the sunlit terraces of the palace, every effort moves you. <|endoftext|> Every day holds a lesson.";
        int[] ids = tokenizer.encode(txt, Set.of("<|endoftext|>"));
        int maxLength = 4, stride = 3;
        GPTDatasetV1 dataset = new GPTDatasetV1(txt, tokenizer, maxLength, stride);
        int expected = 0;
        for (int i = 0; i < ids.length - maxLength; i += stride) expected++; // range(0, len(ids) - max_length, stride)
        assertThat(dataset.size()).as("number of windows for %d tokens", ids.length).isEqualTo(expected);
        for (int k = 0; k < dataset.size(); k++) {
            Tensor[] example = dataset.get(k);
            int start = k * stride;
            assertThat(example[0].shape()).as("input %d shape", k).containsExactly(maxLength);
            assertThat(example[0].toIntArray()).as("input %d", k).containsExactly(Arrays.copyOfRange(ids, start, start + maxLength));
            assertThat(example[1].toIntArray()).as("target %d", k).containsExactly(Arrays.copyOfRange(ids, start + 1, start + maxLength + 1));
        }
    }

    @Test
    @Checks(LISTING_2_5)
    @DisplayName("Listing 2.5: the book's first batches of the-verdict (batch 1, max_length 4, stride 1; batch 8, stride 4)")
    void listing2_5_bookBatches() {
        String rawText = ExerciseData.theVerdict();
        var it = GPTDatasetV1.createDataloaderV1(rawText, 1, 4, 1, false, true).iterator();
        Tensor[] first = it.next(), second = it.next();
        assertThat(first[0] + " " + first[1]).isEqualTo("tensor([[  40,  367, 2885, 1464]]) tensor([[ 367, 2885, 1464, 1807]])");
        assertThat(second[0] + " " + second[1]).isEqualTo("tensor([[ 367, 2885, 1464, 1807]]) tensor([[2885, 1464, 1807, 3619]])");
        Tensor[] b = GPTDatasetV1.createDataloaderV1(rawText, 8, 4, 4, false, true).iterator().next();
        assertThat(b[0].toString()).isEqualTo("""
                tensor([[   40,   367,  2885,  1464],
                        [ 1807,  3619,   402,   271],
                        [10899,  2138,   257,  7026],
                        [15632,   438,  2016,   257],
                        [  922,  5891,  1576,   438],
                        [  568,   340,   373,   645],
                        [ 1049,  5975,   284,   502],
                        [  284,  3285,   326,    11]])""");
        assertThat(b[1].toString()).isEqualTo("""
                tensor([[  367,  2885,  1464,  1807],
                        [ 3619,   402,   271, 10899],
                        [ 2138,   257,  7026, 15632],
                        [  438,  2016,   257,   922],
                        [ 5891,  1576,   438,   568],
                        [  340,   373,   645,  1049],
                        [ 5975,   284,   502,   284],
                        [ 3285,   326,    11,   287]])""");
    }

    @Test
    @Checks(EXERCISE_2_2)
    @DisplayName("Exercise 2.2: max_length 2 / stride 2 and max_length 8 / stride 2")
    void exercise2_2_otherSettings() {
        String rawText = ExerciseData.theVerdict();
        assertThat(Exercise2_2.firstInputs(rawText, 2, 2).toString()).isEqualTo("""
                tensor([[  40,  367],
                        [2885, 1464],
                        [1807, 3619],
                        [ 402,  271]])""");
        assertThat(Exercise2_2.firstInputs(rawText, 8, 2).toString()).isEqualTo("""
                tensor([[   40,   367,  2885,  1464,  1807,  3619,   402,   271],
                        [ 2885,  1464,  1807,  3619,   402,   271, 10899,  2138],
                        [ 1807,  3619,   402,   271, 10899,  2138,   257,  7026],
                        [  402,   271, 10899,  2138,   257,  7026, 15632,   438]])""");
    }
}
