// Listing 2.4: SimpleTokenizerV1 plus the special token <|unk|> for words not in the vocabulary.
// It does: map unknown tokens to <|unk|>, and remove the space before , . : ; ? ! " ( ) ' on decode.
// It does not: split on <|endoftext|> specially (it is an ordinary vocabulary entry that the
// book's regex happens to keep whole).
package dev.scratchllm.tokenizer;

import java.util.Map;
import java.util.regex.Pattern;

/**
 * The book's {@code SimpleTokenizerV2}: unknown words become {@value SimpleVocab#UNK}.
 *
 * <pre>{@code
 * var tokenizer = new SimpleTokenizerV2(SimpleVocab.buildVocab(rawText, true));
 * tokenizer.decode(tokenizer.encode("Hello, do you like tea? <|endoftext|> In the sunlit terraces of the palace."));
 * // "<|unk|>, do you like tea? <|endoftext|> In the sunlit terraces of the <|unk|>."
 * }</pre>
 */
public final class SimpleTokenizerV2 extends SimpleTokenizerV1 {
    /** {@code re.sub(r'\s+([,.:;?!"()\'])', r'\1', text)} from the book's V2 decode. */
    private static final Pattern SPACE_BEFORE_PUNCT = Pattern.compile("[\\s\\x1C-\\x1F]+([,.:;?!\"()'])", Pattern.UNICODE_CHARACTER_CLASS);

    private final int unkId;

    /**
     * A tokenizer that maps words missing from the vocabulary to {@code <|unk|>}.
     * @param vocab token to id; must contain {@value SimpleVocab#UNK}
     * @throws IllegalArgumentException if {@code <|unk|>} is missing (build the vocabulary with special tokens)
     */
    public SimpleTokenizerV2(Map<String, Integer> vocab) {
        super(vocab);
        if (!contains(SimpleVocab.UNK)) {
            throw new IllegalArgumentException("SimpleTokenizerV2: the vocabulary has no " + SimpleVocab.UNK
                    + " entry; build it with SimpleVocab.buildVocab(text, true)");
        }
        this.unkId = vocab.get(SimpleVocab.UNK);
    }

    @Override
    protected int idOf(String token) {
        return contains(token) ? super.idOf(token) : unkId;
    }

    @Override
    Pattern spaceBeforePunctuation() {
        return SPACE_BEFORE_PUNCT;
    }
}
