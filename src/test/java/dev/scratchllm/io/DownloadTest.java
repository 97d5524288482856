package dev.scratchllm.io;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Downloads against a server on the loopback address only. */
class DownloadTest {
    static final byte[] BODY = "I HAD always thought Jack Gisburn rather a cheap genius".getBytes(StandardCharsets.UTF_8);
    static final String SHA = "4f0b1f4a0e4a1f0c9a1c3e0e7f3a9c9e4b6b0d7e1f2a3b4c5d6e7f8091a2b3c4"; // deliberately wrong
    HttpServer server;
    AtomicInteger hits = new AtomicInteger();

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/file.txt", ex -> {
            hits.incrementAndGet();
            ex.sendResponseHeaders(200, BODY.length);
            ex.getResponseBody().write(BODY);
            ex.close();
        });
        server.createContext("/missing", ex -> {
            ex.sendResponseHeaders(404, -1);
            ex.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    @Test
    void aKilledDownloadsPartFileIsRemovedByTheNextDownload(@TempDir Path tmp) throws Exception {
        Path src = tmp.resolve("src.bin");
        Files.write(src, BODY);
        Path target = tmp.resolve("cache/file.txt");
        Files.createDirectories(target.getParent());
        Path stale = Files.write(target.resolveSibling("file.txt8812345.part"), new byte[4096]); // what kill -9 left
        Path other = Files.write(target.resolveSibling("file.txt.notes.part"), new byte[1]); // not a temp name of ours
        Download.fetch(uri("/file.txt"), target, Download.sha256(src), 1000);
        assertThat(stale).doesNotExist();
        assertThat(other).exists();
        assertThat(Files.readAllBytes(target)).isEqualTo(BODY);
    }

    @Test
    void downloadsVerifiesAndReusesTheCache(@TempDir Path tmp) throws Exception {
        Path src = tmp.resolve("src.bin");
        Files.write(src, BODY);
        String sha = Download.sha256(src);
        Path target = tmp.resolve("cache/file.txt");
        assertThat(Download.fetch(uri("/file.txt"), target, sha, 1000)).isEqualTo(target);
        assertThat(Files.readAllBytes(target)).isEqualTo(BODY);
        Download.fetch(uri("/file.txt"), target, sha, 1000);
        assertThat(hits.get()).isEqualTo(1); // second call used the verified cache
    }

    @Test
    void aWrongChecksumTooLargeOrMissingFileLeavesNothingBehind(@TempDir Path tmp) throws Exception {
        Path target = tmp.resolve("file.txt");
        assertThatThrownBy(() -> Download.fetch(uri("/file.txt"), target, SHA, 1000)).hasMessageContaining("SHA-256 mismatch");
        assertThatThrownBy(() -> Download.fetch(uri("/file.txt"), target, SHA, 10)).hasMessageContaining("larger than the limit");
        assertThatThrownBy(() -> Download.fetch(uri("/missing"), target, SHA, 1000)).hasMessageContaining("HTTP 404").hasMessageContaining("by hand");
        try (var files = Files.list(tmp)) { // only the folder's download lock, no data
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly(PartFiles.LOCK_FILE);
        }
        assertThatThrownBy(() -> Download.fetch(uri("/file.txt"), target, "abc", 1000)).hasMessageContaining("64-hex-digit");
    }

    static final NetLimits SHORT = new NetLimits(Duration.ofSeconds(1), Duration.ofMillis(700), Duration.ofMillis(1500));

    @Test
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void aServerThatStallsAfterItsHeadersFailsAtTheStallLimit(@TempDir Path tmp) throws Exception {
        try (var bad = new MisbehavingServer(MisbehavingServer.Mode.STALL, "I HAD always")) {
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> Download.fetch(bad.uri("/file.txt"), tmp.resolve("file.txt"), SHA, 1 << 20, SHORT))
                    .hasMessageContaining("no data for 700 ms (the stall limit)").hasMessageContaining("could not download");
            assertThat((System.nanoTime() - t0) / 1e9).isLessThan(5);
        }
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void aServerThatTricklesFailsAtTheTimeLimit(@TempDir Path tmp) throws Exception {
        try (var bad = new MisbehavingServer(MisbehavingServer.Mode.TRICKLE, "")) {
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> Download.fetch(bad.uri("/file.txt"), tmp.resolve("file.txt"), SHA, 1 << 20, SHORT))
                    .hasMessageContaining("not complete within 1.5 s (the time limit)");
            assertThat((System.nanoTime() - t0) / 1e9).isLessThan(5);
        }
    }

    @Test
    void theDefaultLimitsScaleWithTheSize() {
        assertThat(Download.limits(1000).total()).isEqualTo(Duration.ofMinutes(10));
        // gpt2: the limit of 711 MB (548 MB file, room for an untied head and masks) at 256 KiB/s
        assertThat(Download.limits(GPT2Download.maxBytes("gpt2")).total().toMinutes()).isEqualTo(45L);
        assertThat(Download.limits(1000).stall()).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void aRefusedConnectionIsNamedNotNull(@TempDir Path tmp) throws Exception {
        int closedPort;
        try (var s = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        Path target = tmp.resolve("file.txt");
        URI gone = URI.create("http://127.0.0.1:" + closedPort + "/file.txt");
        assertThatThrownBy(() -> Download.fetch(gone, target, "a".repeat(64), 1000))
                .hasMessageNotContaining(": null")
                .hasMessageContaining("ConnectException")
                .hasMessageContaining("no connection to the server");
        assertThat(target).doesNotExist();
    }

    @Test
    void reasonWalksTheCauseChain() {
        var e = new java.io.IOException(new java.net.ConnectException());
        assertThat(Download.reason(e)).doesNotContain("null").contains("ConnectException");
        assertThat(Download.reason(new java.net.UnknownHostException("example.invalid"))).contains("does not resolve").contains("example.invalid");
    }
}
