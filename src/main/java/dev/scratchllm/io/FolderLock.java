/*
 * FolderLock: claims an output folder for one run, so that two runs writing the same folder
 * cannot both report success while one result is lost. The claim is an operating-system lock on
 * the file ".scratchllm.lock" inside the folder (released by the OS when the process ends, even
 * by kill -9), and the file says who holds it: process id, command and start time. It does not
 * stop programs that ignore the lock, and it is advisory where the OS makes it so.
 */
package dev.scratchllm.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** An exclusive claim on an output folder for the length of a run. */
public final class FolderLock implements AutoCloseable {
    /** The lock file's name inside the folder. */
    public static final String FILE = ".scratchllm.lock";

    private final FileChannel channel;
    private final FileLock lock;

    private FolderLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Creates {@code folder} if needed and claims it for this process.
     *
     * @param folder the output folder
     * @param command what the run is, written into the lock file for whoever finds it taken
     * @return the claim; close it when the run ends
     * @throws IOException if {@code folder} is a file, or another run holds it (the message says which run)
     */
    public static FolderLock acquire(Path folder, String command) throws IOException {
        try {
            Files.createDirectories(folder);
        } catch (FileAlreadyExistsException e) {
            throw new IOException(folder + " is a file, not a folder: choose another output folder (--out)");
        }
        Path file = folder.resolve(FILE);
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = ch.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
        if (lock == null) {
            String holder;
            try {
                holder = Files.readString(file, StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                holder = "";
            } finally {
                ch.close();
            }
            throw new IOException(folder + " is in use by another run" + (holder.isEmpty() ? "" : " (" + holder + ")")
                    + ": wait for it to finish, or choose another output folder (--out)");
        }
        String who = "pid " + ProcessHandle.current().pid() + ", " + command + ", started " + Instant.now().truncatedTo(ChronoUnit.SECONDS);
        ch.truncate(0);
        ch.write(ByteBuffer.wrap((who + "\n").getBytes(StandardCharsets.UTF_8)), 0);
        return new FolderLock(ch, lock);
    }

    /** Releases the claim. */
    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } finally {
            channel.close();
        }
    }
}
