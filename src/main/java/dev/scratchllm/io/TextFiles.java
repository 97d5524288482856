/*
 * TextFiles: reads a whole file as UTF-8 text, strictly. Where Files.readString reports a Latin-1
 * or otherwise non-UTF-8 file as "Input length = 1" (naming neither the file nor the place), this
 * names the file, the byte offset and the byte's value, and says how to convert the file.
 *
 * It does not guess encodings or convert anything: a file that is not UTF-8 is refused.
 */
package dev.scratchllm.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** Strict UTF-8 reading of whole text files, with errors that name the file and the offset. */
public final class TextFiles {
    private TextFiles() {
    }

    /**
     * Reads {@code file} as UTF-8.
     *
     * @param file the file
     * @return its text
     * @throws IOException if it cannot be read, or is not valid UTF-8 (the message names the file, the
     *     offset of the first bad byte and its value)
     */
    public static String readUtf8(Path file) throws IOException {
        return decodeUtf8(Files.readAllBytes(file), file.toString());
    }

    /**
     * Decodes {@code bytes} as UTF-8.
     *
     * @param bytes the encoded text
     * @param source the name used in the error message
     * @return the text
     * @throws CharacterCodingException if the bytes are not valid UTF-8, naming {@code source}, the offset and the byte
     */
    public static String decodeUtf8(byte[] bytes, String source) throws CharacterCodingException {
        CharsetDecoder d = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length); // UTF-8 never gives more chars than bytes
        CoderResult r = d.decode(in, out, true);
        if (!r.isError()) r = d.flush(out);
        if (r.isError()) {
            int at = in.position();
            throw new NotUtf8Exception(String.format(Locale.ROOT, "%s: not UTF-8 text: byte 0x%02X at offset %d (of %d) does not decode; "
                    + "save the file as UTF-8 (for Latin-1 text: iconv -f latin1 -t utf-8)", source, bytes[at] & 0xff, at, bytes.length));
        }
        return out.flip().toString();
    }

    /** A file that is not valid UTF-8; the message says where. */
    public static final class NotUtf8Exception extends CharacterCodingException {
        private static final long serialVersionUID = 1L;
        /** The one-line message: the file, the offset and the byte (CharacterCodingException takes none). */
        private final String message;

        NotUtf8Exception(String message) {
            this.message = message;
        }

        @Override
        public String getMessage() {
            return message;
        }
    }
}
