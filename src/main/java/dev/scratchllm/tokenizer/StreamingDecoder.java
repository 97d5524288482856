/*
 * StreamingDecoder: turns token ids into text one token at a time, for streaming a reply. A
 * byte-level BPE token can end in the middle of a multi-byte UTF-8 character (an emoji is often
 * split over two or three GPT-2 tokens); decoding each token on its own would print U+FFFD for
 * each half. This decoder keeps the bytes of an unfinished character back until the token that
 * completes it arrives, so the pieces it returns, joined, equal GPT2Tokenizer.decode of all the
 * ids (Python's errors="replace" semantics, ill-formed bytes included).
 *
 * The one streaming decoder of the library: GPT-2's tokenizer, ByteLevelBPE (Llama 3, Qwen3) and
 * the server all hand out this class.
 *
 * It does not look at stop strings (the server does that on the text), and it is not thread-safe.
 */
package dev.scratchllm.tokenizer;

import java.util.Arrays;
import java.util.function.IntFunction;

/**
 * Incremental UTF-8-correct detokenizer.
 *
 * <pre>{@code
 * StreamingDecoder d = StreamingDecoder.of(tokenizer);
 * for (int id : ids) System.out.print(d.push(id));  // whole characters only
 * System.out.print(d.flush());                      // U+FFFD for a character left unfinished
 * }</pre>
 */
public final class StreamingDecoder {
    private final IntFunction<byte[]> tokenBytes;
    private byte[] pending = new byte[16];
    private int pendingLength;

    /**
     * A decoder over any byte-level vocabulary.
     *
     * @param tokenBytes the bytes of one token id
     */
    public StreamingDecoder(IntFunction<byte[]> tokenBytes) {
        if (tokenBytes == null) throw new IllegalArgumentException("StreamingDecoder: tokenBytes is null");
        this.tokenBytes = tokenBytes;
    }

    /**
     * A decoder for GPT-2's tokenizer.
     *
     * @param tokenizer the tokenizer
     * @return a new decoder
     */
    public static StreamingDecoder of(GPT2Tokenizer tokenizer) {
        return new StreamingDecoder(id -> tokenizer.decodeBytes(new int[] {id}));
    }

    /**
     * Adds one token and returns the text that is now complete; an unfinished character at the
     * end is held back.
     *
     * @param id the token id
     * @return the new text, possibly empty
     */
    public String push(int id) {
        byte[] b = tokenBytes.apply(id);
        if (pendingLength + b.length > pending.length) pending = Arrays.copyOf(pending, Math.max(2 * pending.length, pendingLength + b.length));
        System.arraycopy(b, 0, pending, pendingLength, b.length);
        pendingLength += b.length;
        int complete = completePrefix(pending, pendingLength);
        String text = Utf8.decode(pending, 0, complete);
        System.arraycopy(pending, complete, pending, 0, pendingLength - complete);
        pendingLength -= complete;
        return text;
    }

    /**
     * Returns what is held back (an unfinished character becomes U+FFFD) and empties the decoder.
     *
     * @return the remaining text, possibly empty
     */
    public String flush() {
        String text = Utf8.decode(pending, 0, pendingLength);
        pendingLength = 0;
        return text;
    }

    /**
     * How many leading bytes can be decoded now: all of them, unless the buffer ends with a
     * well-formed but unfinished sequence (a lead byte and the right continuation bytes, too few),
     * which a later token may complete. A lead byte is never a continuation byte, so the text
     * before it decodes the same whatever follows.
     */
    static int completePrefix(byte[] b, int n) {
        for (int back = 1; back <= 3 && back <= n; back++) {
            int lead = b[n - back] & 0xFF;
            if (lead >= 0x80 && lead <= 0xBF) continue; // a continuation byte: look further back
            int need = lead >= 0xC2 && lead <= 0xDF ? 2 : lead >= 0xE0 && lead <= 0xEF ? 3 : lead >= 0xF0 && lead <= 0xF4 ? 4 : 1;
            if (need <= back) return n; // ASCII, an invalid byte, or a finished sequence
            if (back >= 2 && !secondByteOk(lead, b[n - back + 1] & 0xFF)) return n; // ill-formed already
            return n - back;
        }
        return n;
    }

    /** The second byte's range per lead byte (Unicode's Table 3-7; later bytes are 80..BF). */
    private static boolean secondByteOk(int lead, int second) {
        return switch (lead) {
            case 0xE0 -> second >= 0xA0 && second <= 0xBF;
            case 0xED -> second >= 0x80 && second <= 0x9F;
            case 0xF0 -> second >= 0x90 && second <= 0xBF;
            case 0xF4 -> second >= 0x80 && second <= 0x8F;
            default -> second >= 0x80 && second <= 0xBF;
        };
    }
}
