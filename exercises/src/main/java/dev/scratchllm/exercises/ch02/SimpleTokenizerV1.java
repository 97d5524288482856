// Listing 2.3 as an exercise: the book's first tokenizer, a lookup in a word-level vocabulary.
// You write: encode, idOf and decode. Given: the constructor (the vocabulary both ways), the
// decode clean-up pattern and the small helpers. It does not handle unknown words (listing 2.4).
// Check it: mvn test -Pexercises -Dtest='Ch02ExerciseTest#listing2_3*'   Guide: docs/ch02.md#listing-2-3
// Reference solution: dev.scratchllm.tokenizer.SimpleTokenizerV1.
package dev.scratchllm.exercises.ch02;

import dev.scratchllm.exercises.Exercise;
import dev.scratchllm.exercises.ExerciseNotDoneException;
import dev.scratchllm.tokenizer.SimpleVocab;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** The book's {@code SimpleTokenizerV1(vocab)}: {@code encode(text)} to ids and {@code decode(ids)} back to text. */
public class SimpleTokenizerV1 {
    /** Given: the book's {@code re.sub(r'\s+([,.?!"()\'])', r'\1', text)} pattern in Java (Python's {@code \s} included). */
    private static final Pattern SPACE_BEFORE_PUNCT = Pattern.compile("[\\s\\x1C-\\x1F]+([,.?!\"()'])", Pattern.UNICODE_CHARACTER_CLASS);

    /** The book's {@code str_to_int}. */
    private final Map<String, Integer> strToInt;
    /** The book's {@code int_to_str}. */
    private final Map<Integer, String> intToStr;

    /** Given: keeps the vocabulary in both directions. */
    public SimpleTokenizerV1(Map<String, Integer> vocab) {
        this.strToInt = new LinkedHashMap<>(vocab);
        this.intToStr = new HashMap<>();
        for (Map.Entry<String, Integer> e : vocab.entrySet()) intToStr.put(e.getValue(), e.getKey());
    }

    /**
     * TODO: split {@code text} with {@code SimpleVocab.split(text)} (the book's regular expression,
     * stripped, empty pieces dropped) and return the id of every token, looked up with
     * {@link #idOf} (go through {@code idOf}: {@code SimpleTokenizerV2} overrides it).
     */
    public int[] encode(String text) {
        throw new ExerciseNotDoneException(Exercise.LISTING_2_3);
    }

    /**
     * TODO: the id of one token. A token that is not in the vocabulary is an
     * {@link IllegalArgumentException} whose message names the token in double quotes, e.g.
     * {@code "Hello"} (the book's Python raises a {@code KeyError}).
     */
    protected int idOf(String token) {
        throw new ExerciseNotDoneException(Exercise.LISTING_2_3);
    }

    /** Given: whether {@code token} is in the vocabulary. */
    protected final boolean contains(String token) {
        return strToInt.containsKey(token);
    }

    /**
     * TODO: the tokens of {@code ids} joined with single spaces, then the spaces before
     * punctuation removed: {@code spaceBeforePunctuation().matcher(joined).replaceAll("$1")}.
     */
    public String decode(int[] ids) {
        throw new ExerciseNotDoneException(Exercise.LISTING_2_3);
    }

    /** Given: the clean-up pattern of {@link #decode}; {@code SimpleTokenizerV2} also removes the space before {@code :} and {@code ;}. */
    Pattern spaceBeforePunctuation() {
        return SPACE_BEFORE_PUNCT;
    }

    /** Given: the number of entries in the vocabulary. */
    public int vocabSize() {
        return strToInt.size();
    }
}
