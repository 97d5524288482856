// Turns generated token ids into text one token at a time, for printing as a model generates.
// It does: hold back the bytes of a UTF-8 character that a token leaves unfinished (byte-level
// BPEs split emoji and CJK characters across tokens) and emit everything before them, so that the
// pieces, concatenated, equal decode(all ids) with the same U+FFFD replacements.
// It does not: know any vocabulary (it is given a token -> bytes function), or strip special tokens.
package dev.scratchllm.tokenizer;

import java.util.Arrays;
import java.util.function.IntFunction;

/**
 * Incremental decoding of a token stream. Not thread-safe: one instance per stream.
 *
 * <pre>{@code
 * StreamingTextDecoder out = tokenizer.newStreamingDecoder();
 * for (int id : generatedIds) System.out.print(out.next(id));
 * System.out.print(out.flush());
 * }</pre>
 */
public final class StreamingTextDecoder {
    private final IntFunction<byte[]> tokenBytes;
    private byte[] pending = new byte[8];
    private int size;

    /**
     * A decoder over a vocabulary.
     *
     * @param tokenBytes the bytes of a token id (throwing for an unknown id)
     */
    public StreamingTextDecoder(IntFunction<byte[]> tokenBytes) {
        if (tokenBytes == null) throw new IllegalArgumentException("StreamingTextDecoder: tokenBytes is null");
        this.tokenBytes = tokenBytes;
    }

    /**
     * Adds one token and returns the text that is now complete (possibly empty).
     *
     * @param id the token id
     * @return the new text
     */
    public String next(int id) {
        byte[] b = tokenBytes.apply(id);
        if (size + b.length > pending.length) pending = Arrays.copyOf(pending, Math.max(size + b.length, pending.length * 2));
        System.arraycopy(b, 0, pending, size, b.length);
        size += b.length;
        int keep = unfinishedTail();
        String text = Utf8.decode(pending, 0, size - keep);
        System.arraycopy(pending, size - keep, pending, 0, keep);
        size = keep;
        return text;
    }

    /**
     * Returns what is held back (an unfinished character becomes U+FFFD) and starts afresh.
     *
     * @return the remaining text
     */
    public String flush() {
        String text = Utf8.decode(pending, 0, size);
        size = 0;
        return text;
    }

    /** The length of a trailing sequence that is a valid but unfinished UTF-8 character (0..3). */
    private int unfinishedTail() {
        for (int k = 1; k <= 3 && k <= size; k++) {
            int b0 = pending[size - k] & 0xFF;
            if (b0 >= 0x80 && b0 < 0xC0) continue;            // a continuation byte: look further back
            int need;
            int lo = 0x80;
            int hi = 0xBF;
            if (b0 >= 0xC2 && b0 <= 0xDF) need = 1;
            else if (b0 >= 0xE0 && b0 <= 0xEF) {
                need = 2;
                if (b0 == 0xE0) lo = 0xA0;
                else if (b0 == 0xED) hi = 0x9F;
            } else if (b0 >= 0xF0 && b0 <= 0xF4) {
                need = 3;
                if (b0 == 0xF0) lo = 0x90;
                else if (b0 == 0xF4) hi = 0x8F;
            } else {
                return 0;                                       // ASCII or a byte that never starts a character
            }
            if (k - 1 >= need) return 0;                        // complete (or over-long: the decoder replaces it)
            for (int j = 1; j < k; j++) {
                int bj = pending[size - k + j] & 0xFF;
                int min = j == 1 ? lo : 0x80;
                int max = j == 1 ? hi : 0xBF;
                if (bj < min || bj > max) return 0;            // already invalid: nothing to wait for
            }
            return k;
        }
        return 0;
    }
}
