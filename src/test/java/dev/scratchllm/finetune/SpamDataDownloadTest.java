// SpamData's download into the cache, against a server on the loopback address: the archive is
// unpacked in a scratch folder, only a verified SMSSpamCollection is moved into the cache, and a
// failure leaves nothing behind and names its cause.
package dev.scratchllm.finetune;

import com.sun.net.httpserver.HttpServer;
import dev.scratchllm.data.DataFiles;
import dev.scratchllm.data.MissingDataFileException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class SpamDataDownloadTest {
    HttpServer server;

    @TempDir
    Path tmp;

    static byte[] zipOf(byte[] content) throws Exception {
        var bytes = new ByteArrayOutputStream();
        try (var zip = new ZipOutputStream(bytes)) {
            zip.putNextEntry(new ZipEntry("SMSSpamCollection"));
            zip.write(content);
            zip.closeEntry();
            zip.putNextEntry(new ZipEntry("readme"));
            zip.write("about the collection".getBytes(StandardCharsets.UTF_8));
        }
        return bytes.toByteArray();
    }

    void serve(String path, byte[] body) throws Exception {
        if (server == null) {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.start();
        }
        server.createContext(path, ex -> {
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    @AfterEach
    void stop() {
        if (server != null) server.stop(0);
    }

    @Test
    @DisplayName("the archive's SMSSpamCollection lands in the cache only after its SHA-256 matched, with no scratch folder left")
    void verifiedDownload() throws Exception {
        var real = DataFiles.find(SpamData.DATA_FILE);
        assumeTrue(real.isPresent(), () -> "skipped: " + DataFiles.describeSearch(SpamData.DATA_FILE));
        serve("/wrong.zip", zipOf("ham\tnot the collection\n".getBytes(StandardCharsets.UTF_8)));
        serve("/sms.zip", zipOf(Files.readAllBytes(real.get())));
        Path cache = tmp.resolve("cache");
        // the first address serves another file: it is refused, the second one is used
        Path p = SpamData.downloadInto(cache, List.of(url("/wrong.zip"), url("/sms.zip")), "searched");
        assertThat(p).isEqualTo(cache.resolve(SpamData.DATA_FILE));
        assertThat(SpamData.sha256NormalizedLf(p)).isEqualTo(SpamData.SHA256);
        try (var left = Files.list(p.getParent())) {
            assertThat(left.filter(f -> !f.getFileName().toString().equals(dev.scratchllm.io.PartFiles.LOCK_FILE))).containsExactly(p);
        }
    }

    @Test
    @DisplayName("an archive with the wrong file leaves nothing in the cache, and the error says what was wrong and what to do")
    void wrongContent() throws Exception {
        serve("/wrong.zip", zipOf("ham\tnot the collection\n".getBytes(StandardCharsets.UTF_8)));
        Path cache = tmp.resolve("cache");
        assertThatThrownBy(() -> SpamData.downloadInto(cache, List.of(url("/wrong.zip")), "searched"))
                .isInstanceOf(MissingDataFileException.class)
                .hasMessageContaining("unexpected SMSSpamCollection")
                .hasMessageContaining("To fix")
                .hasMessageContaining(cache.resolve(SpamData.DATA_FILE).toAbsolutePath().toString())
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("null"));
        try (var left = Files.list(cache.resolve(SpamData.DATA_FILE).getParent())) {
            assertThat(left.filter(f -> !f.getFileName().toString().equals(dev.scratchllm.io.PartFiles.LOCK_FILE))).isEmpty(); // only the download lock
        }
    }
}
