// Python's notion of whitespace and string order, for code that must match the book's Python.
// It does: str.isspace() per code point, str.strip() with no argument, and sorted() order of str.
// It does not: cover anything else Python does with text (case mapping, normalisation, ...).
package dev.scratchllm.tokenizer;

import java.util.Comparator;

/** Helpers that reproduce CPython's whitespace test, {@code strip()} and string ordering. */
public final class PythonText {
    private PythonText() {}

    /**
     * Python's {@code str.isspace()} for one code point: Unicode White_Space plus the four
     * "information separators" U+001C..U+001F (bidirectional class B or S), which Python counts
     * as whitespace and Java's {@code \s} does not.
     *
     * @param cp a code point
     * @return whether Python counts it as whitespace
     */
    public static boolean isSpace(int cp) {
        if (cp <= 0x20) return cp == 0x20 || (cp >= 0x09 && cp <= 0x0D) || (cp >= 0x1C && cp <= 0x1F);
        if (cp < 0x85) return false;
        if (cp == 0x85 || cp == 0xA0) return true;
        int type = Character.getType(cp);
        return type == Character.SPACE_SEPARATOR || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR;
    }

    /**
     * Python's {@code s.strip()}: removes leading and trailing {@link #isSpace} code points.
     *
     * @param s the text
     * @return the stripped text
     */
    public static String strip(String s) {
        int start = 0;
        int end = s.length();
        while (start < end) {
            int cp = s.codePointAt(start);
            if (!isSpace(cp)) break;
            start += Character.charCount(cp);
        }
        while (end > start) {
            int cp = s.codePointBefore(end);
            if (!isSpace(cp)) break;
            end -= Character.charCount(cp);
        }
        return s.substring(start, end);
    }

    /** Python's ordering of {@code str}: by code point (Java's {@code compareTo} orders UTF-16 units instead). */
    static final Comparator<String> CODE_POINT_ORDER = (a, b) -> {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) return Integer.compare(ca, cb);
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    };
}
