// Listing 2.3: the book's first tokenizer, a word-level lookup in a fixed vocabulary.
// It does: encode with SimpleVocab.split and the vocabulary; decode by joining with spaces and
// removing the space before punctuation with the book's regular expression.
// It does not: handle words missing from the vocabulary (that is SimpleTokenizerV2's job).
package dev.scratchllm.tokenizer;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The book's {@code SimpleTokenizerV1}: maps the tokens of {@link SimpleVocab#split(String)} to ids.
 *
 * <pre>{@code
 * var tokenizer = new SimpleTokenizerV1(SimpleVocab.buildVocab(rawText, false));
 * int[] ids = tokenizer.encode("\"It's the last he painted, you know,\" Mrs. Gisburn said with pardonable pride.");
 * String text = tokenizer.decode(ids); // "\" It' s the last he painted, you know,\" Mrs. Gisburn said ..."
 * }</pre>
 */
public class SimpleTokenizerV1 {
    /** {@code re.sub(r'\s+([,.?!"()\'])', r'\1', text)} from the book's V1 decode (Python's {@code \s}). */
    private static final Pattern SPACE_BEFORE_PUNCT = Pattern.compile("[\\s\\x1C-\\x1F]+([,.?!\"()'])", Pattern.UNICODE_CHARACTER_CLASS);

    private final Map<String, Integer> strToInt;
    private final Map<Integer, String> intToStr;

    /**
     * A tokenizer over a fixed vocabulary.
     * @param vocab token to id, e.g. from {@link SimpleVocab#buildVocab(String, boolean)}; copied
     * @throws IllegalArgumentException if the vocabulary is null, or has a null token or id
     */
    public SimpleTokenizerV1(Map<String, Integer> vocab) {
        if (vocab == null) throw new IllegalArgumentException(getClass().getSimpleName() + ": vocab is null");
        this.strToInt = new LinkedHashMap<>(vocab.size() * 2);
        this.intToStr = new HashMap<>(vocab.size() * 2);
        for (Map.Entry<String, Integer> e : vocab.entrySet()) {
            if (e.getKey() == null || e.getValue() == null) {
                throw new IllegalArgumentException(getClass().getSimpleName() + ": vocab has a null token or id (" + e + ")");
            }
            strToInt.put(e.getKey(), e.getValue());
            intToStr.put(e.getValue(), e.getKey()); // {i: s for s, i in vocab.items()}: the last token with an id wins
        }
    }

    /**
     * Splits {@code text} like the book and looks every token up.
     *
     * @param text the text
     * @return the token ids
     * @throws IllegalArgumentException naming the first token missing from the vocabulary
     *                                  (the book's Python raises {@code KeyError})
     */
    public int[] encode(String text) {
        if (text == null) throw new IllegalArgumentException(getClass().getSimpleName() + ".encode: text is null");
        List<String> tokens = SimpleVocab.split(text);
        int[] ids = new int[tokens.size()];
        for (int i = 0; i < ids.length; i++) ids[i] = idOf(tokens.get(i));
        return ids;
    }

    /**
     * The id of one preprocessed token; V2 overrides this to map unknown tokens to {@code <|unk|>}.
     *
     * @param token a token as {@link SimpleVocab#split} produces it
     * @return its id
     * @throws IllegalArgumentException if the token is not in the vocabulary
     */
    protected int idOf(String token) {
        Integer id = strToInt.get(token);
        if (id == null) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ".encode: \"" + token
                    + "\" is not in the vocabulary (" + strToInt.size() + " entries); SimpleTokenizerV2 maps unknown words to " + SimpleVocab.UNK);
        }
        return id;
    }

    /**
     * Whether {@code token} is in the vocabulary.
     *
     * @param token a token
     * @return true if the vocabulary has it
     */
    protected final boolean contains(String token) {
        return strToInt.containsKey(token);
    }

    /**
     * Joins the tokens with single spaces, then removes the whitespace before punctuation.
     *
     * @param ids the token ids
     * @return the text
     * @throws IllegalArgumentException naming the first id missing from the vocabulary
     */
    public String decode(int[] ids) {
        if (ids == null) throw new IllegalArgumentException(getClass().getSimpleName() + ".decode: ids is null");
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < ids.length; i++) {
            String token = intToStr.get(ids[i]);
            if (token == null) {
                throw new IllegalArgumentException(getClass().getSimpleName() + ".decode: id " + ids[i] + " at position " + i + " is not in the vocabulary");
            }
            if (i > 0) sb.append(' ');
            sb.append(token);
        }
        return spaceBeforePunctuation().matcher(sb).replaceAll("$1");
    }

    /** The decode clean-up pattern; V2 also removes the space before {@code :} and {@code ;}. */
    Pattern spaceBeforePunctuation() {
        return SPACE_BEFORE_PUNCT;
    }

    /**
     * The number of entries in the vocabulary.
     *
     * @return the vocabulary size
     */
    public int vocabSize() {
        return strToInt.size();
    }
}
