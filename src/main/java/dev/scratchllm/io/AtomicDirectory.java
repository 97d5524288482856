/*
 * AtomicDirectory: a folder whose whole content is replaced in one atomic step, so that its name
 * holds, at every instant, either the complete old content or the complete new one — even when
 * the process is killed half way. It does not make a save durable against power loss beyond
 * forcing the files it wrote, and it does not version or keep old contents.
 *
 * How: the name is a symbolic link to a sibling folder "<name>.data-<nonce>". A save writes a
 * fresh "<name>.tmp-<nonce>" folder, renames it to a ".data-" folder, points a new link
 * "<name>.link-<nonce>" at it and renames that link over the name (rename(2) replaces a link
 * atomically); only then is the previous ".data-" folder removed. Where the file system has no
 * symbolic links, the name is a plain folder, replaced by two renames; a kill between them is
 * repaired by recover() on the next run.
 *
 * Deleting never follows a link and never removes what this class did not write: only files
 * with one of the owner's names, then the folder if it is empty. A name that holds anything else
 * is refused before any work is done.
 */
package dev.scratchllm.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** A folder replaced atomically through a symbolic link (see the file header). */
public final class AtomicDirectory {
    private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;
    private static final SecureRandom NONCES = new SecureRandom();
    /** Serialises saves and recoveries inside this JVM (file locks are per process). */
    private static final Object JVM_LOCK = new Object();

    /** Test hook: called at each step of a save; a test throws from it to simulate a kill there. */
    interface StepHook {
        void at(String step) throws IOException;
    }

    static volatile StepHook hook = step -> { };

    /** Test switch: false takes the path of file systems without symbolic links. */
    static volatile boolean useLinks = true;

    /** Writes the fresh content of the folder. */
    @FunctionalInterface
    public interface Writer {
        /**
         * Fills {@code dir}, a new empty folder.
         *
         * @param dir the folder to fill
         * @throws IOException if writing fails
         */
        void write(Path dir) throws IOException;
    }

    private AtomicDirectory() {
    }

