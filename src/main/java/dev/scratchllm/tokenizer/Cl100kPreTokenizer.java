// The pre-tokenisation of tiktoken's cl100k_base, which Llama 3 uses as is and Qwen2/Qwen3 use
// with single digits, written by hand instead of with a regular expression.
// It does: find the end of the next piece that the pattern
//   (?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,D}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+
// would match (D = 3 for Llama 3, 1 for Qwen), with the reference engines' semantics (Rust's
// fancy-regex in tiktoken, Oniguruma in Hugging Face tokenizers): leftmost-first alternatives with
// backtracking, code points rather than UTF-16 units, \s = Unicode White_Space, and (?i:) with
// Unicode simple case folding (so 'ſ, with U+017F LONG S, is a contraction like 's).
// It does not: allocate, or know about bytes, ranks, normalisation or special tokens.
package dev.scratchllm.tokenizer;

/**
 * Splits text into the pieces that Llama 3's and Qwen3's byte-level BPE work on. An instance holds
 * only the longest digit run ({@link #LLAMA3}: 3, {@link #QWEN}: 1); it is immutable.
 *
 * <p>java.util.regex is not used because its {@code \s}, case-insensitive groups and class
 * semantics differ from the reference engines in small ways; every alternative of the pattern is
 * coded below in the reference's order. Letters ({@code L*}), numbers ({@code N*}) and whitespace
 * come from the running JDK's Unicode tables.
 */
public final class Cl100kPreTokenizer {
    /** Llama 3's (and cl100k_base's) pattern: numbers in runs of up to three digits. */
    public static final Cl100kPreTokenizer LLAMA3 = new Cl100kPreTokenizer(3);
    /** Qwen2's and Qwen3's pattern: every digit is its own piece. */
    public static final Cl100kPreTokenizer QWEN = new Cl100kPreTokenizer(1);

    /** The exact pattern strings these two instances implement, as written in tokenizer.json. */
    static final String LLAMA3_PATTERN = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
    static final String QWEN_PATTERN = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

    private static final byte OTHER = GPT2PreTokenizer.OTHER;
    private static final byte LETTER = GPT2PreTokenizer.LETTER;
    private static final byte NUMBER = GPT2PreTokenizer.NUMBER;
    private static final byte SPACE = GPT2PreTokenizer.SPACE;

    private final int maxDigits;

    private Cl100kPreTokenizer(int maxDigits) {
        this.maxDigits = maxDigits;
    }

    /**
     * The instance for a pattern string as found in a {@code tokenizer.json} Split pre-tokenizer.
     *
     * @param pattern the regular expression text
     * @return {@link #LLAMA3} or {@link #QWEN}, or {@code null} if the pattern is neither
     */
    public static Cl100kPreTokenizer forPattern(String pattern) {
        if (LLAMA3_PATTERN.equals(pattern)) return LLAMA3;
        if (QWEN_PATTERN.equals(pattern)) return QWEN;
        return null;
    }

    /**
     * The longest run of digits that forms one piece.
     *
     * @return 3 for Llama 3, 1 for Qwen
     */
    public int maxDigits() {
        return maxDigits;
    }

    /**
     * The end of the piece that starts at {@code start} in {@code s[.., end)}.
     *
     * @param s     the text
     * @param start the start of the piece, below {@code end}
     * @param end   the end of the text to split (the pattern sees nothing after it)
     * @return an index in {@code (start, end]}
     */
    public int nextEnd(String s, int start, int end) {
        char c = s.charAt(start);
        // 1. (?i:'s|'t|'re|'ve|'m|'ll|'d)
        if (c == '\'' && start + 1 < end) {
            char d = s.charAt(start + 1);
            if (isFold(d, 's') || isFold(d, 't') || isFold(d, 'm') || isFold(d, 'd')) return start + 2;
            if (start + 2 < end) {
                char e = s.charAt(start + 2);
                if ((isFold(d, 'r') || isFold(d, 'v')) && isFold(e, 'e')) return start + 3;
                if (isFold(d, 'l') && isFold(e, 'l')) return start + 3;
            }
        }
        byte k = classAt(s, start, end);
        int w = widthAt(s, start, end);
        // 2. [^\r\n\p{L}\p{N}]?\p{L}+
        if (k == LETTER) return runEnd(s, start + w, end, LETTER);
        if (k != NUMBER && c != '\r' && c != '\n' && start + w < end && classAt(s, start + w, end) == LETTER) {
            return runEnd(s, start + w, end, LETTER);
        }
        // 3. \p{N}{1,maxDigits}
        if (k == NUMBER) {
            int i = start + w;
            for (int n = 1; n < maxDigits && i < end && classAt(s, i, end) == NUMBER; n++) i += widthAt(s, i, end);
            return i;
        }
        // 4. " ?[^\s\p{L}\p{N}]+[\r\n]*"
        int from = -1;
        if (k == OTHER) from = start;
        else if (c == ' ' && start + 1 < end && classAt(s, start + 1, end) == OTHER) from = start + 1;
        if (from >= 0) {
            int i = runEnd(s, from, end, OTHER);
            while (i < end && (s.charAt(i) == '\r' || s.charAt(i) == '\n')) i++;
            return i;
        }
        // k is SPACE from here on; whitespace is all in the BMP
        int j = start + 1;
        int lastNewline = c == '\r' || c == '\n' ? start : -1;
        while (j < end && classAt(s, j, end) == SPACE) {
            char x = s.charAt(j);
            if (x == '\r' || x == '\n') lastNewline = j;
            j++;
        }
        // 5. \s*[\r\n]+ : the greedy \s* backs off to the last CR/LF of the run
        if (lastNewline >= 0) return lastNewline + 1;
        // 6. \s+(?!\S) keeps the last whitespace char for the next piece; 7. \s+ otherwise
        if (j == end || j - start == 1) return j;
        return j - 1;
    }

    /** Whether {@code c} matches the ASCII letter {@code lower} case-insensitively (Unicode simple folding). */
    private static boolean isFold(char c, char lower) {
        if (c == lower || c == lower - 32) return true;
        return lower == 's' && c == '\u017F'; // LATIN SMALL LETTER LONG S folds to s; no other fold reaches t,r,e,v,m,l,d
    }

    /** The class of the code point starting at {@code i}; a lone surrogate is {@code OTHER}. */
    private static byte classAt(String s, int i, int end) {
        char c = s.charAt(i);
        if (!Character.isSurrogate(c)) return GPT2PreTokenizer.classOfChar(c);
        if (Character.isHighSurrogate(c) && i + 1 < end && Character.isLowSurrogate(s.charAt(i + 1))) {
            return GPT2PreTokenizer.classOf(Character.toCodePoint(c, s.charAt(i + 1)));
        }
        return OTHER;
    }

    /** The UTF-16 width (1 or 2) of the code point starting at {@code i}. */
    private static int widthAt(String s, int i, int end) {
        char c = s.charAt(i);
        return Character.isHighSurrogate(c) && i + 1 < end && Character.isLowSurrogate(s.charAt(i + 1)) ? 2 : 1;
    }

    /** The end of the run of code points of class {@code k} starting at {@code i}. */
    private static int runEnd(String s, int i, int end, byte k) {
        while (i < end) {
            char c = s.charAt(i);
            if (c < 0x80 || !Character.isSurrogate(c)) {
                if (GPT2PreTokenizer.classOfChar(c) != k) break;
                i++;
            } else {
                if (classAt(s, i, end) != k) break;
                i += widthAt(s, i, end);
            }
        }
        return i;
    }
}
