// GPT-2's byte-to-character mapping (bytes_to_unicode in OpenAI's encoder.py).
// It does: map each of the 256 byte values to a printable character and back, so that byte
// strings can be written as text in encoder.json and vocab.bpe ("Ġ" is the space byte, "Ċ" newline).
// It does not: know anything about merges or ranks.
package dev.scratchllm.tokenizer;

/**
 * The byte-level alphabet of GPT-2: printable Latin-1 bytes ({@code !..~}, {@code ¡..¬}, {@code ®..ÿ})
 * stand for themselves, and the other 68 bytes, in order, for U+0100, U+0101, ... (so the space
 * 0x20 is {@code Ġ} U+0120 and the newline 0x0A is {@code Ċ} U+010A).
 */
final class ByteLevelAlphabet {
    private static final char[] BYTE_TO_CHAR = new char[256];
    private static final int[] CHAR_TO_BYTE = new int[0x200];
    /** The 256 byte values in the order of their GPT-2 ranks 0..255 (printable ones first). */
    private static final int[] RANK_ORDER = new int[256];

    static {
        java.util.Arrays.fill(CHAR_TO_BYTE, -1);
        int r = 0;
        for (int b = 0; b < 256; b++) {
            if (printable(b)) {
                BYTE_TO_CHAR[b] = (char) b;
                RANK_ORDER[r++] = b;
            }
        }
        int n = 0;
        for (int b = 0; b < 256; b++) {
            if (!printable(b)) {
                BYTE_TO_CHAR[b] = (char) (256 + n++);
                RANK_ORDER[r++] = b;
            }
        }
        for (int b = 0; b < 256; b++) CHAR_TO_BYTE[BYTE_TO_CHAR[b]] = b;
    }

    private ByteLevelAlphabet() {}

    private static boolean printable(int b) {
        return (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
    }

    /** The character that stands for byte {@code b} (0..255). */
    static char charOf(int b) {
        return BYTE_TO_CHAR[b & 0xFF];
    }

    /** The byte a character stands for, or -1 if it is not in the alphabet. */
    static int byteOf(char c) {
        return c < CHAR_TO_BYTE.length ? CHAR_TO_BYTE[c] : -1;
    }

    /** The byte with GPT-2 rank {@code r} (0..255). */
    static int byteWithRank(int r) {
        return RANK_ORDER[r];
    }

    /** Writes bytes as alphabet characters. */
    static String toGlyphs(byte[] bytes, int off, int len) {
        char[] cs = new char[len];
        for (int i = 0; i < len; i++) cs[i] = BYTE_TO_CHAR[bytes[off + i] & 0xFF];
        return new String(cs);
    }

    /**
     * Reads alphabet characters back into bytes.
     *
     * @return the bytes, or {@code null} if some character is not in the alphabet
     */
    static byte[] fromGlyphs(String glyphs) {
        byte[] out = new byte[glyphs.length()];
        for (int i = 0; i < out.length; i++) {
            int b = byteOf(glyphs.charAt(i));
            if (b < 0) return null;
            out[i] = (byte) b;
        }
        return out;
    }
}
