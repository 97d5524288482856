// UTF-8 the way tiktoken's Python side sees it.
// It does: encode a char range into a byte buffer, turning lone surrogates into U+FFFD (tiktoken's
// Python wrapper does this before encoding), and decode bytes replacing every maximal invalid
// subpart with one U+FFFD (Python's bytes.decode("utf-8", errors="replace")).
// It does not: allocate on the encode path, or support other encodings.
package dev.scratchllm.tokenizer;

/** UTF-8 conversions with Python's error handling. */
final class Utf8 {
    private Utf8() {}

    /** The UTF-8 encoding of U+FFFD, written for each lone surrogate. */
    private static final byte R0 = (byte) 0xEF, R1 = (byte) 0xBF, R2 = (byte) 0xBD;

    /** At most this many bytes are written per UTF-16 char. */
    static final int MAX_BYTES_PER_CHAR = 3;

    /**
     * Encodes {@code s[from, to)} into {@code out} starting at 0; {@code out} must hold
     * {@code (to - from) * 3} bytes. A surrogate pair split by {@code to} counts as two lone surrogates.
     *
     * @return the number of bytes written
     */
    static int encode(String s, int from, int to, byte[] out) {
        int n = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                out[n++] = (byte) c;
            } else if (c < 0x800) {
                out[n++] = (byte) (0xC0 | (c >> 6));
                out[n++] = (byte) (0x80 | (c & 0x3F));
            } else if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < to && Character.isLowSurrogate(s.charAt(i + 1))) {
                    int cp = Character.toCodePoint(c, s.charAt(++i));
                    out[n++] = (byte) (0xF0 | (cp >> 18));
                    out[n++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
                    out[n++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                    out[n++] = (byte) (0x80 | (cp & 0x3F));
                } else {
                    out[n++] = R0;
                    out[n++] = R1;
                    out[n++] = R2;
                }
            } else {
                out[n++] = (byte) (0xE0 | (c >> 12));
                out[n++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                out[n++] = (byte) (0x80 | (c & 0x3F));
            }
        }
        return n;
    }

    /**
     * Decodes UTF-8, replacing each maximal subpart of an ill-formed sequence with U+FFFD, as
     * Python's {@code errors="replace"} (and the Unicode standard's recommended practice) does.
     */
    static String decode(byte[] b, int off, int len) {
        StringBuilder sb = new StringBuilder(len);
        int i = off;
        int end = off + len;
        while (i < end) {
            int b0 = b[i] & 0xFF;
            if (b0 < 0x80) {
                sb.append((char) b0);
                i++;
                continue;
            }
            int need;      // continuation bytes required
            int lo = 0x80; // allowed range of the first continuation byte
            int hi = 0xBF;
            int cp;
            if (b0 >= 0xC2 && b0 <= 0xDF) {
                need = 1;
                cp = b0 & 0x1F;
            } else if (b0 >= 0xE0 && b0 <= 0xEF) {
                need = 2;
                cp = b0 & 0x0F;
                if (b0 == 0xE0) lo = 0xA0;      // no overlong forms
                else if (b0 == 0xED) hi = 0x9F; // no surrogates
            } else if (b0 >= 0xF0 && b0 <= 0xF4) {
                need = 3;
                cp = b0 & 0x07;
                if (b0 == 0xF0) lo = 0x90;      // no overlong forms
                else if (b0 == 0xF4) hi = 0x8F; // nothing above U+10FFFF
            } else {
                sb.append('\uFFFD');            // 0x80..0xC1, 0xF5..0xFF never start a sequence
                i++;
                continue;
            }
            int j = i + 1;
            boolean ok = true;
            for (int k = 0; k < need; k++, j++) {
                if (j >= end) { ok = false; break; }
                int bk = b[j] & 0xFF;
                int min = k == 0 ? lo : 0x80;
                int max = k == 0 ? hi : 0xBF;
                if (bk < min || bk > max) { ok = false; break; }
                cp = (cp << 6) | (bk & 0x3F);
            }
            if (ok) {
                sb.appendCodePoint(cp);
            } else {
                sb.append('\uFFFD');            // the valid prefix i..j-1 is one maximal subpart
            }
            i = j;
        }
        return sb.toString();
    }
}
