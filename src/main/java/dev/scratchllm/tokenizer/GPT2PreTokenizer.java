// GPT-2's pre-tokenisation, written by hand instead of with a regular expression.
// It does: find the end of the next piece that tiktoken's r50k_base / gpt2 pattern
//   's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
// would match, with the same Unicode classes (\s = White_Space, case-sensitive contractions,
// code points rather than UTF-16 units, a lone surrogate counting as "other").
// It does not: allocate, or know about bytes, ranks or special tokens.
package dev.scratchllm.tokenizer;

/**
 * Splits text into the pieces that GPT-2's byte-pair encoding works on, exactly as tiktoken's
 * {@code gpt2} pattern does. Character classes come from the running JDK's Unicode tables
 * (letters {@code L*}, numbers {@code N*}, whitespace {@code Zs|Zl|Zp|U+0009..U+000D|U+0085}).
 */
final class GPT2PreTokenizer {
    static final byte OTHER = 0;
    static final byte LETTER = 1;
    static final byte NUMBER = 2;
    static final byte SPACE = 3;
    /** The class of each ASCII character; everything else asks {@link Character#getType(int)}. */
    private static final byte[] ASCII = new byte[0x80];

    static {
        for (int c = 0; c < 0x80; c++) ASCII[c] = classOf(c);
    }

    private GPT2PreTokenizer() {}

    /** The class of a code point (not a surrogate). */
    static byte classOf(int cp) {
        int type = Character.getType(cp);
        switch (type) {
            case Character.UPPERCASE_LETTER, Character.LOWERCASE_LETTER, Character.TITLECASE_LETTER,
                 Character.MODIFIER_LETTER, Character.OTHER_LETTER:
                return LETTER;
            case Character.DECIMAL_DIGIT_NUMBER, Character.LETTER_NUMBER, Character.OTHER_NUMBER:
                return NUMBER;
            case Character.SPACE_SEPARATOR, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR:
                return SPACE;
            default:
                return (cp >= 0x09 && cp <= 0x0D) || cp == 0x85 ? SPACE : OTHER;
        }
    }

    /** The class of a UTF-16 char that is not a surrogate (a table for ASCII, the JDK's tables beyond). */
    static byte classOfChar(char c) {
        return c < 0x80 ? ASCII[c] : classOf(c);
    }

    /** The class of the code point starting at {@code i}; a lone surrogate is {@link #OTHER}. */
    private static byte classAt(String s, int i, int end) {
        char c = s.charAt(i);
        if (c < 0x80) return ASCII[c];
        if (!Character.isSurrogate(c)) return classOf(c);
        if (Character.isHighSurrogate(c) && i + 1 < end && Character.isLowSurrogate(s.charAt(i + 1))) {
            return classOf(Character.toCodePoint(c, s.charAt(i + 1)));
        }
        return OTHER;
    }

    /** The UTF-16 width (1 or 2) of the code point starting at {@code i}. */
    private static int widthAt(String s, int i, int end) {
        char c = s.charAt(i);
        return Character.isHighSurrogate(c) && i + 1 < end && Character.isLowSurrogate(s.charAt(i + 1)) ? 2 : 1;
    }

    /**
     * The end of the piece that starts at {@code start} in {@code s[.., end)}.
     *
     * @param start must be below {@code end}
     * @return an index in {@code (start, end]}
     */
    static int nextEnd(String s, int start, int end) {
        char c = s.charAt(start);
        // 's 't 're 've 'm 'll 'd (case-sensitive, tried first)
        if (c == '\'' && start + 1 < end) {
            char d = s.charAt(start + 1);
            if (d == 's' || d == 't' || d == 'm' || d == 'd') return start + 2;
            if (start + 2 < end) {
                char e = s.charAt(start + 2);
                if ((d == 'r' && e == 'e') || (d == 'v' && e == 'e') || (d == 'l' && e == 'l')) return start + 3;
            }
        }
        int i = start;
        byte k;
        if (c == ' ' && start + 1 < end) {
            // " ?\p{L}+", " ?\p{N}+", " ?[^\s\p{L}\p{N}]+" with the optional space
            k = classAt(s, start + 1, end);
            if (k != SPACE) return runEnd(s, start + 1, end, k);
        }
        k = c < 0x80 ? ASCII[c] : classAt(s, i, end);
        if (k != SPACE) return runEnd(s, i, end, k);
        // whitespace: "\s+(?!\S)" keeps the last whitespace char for the next piece, "\s+" otherwise
        int j = i + 1;
        while (j < end && classAt(s, j, end) == SPACE) j++; // whitespace is all in the BMP
        if (j == end || j - i == 1) return j;
        return j - 1;
    }

    /** The end of the run of code points of class {@code k} starting at {@code i}. */
    private static int runEnd(String s, int i, int end, byte k) {
        while (i < end) {
            char c = s.charAt(i);
            if (c < 0x80) {
                if (ASCII[c] != k) break;
                i++;
            } else if (!Character.isSurrogate(c)) {
                if (classOf(c) != k) break;
                i++;
            } else {
                if (classAt(s, i, end) != k) break;
                i += widthAt(s, i, end);
            }
        }
        return i;
    }
}
