/*
 * PartFiles: the temporary ".part" files that downloads and extractions write before renaming a
 * verified file into place. A killed process leaves its ".part" behind; the next download of the
 * same file removes it, under a lock so that it never removes the ".part" of a download that is
 * still running in another process. It does not resume partial downloads.
 */
package dev.scratchllm.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/** Stale ".part" files of interrupted downloads, and the lock that makes removing them safe. */
public final class PartFiles {
    /** The lock file of a folder that downloads write into. */
    public static final String LOCK_FILE = ".scratchllm-download.lock";

    private static final Object JVM_LOCK = new Object();

    /**
     * Work done while holding the lock of one target file.
     *
     * @param <T> the work's result type
     */
    @FunctionalInterface
    public interface Locked<T> {
        /**
         * Runs the work.
         *
         * @return its result
         * @throws IOException if the work fails
         */
        T run() throws IOException;
    }

    private PartFiles() {
    }

    /**
     * Runs {@code work} holding the exclusive download lock of {@code target}'s folder (the
     * hidden file {@value #LOCK_FILE} there), after removing the ".part" files that interrupted
     * writers of {@code target} left.
     *
     * @param target the file being downloaded or extracted
     * @param work the download
     * @param <T> the result type
     * @return what {@code work} returns
     * @throws IOException if the lock cannot be taken or {@code work} fails
     */
    public static <T> T locked(Path target, Locked<T> work) throws IOException {
        Path abs = target.toAbsolutePath();
        Path dir = abs.getParent();
        Files.createDirectories(dir);
        synchronized (JVM_LOCK) {
            try (FileChannel ch = FileChannel.open(dir.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock ignored = lock(ch)) {
                removeStale(dir, abs.getFileName().toString());
                return work.run();
            }
        }
    }

    private static FileLock lock(FileChannel ch) throws IOException {
        try {
            return ch.lock();
        } catch (OverlappingFileLockException e) {
            throw new IOException("PartFiles: the lock is already held in this process", e);
        }
    }

    /**
     * Removes the regular files {@code <name>…​.part} in {@code dir} (what
     * {@code Files.createTempFile(dir, name, ".part")} creates); never follows a link. Call it
     * only while holding the target's lock.
     *
     * @param dir the folder
     * @param name the target file's name
     * @return the files removed
     * @throws IOException if the folder cannot be listed or a file cannot be removed
     */
    public static List<Path> removeStale(Path dir, String name) throws IOException {
        List<Path> removed = new ArrayList<>();
        if (!Files.isDirectory(dir)) return removed;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                String n = p.getFileName().toString();
                if (n.startsWith(name) && n.endsWith(".part") && n.length() > name.length() + 5
                        && n.substring(name.length(), n.length() - 5).chars().allMatch(Character::isDigit)
                        && Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    Files.delete(p);
                    removed.add(p);
                }
            }
        }
        return removed;
    }
}
