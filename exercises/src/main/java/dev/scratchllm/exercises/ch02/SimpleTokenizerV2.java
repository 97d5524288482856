// Listing 2.4 as an exercise: SimpleTokenizerV1 that maps words missing from the vocabulary to
// <|unk|> instead of failing. You write: idOf. Given: the constructor (it finds the id of <|unk|>)
// and the wider decode clean-up (also : and ;). encode and decode are your SimpleTokenizerV1's.
// Check it: mvn test -Pexercises -Dtest='Ch02ExerciseTest#listing2_4*'   Guide: docs/ch02.md#listing-2-4
// Reference solution: dev.scratchllm.tokenizer.SimpleTokenizerV2.
package dev.scratchllm.exercises.ch02;

import dev.scratchllm.exercises.Exercise;
import dev.scratchllm.exercises.ExerciseNotDoneException;
import dev.scratchllm.tokenizer.SimpleVocab;

import java.util.Map;
import java.util.regex.Pattern;

/** The book's {@code SimpleTokenizerV2(vocab)}: unknown words become {@code <|unk|>}. */
public class SimpleTokenizerV2 extends SimpleTokenizerV1 {
    /** Given: the book's V2 pattern {@code r'\s+([,.:;?!"()\'])'}. */
    private static final Pattern SPACE_BEFORE_PUNCT = Pattern.compile("[\\s\\x1C-\\x1F]+([,.:;?!\"()'])", Pattern.UNICODE_CHARACTER_CLASS);

    /** The id of {@code <|unk|>}. */
    private final int unkId;

    /** Given: the vocabulary must contain {@code <|unk|>} ({@code SimpleVocab.buildVocab(text, true)}). */
    public SimpleTokenizerV2(Map<String, Integer> vocab) {
        super(vocab);
        Integer unk = vocab.get(SimpleVocab.UNK);
        if (unk == null) throw new IllegalArgumentException("SimpleTokenizerV2: the vocabulary has no " + SimpleVocab.UNK + " entry");
        this.unkId = unk;
    }

    /** TODO: the token's id if the vocabulary has it ({@code contains}, {@code super.idOf}), otherwise the id of {@code <|unk|>}. */
    @Override
    protected int idOf(String token) {
        throw new ExerciseNotDoneException(Exercise.LISTING_2_4);
    }

    @Override
    Pattern spaceBeforePunctuation() {
        return SPACE_BEFORE_PUNCT;
    }
}
