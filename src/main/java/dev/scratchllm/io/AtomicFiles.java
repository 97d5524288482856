/*
 * AtomicFiles: writes a whole file so that readers see either the old content or the new one,
 * never a half-written file (a temporary file in the same folder, then an atomic rename).
 * It does not lock, fsync directories, or stream large outputs.
 */
package dev.scratchllm.io;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Atomic whole-file writes (the design's rule for every file the library writes). */
public final class AtomicFiles {
    private AtomicFiles() {
    }

    /**
     * Writes {@code bytes} to {@code file} through a temporary sibling and a rename; creates missing parent
     * folders.
     *
     * @param file the file to write or replace
     * @param bytes the content
     * @throws IOException if the file cannot be written
     */
    public static void write(Path file, byte[] bytes) throws IOException {
        Path abs = file.toAbsolutePath();
        Path dir = abs.getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, abs.getFileName().toString(), ".tmp");
        try {
            Files.write(tmp, bytes);
            Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            readableByAll(abs);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * {@link #write(Path, byte[])} of UTF-8 text.
     *
     * @param file the file to write or replace
     * @param text the content
     * @throws IOException if the file cannot be written
     */
    public static void writeString(Path file, String text) throws IOException {
        write(file, text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Gives a finished file the usual {@code rw-r--r--} (a folder {@code rwxr-xr-x}) where POSIX
     * permissions exist: temporary files, which finished files are renamed from, are created
     * owner-only ({@code 0600}).
     *
     * @param p the finished file or folder
     */
    public static void readableByAll(Path p) {
        try {
            Files.setPosixFilePermissions(p, java.nio.file.attribute.PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--"));
        } catch (UnsupportedOperationException | IOException ignored) {
            // not a POSIX file system: keep its defaults
        }
    }
}
