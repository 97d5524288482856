package dev.scratchllm.finetune;

import com.sun.net.httpserver.HttpServer;
import dev.scratchllm.data.DataFiles;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The spam data's download (issue 22): the data file gets its name only once its checksum matched. Loopback only. */
class SpamDownloadTest {
    HttpServer server;
    volatile byte[] zip;

    static byte[] zipOf(byte[] content) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(b)) {
            z.putNextEntry(new ZipEntry("SMSSpamCollection"));
            z.write(content);
            z.closeEntry();
        }
        return b.toByteArray();
    }

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/spam.zip", ex -> {
            ex.sendResponseHeaders(200, zip.length);
            ex.getResponseBody().write(zip);
            ex.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/spam.zip";
    }

    static List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString()).sorted().toList();
        }
    }

    @Test
    void aFileWithTheWrongChecksumNeverGetsTheDataFilesName(@TempDir Path tmp) throws Exception {
        zip = zipOf("ham\tnot the real collection\n".getBytes(StandardCharsets.UTF_8));
        Path data = Files.createDirectories(tmp.resolve("data"));
        Path killed = Files.createDirectories(data.resolve(SpamData.DATA_FILE).getParent().resolve(".download-123/extracted")); // a killed run's scratch
        Files.writeString(killed.resolve("SMSSpamCollection"), "left by a killed run");
        assertThatThrownBy(() -> SpamData.downloadInto(data, List.of(url()), "test")).hasMessageContaining("unexpected SMSSpamCollection");
        assertThat(names(data)).allMatch(n -> n.endsWith(dev.scratchllm.io.PartFiles.LOCK_FILE));
    }

    @Test
    void theRealCollectionIsVerifiedThenNamed(@TempDir Path tmp) throws Exception {
        var real = DataFiles.find(SpamData.DATA_FILE).or(() -> DataFiles.find(SpamData.BOOK_DATA_FILE));
        assumeTrue(real.isPresent(), () -> "skipped: the SMS Spam Collection is not on disk (" + DataFiles.describeSearch(SpamData.DATA_FILE) + ")");
        zip = zipOf(Files.readAllBytes(real.get()));
        Path data = Files.createDirectories(tmp.resolve("data"));
        Path got = SpamData.downloadInto(data, List.of(url()), "test");
        assertThat(got).isEqualTo(data.resolve(SpamData.DATA_FILE));
        assertThat(SpamData.sha256NormalizedLf(got)).isEqualTo(SpamData.SHA256);
        assertThat(names(data)).filteredOn(n -> !n.endsWith(dev.scratchllm.io.PartFiles.LOCK_FILE)).containsExactly(SpamData.DATA_FILE);
    }
}
