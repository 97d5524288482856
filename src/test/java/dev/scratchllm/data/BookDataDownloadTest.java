// BookData's download step against a server on the loopback address: the file lands in the
// cache verified and atomically, and a failure names its real cause and what to do.
package dev.scratchllm.data;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BookDataDownloadTest {
    static final byte[] BODY = "I HAD always thought Jack Gisburn rather a cheap genius".getBytes(StandardCharsets.UTF_8);
    HttpServer server;
    final AtomicInteger hits = new AtomicInteger();

    @TempDir
    Path tmp;

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/the-verdict.txt", ex -> {
            hits.incrementAndGet();
            ex.sendResponseHeaders(200, BODY.length);
            ex.getResponseBody().write(BODY);
            ex.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    private DataFiles files(Path cache) {
        return new DataFiles(null, cache, tmp.resolve("project-data"));
    }

    @Test
    @DisplayName("a missing book file is downloaded into the cache, verified, and found there next time without a download")
    void downloadLandsInTheCache() throws Exception {
        Path cache = tmp.resolve("cache");
        var sources = Map.of("the-verdict.txt", new BookData.Source(url("/the-verdict.txt"), sha256(BODY), 1000));
        Path p = BookData.path(files(cache), cache, "the-verdict.txt", sources);
        assertThat(p).isEqualTo(cache.resolve("the-verdict.txt"));
        assertThat(Files.readAllBytes(p)).isEqualTo(BODY);
        try (var left = Files.list(cache)) {
            assertThat(left.filter(f -> !f.getFileName().toString().equals(dev.scratchllm.io.PartFiles.LOCK_FILE))).containsExactly(p);   // no .part file next to it
        }
        assertThat(BookData.path(files(cache), cache, "the-verdict.txt", sources)).isEqualTo(p);
        assertThat(hits.get()).isEqualTo(1);
    }

    @Test
    @DisplayName("a download with the wrong checksum leaves nothing in the cache and says so")
    void wrongChecksumLeavesNothing() throws Exception {
        Path cache = tmp.resolve("cache");
        var sources = Map.of("the-verdict.txt", new BookData.Source(url("/the-verdict.txt"), sha256(new byte[] {1}), 1000));
        assertThatThrownBy(() -> BookData.path(files(cache), cache, "the-verdict.txt", sources))
                .isInstanceOf(MissingDataFileException.class).hasMessageContaining("SHA-256 mismatch");
        try (var left = Files.list(cache)) {
            assertThat(left.filter(f -> !f.getFileName().toString().equals(dev.scratchllm.io.PartFiles.LOCK_FILE))).isEmpty(); // only the download lock
        }
    }

    @Test
    @DisplayName("offline, the error names the real cause (never null) and what to do, in the user's terms")
    void offlineMessage() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        Path cache = tmp.resolve("cache");
        String url = "http://127.0.0.1:" + closedPort + "/the-verdict.txt";
        var sources = Map.of("the-verdict.txt", new BookData.Source(url, sha256(BODY), 1000));
        assertThatThrownBy(() -> BookData.path(files(cache), cache, "the-verdict.txt", sources))
                .isInstanceOf(MissingDataFileException.class)
                .satisfies(e -> assertThat(e.getMessage())
                        .doesNotContain("null")
                        .doesNotContain("shared")
                        .contains("ConnectException")
                        .contains("no connection to the server")
                        .contains("To fix")
                        .contains(cache.resolve("the-verdict.txt").toAbsolutePath().toString())
                        .contains("SCRATCHLLM_DATA")
                        .contains(url))
                .hasCauseInstanceOf(java.io.IOException.class);
        assertThat(cache.resolve("the-verdict.txt")).doesNotExist();
    }

    @Test
    @DisplayName("the search description points at the cache and SCRATCHLLM_DATA, never at a folder of this project's CI")
    void searchDescription() {
        Path cache = tmp.resolve("cache");
        String d = files(cache).searchDescription("the-verdict.txt");
        assertThat(d).contains(cache.resolve("the-verdict.txt").toAbsolutePath().toString())
                .contains("SCRATCHLLM_CACHE").contains("To fix").doesNotContain("shared");
    }
}