    /**
     * Replaces the content of {@code dir} by what {@code writer} writes, atomically. Leftovers of
     * earlier interrupted saves are cleaned up first (see {@link #recover}).
     *
     * @param dir the folder's name
     * @param owned the file names the writer may write (and the only ones ever deleted)
     * @param writer fills the fresh folder
     * @throws IOException if {@code dir} holds something that is not ours ({@link #checkReplaceable}), or writing
     *     fails; {@code dir} then still holds its old content
     */
    public static void replace(Path dir, Set<String> owned, Writer writer) throws IOException {
        Path target = dir.toAbsolutePath().normalize();
        Path parent = target.getParent();
        String name = target.getFileName().toString();
        Files.createDirectories(parent);
        synchronized (JVM_LOCK) {
            try (FileChannel ch = FileChannel.open(parent.resolve(name + ".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock ignored = ch.lock()) {
                recoverLocked(target, owned);
                checkReplaceable(target, owned);
                String nonce = nonce();
                Path tmp = parent.resolve(name + ".tmp-" + nonce);
                Path data = parent.resolve(name + ".data-" + nonce);
                Files.createDirectory(tmp);
                hook.at("tmp-created");
                try {
                    writer.write(tmp);
                    List<String> foreign = foreignEntries(tmp, owned);
                    if (!foreign.isEmpty())
                        throw new IllegalStateException("AtomicDirectory.replace: the writer wrote " + foreign + ", which are not among " + new TreeSet<>(owned));
                    forceFiles(tmp);
                    hook.at("written");
                    Files.move(tmp, data, StandardCopyOption.ATOMIC_MOVE);
                    hook.at("data-renamed");
                } catch (IOException | RuntimeException e) {
                    deleteOwned(tmp, owned);
                    deleteOwned(data, owned);
                    throw e;
                }
                publish(target, data, owned, nonce);
            }
        }
    }

    /** Puts {@code data} under {@code target}'s name. */
    private static void publish(Path target, Path data, Set<String> owned, String nonce) throws IOException {
        Path parent = target.getParent();
        String name = target.getFileName().toString();
        Path link = parent.resolve(name + ".link-" + nonce);
        try {
            if (!useLinks) throw new UnsupportedOperationException("symbolic links switched off");
            Files.createSymbolicLink(link, data.getFileName());
        } catch (UnsupportedOperationException | FileSystemException e) {
            publishByRenames(target, data, owned, nonce);
            return;
        }
        hook.at("link-created");
        Path previous = ownDataFolder(target);
        if (Files.isDirectory(target, NOFOLLOW)) {
            // A plain folder (an older layout, or made by hand and holding only our files): it
            // cannot be replaced by a link in one rename. A kill between these two renames is
            // repaired by recover(), which puts the ".old-" folder back.
            Path old = parent.resolve(name + ".old-" + nonce);
            Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
            hook.at("old-moved");
            Files.move(link, target, StandardCopyOption.ATOMIC_MOVE);
            hook.at("published");
            deleteOwned(old, owned);
        } else {
            Files.move(link, target, StandardCopyOption.ATOMIC_MOVE);
            hook.at("published");
        }
        if (previous != null) deleteOwned(previous, owned);
        hook.at("done");
    }

    /** The fallback where there are no symbolic links: two renames, repaired by recover() if killed between them. */
    private static void publishByRenames(Path target, Path data, Set<String> owned, String nonce) throws IOException {
        Path old = null;
        if (Files.exists(target, NOFOLLOW)) {
            old = target.getParent().resolve(target.getFileName() + ".old-" + nonce);
            Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
            hook.at("old-moved");
        }
        Files.move(data, target, StandardCopyOption.ATOMIC_MOVE);
        hook.at("published");
        if (old != null) deleteOwned(old, owned);
        hook.at("done");
    }

    /**
     * Cleans up after interrupted saves of {@code dir}: removes unfinished ".tmp-" folders, stray
     * ".link-" links and ".data-" folders the name does not point to, and puts a ".old-" folder
     * back under the name if the name is missing (a kill between the two renames of the
     * fallback or of the move away from a plain folder). Only files with the owner's names are
     * deleted, never through a link.
     *
     * @param dir the folder's name
     * @param owned the file names a save writes
     * @return one line per action taken, for the caller to report (empty if there was nothing to do)
     * @throws IOException if a leftover cannot be removed or restored
     */
    public static List<String> recover(Path dir, Set<String> owned) throws IOException {
        Path target = dir.toAbsolutePath().normalize();
        Path parent = target.getParent();
        if (parent == null || !Files.isDirectory(parent)) return List.of();
        String name = target.getFileName().toString();
        synchronized (JVM_LOCK) {
            try (FileChannel ch = FileChannel.open(parent.resolve(name + ".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock ignored = ch.lock()) {
                return recoverLocked(target, owned);
            }
        }
    }

    private static List<String> recoverLocked(Path target, Set<String> owned) throws IOException {
        Path parent = target.getParent();
        String name = target.getFileName().toString();
        List<String> done = new ArrayList<>();
        List<Path> olds = new ArrayList<>();
        List<Path> others = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(parent, glob(name) + ".{tmp,link,old,data}-*")) {
            for (Path p : ds) (p.getFileName().toString().startsWith(name + ".old-") ? olds : others).add(p);
        }
        if (!Files.exists(target, NOFOLLOW) && !olds.isEmpty()) {
            olds.sort(Comparator.comparing(AtomicDirectory::modified).reversed());
            Path back = olds.remove(0);
            Files.move(back, target, StandardCopyOption.ATOMIC_MOVE);
            done.add("restored " + target + " from " + back.getFileName() + " (a save had been interrupted)");
        }
        Path current = ownDataFolder(target);
        for (Path p : others) {
            if (current != null && p.getFileName().equals(current.getFileName())) continue;
            if (p.getFileName().toString().startsWith(name + ".link-")) {
                if (Files.isSymbolicLink(p)) {
                    Files.delete(p);
                    done.add("removed " + p.getFileName() + " (a link left by an interrupted save)");
                }
                continue;
            }
            long bytes = ownedBytes(p, owned);
            if (deleteOwned(p, owned)) done.add(String.format(java.util.Locale.ROOT, "removed %s (left by an interrupted save, %.1f MB)", p.getFileName(), bytes / 1e6));
            else done.add("kept " + p + ": it holds files a save does not write; remove it by hand");
        }
        for (Path p : olds) {
            long bytes = ownedBytes(p, owned);
            if (deleteOwned(p, owned)) done.add(String.format(java.util.Locale.ROOT, "removed %s (left by an interrupted save, %.1f MB)", p.getFileName(), bytes / 1e6));
            else done.add("kept " + p + ": it holds files a save does not write; remove it by hand");
        }
        return done;
    }

    /**
     * Checks that a save may replace {@code dir}: it is missing, a symbolic link (only the link
     * is replaced, never what it points to), or a folder that holds nothing but files with the
     * owner's names.
     *
     * @param dir the folder's name
     * @param owned the file names a save writes
     * @throws IOException naming the folder and what is in the way
     */
    public static void checkReplaceable(Path dir, Set<String> owned) throws IOException {
        Path target = dir.toAbsolutePath().normalize();
        if (!Files.exists(target, NOFOLLOW) || Files.isSymbolicLink(target)) return;
        if (!Files.isDirectory(target, NOFOLLOW))
            throw new IOException(target + " is a file, not a folder: move it away or choose another output folder");
        List<String> foreign = foreignEntries(target, owned);
        if (!foreign.isEmpty())
            throw new IOException(target + " holds " + foreign + ", which a save does not write; refusing to replace it "
                    + "(move those away or choose another output folder)");
    }

    /** The ".data-" sibling that {@code target} links to, or null if it is not such a link. */
    private static Path ownDataFolder(Path target) throws IOException {
        if (!Files.isSymbolicLink(target)) return null;
        Path to = Files.readSymbolicLink(target);
        if (to.getNameCount() != 1 || !to.toString().startsWith(target.getFileName() + ".data-")) return null;
        return target.getParent().resolve(to);
    }

    /**
     * Deletes the files with owned names inside {@code dir} and then {@code dir} if it is empty;
     * a link is removed itself, never followed.
     *
     * @return true if {@code dir} is gone
     */
    static boolean deleteOwned(Path dir, Set<String> owned) throws IOException {
        if (!Files.exists(dir, NOFOLLOW)) return true;
        if (!Files.isDirectory(dir, NOFOLLOW)) return false;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path c : ds)
                if (owned.contains(c.getFileName().toString()) && (Files.isRegularFile(c, NOFOLLOW) || Files.isSymbolicLink(c))) Files.delete(c);
        }
        try {
            Files.delete(dir);
            return true;
        } catch (DirectoryNotEmptyException e) {
            return false;
        }
    }

    private static List<String> foreignEntries(Path dir, Set<String> owned) throws IOException {
        List<String> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path c : ds) {
                String n = c.getFileName().toString();
                if (!owned.contains(n) || !Files.isRegularFile(c, NOFOLLOW)) out.add(n);
            }
        }
        out.sort(null);
        return out;
    }

    private static long ownedBytes(Path dir, Set<String> owned) throws IOException {
        if (!Files.isDirectory(dir, NOFOLLOW)) return 0;
        long sum = 0;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path c : ds) if (owned.contains(c.getFileName().toString()) && Files.isRegularFile(c, NOFOLLOW)) sum += Files.size(c);
        }
        return sum;
    }

    /** Forces every file written into {@code dir} to the device, so a renamed folder is never half on disk. */
    private static void forceFiles(Path dir) throws IOException {
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path c : ds) {
                try (FileChannel ch = FileChannel.open(c, StandardOpenOption.WRITE)) {
                    ch.force(true);
                }
            }
        }
    }

    private static FileTime modified(Path p) {
        try {
            return Files.getLastModifiedTime(p, NOFOLLOW);
        } catch (IOException e) {
            return FileTime.fromMillis(0);
        }
    }

    private static String glob(String name) {
        return name.replaceAll("([*?\\[\\]{}\\\\])", "\\\\$1");
    }

    private static String nonce() {
        byte[] b = new byte[6];
        NONCES.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
