package dev.scratchllm.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TextFilesTest {
    @Test
    void utf8IsReadWhole(@TempDir Path tmp) throws Exception {
        String text = "caf\u00e9, \u4e2d\u6587, \ud83d\ude00 <|endoftext|>";
        Path f = Files.writeString(tmp.resolve("a.txt"), text, StandardCharsets.UTF_8);
        assertThat(TextFiles.readUtf8(f)).isEqualTo(text);
        assertThat(TextFiles.readUtf8(Files.write(tmp.resolve("empty.txt"), new byte[0]))).isEmpty();
    }

    @Test
    void latin1AndTruncatedUtf8NameTheFileTheOffsetAndTheByte(@TempDir Path tmp) throws Exception {
        Path latin1 = Files.write(tmp.resolve("l.txt"), "na\u00efve caf\u00e9".getBytes(StandardCharsets.ISO_8859_1));
        assertThatThrownBy(() -> TextFiles.readUtf8(latin1)).isInstanceOf(TextFiles.NotUtf8Exception.class)
                .hasMessage(latin1 + ": not UTF-8 text: byte 0xEF at offset 2 (of 10) does not decode; save the file as UTF-8 (for Latin-1 text: iconv -f latin1 -t utf-8)");
        byte[] cut = "ab\u00e9".getBytes(StandardCharsets.UTF_8); // a, b, 0xC3 0xA9
        Path truncated = Files.write(tmp.resolve("t.txt"), java.util.Arrays.copyOf(cut, 3));
        assertThatThrownBy(() -> TextFiles.readUtf8(truncated)).hasMessageContaining("byte 0xC3 at offset 2 (of 3)");
    }
}
