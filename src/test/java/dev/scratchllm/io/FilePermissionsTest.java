package dev.scratchllm.io;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Finished downloads and written files get the usual rw-r--r--, not the owner-only 0600 of the
 * temporary files they are renamed from (issue 22, "small").
 */
class FilePermissionsTest {
    static String mode(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    @Test
    void downloadedUnzippedAndWrittenFilesAreReadableByAll(@TempDir Path tmp) throws Exception {
        assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"), "skipped: no POSIX permissions on this file system");
        assertThat(mode(Files.createTempFile(tmp, "t", ".part"))).isEqualTo("rw-------"); // what the files start as

        Path written = tmp.resolve("out/plot.json");
        AtomicFiles.writeString(written, "{}");
        assertThat(mode(written)).isEqualTo("rw-r--r--");

        byte[] body = "hello".getBytes(StandardCharsets.UTF_8);
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/f", ex -> {
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream os = ex.getResponseBody()) {
                os.write(body);
            }
        });
        server.start();
        try {
            Path src = Files.write(tmp.resolve("src"), body);
            Path got = Download.fetch(URI.create("http://" + server.getAddress().getHostString() + ":" + server.getAddress().getPort() + "/f"),
                    tmp.resolve("cache/f.txt"), Download.sha256(src), 100);
            assertThat(mode(got)).isEqualTo("rw-r--r--");
        } finally {
            server.stop(0);
        }

        Path zip = tmp.resolve("a.zip");
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(zip))) {
            z.putNextEntry(new ZipEntry("dir/file.txt"));
            z.write(body);
            z.closeEntry();
        }
        Unzip.extractAll(zip, tmp.resolve("x"));
        assertThat(mode(tmp.resolve("x/dir/file.txt"))).isEqualTo("rw-r--r--");
    }
}
