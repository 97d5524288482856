package dev.scratchllm.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Resolution before any download; the download step itself is tested on loopback in DownloadTest. */
class BookDataTest {
    @Test
    void aLocalFileIsUsedWithoutDownloading(@TempDir Path tmp) throws Exception {
        Files.writeString(tmp.resolve("the-verdict.txt"), "local copy");
        Path p = BookData.path(new DataFiles(tmp.toString(), tmp.resolve("none")), tmp.resolve("cache"), "the-verdict.txt");
        assertThat(p).isEqualTo(tmp.resolve("the-verdict.txt"));
        assertThat(tmp.resolve("cache")).doesNotExist();
    }

    @Test
    void anUnknownMissingFileNamesWhereItLooked(@TempDir Path tmp) {
        assertThatThrownBy(() -> BookData.path(new DataFiles(tmp.toString(), tmp.resolve("none")), tmp, "nowhere.txt"))
                .isInstanceOf(MissingDataFileException.class).hasMessageContaining("nowhere.txt");
    }

    @Test
    void everyKnownSourceHasAChecksumAndAnHttpsUrl() {
        assertThat(BookData.SOURCES).isNotEmpty();
        BookData.SOURCES.forEach((name, src) -> {
            assertThat(src.url()).startsWith("https://");
            assertThat(src.sha256()).matches("[0-9a-f]{64}");
        });
    }
}
