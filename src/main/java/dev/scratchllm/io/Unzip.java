/*
 * Unzip: extracts a zip archive (such as the UCI "sms+spam+collection.zip" that chapter 6
 * downloads) into a folder, treating the archive as untrusted: an entry whose name would land
 * outside the folder ("zip slip": "../x", "/etc/x", "C:\x") is refused, and the number of
 * entries, each entry's size and the total size are bounded by what is actually read, not by
 * what the archive claims. Files are written through a temporary file and a rename.
 *
 * It does not create symbolic links, keep permissions or timestamps, or handle encrypted or
 * multi-volume archives.
 */
package dev.scratchllm.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/** Safe zip extraction: Python's {@code zipfile.ZipFile(path).extractall(folder)} with limits. */
public final class Unzip {
    /**
     * Limits for one extraction.
     *
     * @param maxEntries the most entries an archive may have
     * @param maxEntryBytes the largest size of one extracted entry, in bytes
     * @param maxTotalBytes the largest size of all extracted entries together, in bytes
     */
    public record Limits(int maxEntries, long maxEntryBytes, long maxTotalBytes) {
        /**
         * Checks that every limit is positive.
         *
         * @throws IllegalArgumentException if a limit is not positive
         */
        public Limits {
            if (maxEntries < 1 || maxEntryBytes < 1 || maxTotalBytes < 1)
                throw new IllegalArgumentException("Unzip.Limits: all limits must be positive");
        }
    }

    /** 1,000 entries, 256 MiB per entry, 1 GiB in all: ample for the book's archives. */
    public static final Limits DEFAULT_LIMITS = new Limits(1000, 256L << 20, 1L << 30);

    private Unzip() {
    }

    /**
     * {@link #extractAll(Path, Path, Limits)} with {@link #DEFAULT_LIMITS}.
     *
     * @param zipFile the archive
     * @param targetDir the folder to extract into
     * @return the files written, in archive order
     * @throws IOException if the archive is malformed, unsafe or over the limits
     */
    public static List<Path> extractAll(Path zipFile, Path targetDir) throws IOException {
        return extractAll(zipFile, targetDir, DEFAULT_LIMITS);
    }

    /**
     * Extracts every entry of {@code zipFile} below {@code targetDir} (created if missing);
     * returns the files written, in archive order.
     *
     * @param zipFile the archive
     * @param targetDir the folder to extract into
     * @param limits the limits to enforce
     * @return the files written, in archive order
     * @throws IOException if the archive is malformed, an entry's name escapes the folder or is
     *     not a valid relative path, or a limit is exceeded (nothing is left half-written; files
     *     extracted before the failure stay)
     */
    public static List<Path> extractAll(Path zipFile, Path targetDir, Limits limits) throws IOException {
        Path root = targetDir.toAbsolutePath().normalize();
        Files.createDirectories(root);
        List<Path> written = new ArrayList<>();
        long total = 0;
        int count = 0;
        try (ZipFile zf = new ZipFile(zipFile.toFile())) {
            Enumeration<? extends ZipEntry> entries = zf.entries();
            while (entries.hasMoreElements()) {
                ZipEntry e = entries.nextElement();
                if (++count > limits.maxEntries())
                    throw new IOException(zipFile + ": more than " + limits.maxEntries() + " entries");
                Path dest = safeDestination(root, e.getName(), zipFile);
                if (e.isDirectory()) {
                    Files.createDirectories(dest);
                    continue;
                }
                Files.createDirectories(dest.getParent());
                Path tmp = Files.createTempFile(dest.getParent(), dest.getFileName().toString(), ".part");
                try {
                    long n = 0;
                    try (InputStream in = zf.getInputStream(e); OutputStream out = Files.newOutputStream(tmp)) {
                        byte[] buf = new byte[1 << 16];
                        for (int r; (r = in.read(buf)) > 0; ) {
                            n += r;
                            if (n > limits.maxEntryBytes())
                                throw new IOException(zipFile + ": entry " + e.getName() + " is larger than the limit of " + limits.maxEntryBytes() + " bytes");
                            if (total + n > limits.maxTotalBytes())
                                throw new IOException(zipFile + ": the entries together are larger than the limit of " + limits.maxTotalBytes() + " bytes");
                            out.write(buf, 0, r);
                        }
                    }
                    total += n;
                    Files.move(tmp, dest, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                    AtomicFiles.readableByAll(dest); // the .part was created owner-only
                    written.add(dest);
                } finally {
                    Files.deleteIfExists(tmp);
                }
            }
        } catch (ZipException e) {
            throw new IOException(zipFile + ": not a valid zip archive (" + e.getMessage() + ")", e);
        }
        return written;
    }

    /** The path for entry {@code name} below {@code root}, or an error when it would land elsewhere. */
    static Path safeDestination(Path root, String name, Path zipFile) throws IOException {
        if (name.isEmpty() || name.indexOf('\0') >= 0 || name.indexOf('\\') >= 0 || name.startsWith("/")
                || (name.length() >= 2 && name.charAt(1) == ':'))
            throw new IOException(zipFile + ": refusing entry \"" + name + "\": not a plain relative path");
        Path dest;
        try {
            dest = root.resolve(name).normalize();
        } catch (InvalidPathException e) {
            throw new IOException(zipFile + ": refusing entry \"" + name + "\": " + e.getMessage(), e);
        }
        if (!dest.startsWith(root) || dest.equals(root))
            throw new IOException(zipFile + ": refusing entry \"" + name + "\": it would be written outside " + root + " (zip slip)");
        return dest;
    }
}
