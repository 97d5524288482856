package dev.scratchllm.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;

/**
 * Fetches a file over HTTP(S) into a local cache, verified by SHA-256: an existing file with the
 * right checksum is used as is; otherwise the download streams into a temporary file next to the
 * target (hashing as it goes, refusing more than {@code maxBytes}), and only a file whose
 * checksum matches is renamed into place. Offline or on any failure the error says what was
 * fetched from where, and where to put the file by hand. Nothing partial is left behind, and the
 * ".part" file of a killed download is removed by the next one ({@link PartFiles}).
 */
public final class Download {
    private Download() {
    }

    /**
     * The SHA-256 of a file as lower-case hex.
     *
     * @param file the file
     * @return 64 lower-case hex digits
     * @throws IOException if the file cannot be read
     */
    public static String sha256(Path file) throws IOException {
        MessageDigest md = digest();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) md.update(buf, 0, n);
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available in this JVM", e);
        }
    }

    /**
     * Why a download failed, in words: each distinct message along the cause chain, with the
     * exception's simple name where it has no message (the JDK's HTTP client throws a
     * {@code ConnectException} without one when there is no network), so the reason is never
     * {@code null}.
     *
     * @param failure the exception thrown by the download
     * @return e.g. {@code "no connection to the server (ConnectException: Connection refused)"}
     */
    public static String reason(Throwable failure) {
        java.util.List<String> parts = new java.util.ArrayList<>();
        String hint = null;
        java.util.Set<Throwable> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        for (Throwable t = failure; t != null && seen.add(t); t = t.getCause()) {
            if (t instanceof java.net.UnknownHostException) hint = "the server's name does not resolve (no network, or no DNS?)";
            else if (t instanceof java.net.ConnectException && hint == null) hint = "no connection to the server (offline, or a firewall?)";
            else if (t instanceof java.net.http.HttpTimeoutException && hint == null) hint = "the server did not answer in time";
            String m = t.getMessage();
            String part = t.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : ": " + m);
            if (m != null && parts.stream().anyMatch(p -> p.contains(m))) continue;   // a wrapper repeating its cause
            parts.add(part);
        }
        String chain = String.join(", caused by ", parts);
        if (failure.getClass() == IOException.class && failure.getMessage() != null && failure.getCause() == null)
            chain = failure.getMessage();   // our own messages ("HTTP 404", "SHA-256 mismatch ...") read best alone
        return hint == null ? chain : hint + " (" + chain + ")";
    }

    /**
     * Returns {@code target}, downloading it from {@code uri} first unless it already exists with
     * checksum {@code sha256}.
     *
     * @param uri where to download from
     * @param target where to put the file; folders are created
     * @param sha256 the expected SHA-256 as 64 hex digits
     * @param maxBytes the largest download accepted
     * @return {@code target}
     * @throws IOException when the download fails, is larger than {@code maxBytes}, or its checksum differs
     * @throws IllegalArgumentException if {@code sha256} is not 64 hex digits
     */
    public static Path fetch(URI uri, Path target, String sha256, long maxBytes) throws IOException {
        return fetch(uri, target, sha256, maxBytes, limits(maxBytes));
    }

    /** The slowest average rate {@link #limits(long)} allows a download: 256 KiB/s. */
    public static final long MIN_BYTES_PER_SECOND = 256L << 10;

    /**
     * The default time limits of a download of up to {@code maxBytes}: 20 s to connect, 60 s
     * without a byte, and in all 10 minutes or the time {@code maxBytes} takes at
     * {@link #MIN_BYTES_PER_SECOND}, whichever is longer (gpt2's limit, 711 MB: 45 minutes).
     *
     * @param maxBytes the largest download accepted
     * @return the limits
     */
    public static NetLimits limits(long maxBytes) {
        long seconds = Math.max(600, maxBytes / MIN_BYTES_PER_SECOND);
        return new NetLimits(Duration.ofSeconds(20), Duration.ofSeconds(60), Duration.ofSeconds(seconds));
    }

    /**
     * {@link #fetch(URI, Path, String, long)} with explicit time limits: a server that stops
     * sending for {@code limits.stall()}, or has not sent the whole file after
     * {@code limits.total()}, fails the download with a message naming the limit.
     *
     * @param uri where to download from
     * @param target where to put the file; folders are created
     * @param sha256 the expected SHA-256 as 64 hex digits
     * @param maxBytes the largest download accepted
     * @param limits the time limits
     * @return {@code target}
     * @throws IOException when the download fails, times out, is larger than {@code maxBytes}, or its checksum differs
     * @throws IllegalArgumentException if {@code sha256} is not 64 hex digits
     */
    public static Path fetch(URI uri, Path target, String sha256, long maxBytes, NetLimits limits) throws IOException {
        return PartFiles.locked(target, () -> fetchLocked(uri, target, sha256, maxBytes, limits));
    }

    /** {@link #fetch(URI, Path, String, long, NetLimits)} while holding the target's lock (stale ".part" files already removed). */
    private static Path fetchLocked(URI uri, Path target, String sha256, long maxBytes, NetLimits limits) throws IOException {
        if (sha256 == null || !sha256.matches("[0-9a-fA-F]{64}"))
            throw new IllegalArgumentException("Download.fetch: a 64-hex-digit SHA-256 is required for " + uri + ", got " + sha256);
        String want = sha256.toLowerCase(java.util.Locale.ROOT);
        if (Files.isRegularFile(target)) {
            String have = sha256(target);
            if (have.equals(want)) return target;
            throw new IOException(target + ": exists but its SHA-256 is " + have + ", expected " + want + " (delete it to download again)");
        }
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, target.getFileName().toString(), ".part");
        try {
            HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).connectTimeout(limits.connect()).build();
            HttpResponse<InputStream> resp = DeadlineBody.send(client, HttpRequest.newBuilder(uri).GET(), limits, "response from " + uri.getHost());
            if (resp.statusCode() != 200) {
                resp.body().close();
                throw new IOException("HTTP " + resp.statusCode());
            }
            MessageDigest md = digest();
            long total = 0;
            try (InputStream in = resp.body(); OutputStream out = Files.newOutputStream(tmp)) {
                byte[] buf = new byte[1 << 16];
                for (int n; (n = in.read(buf)) > 0; ) {
                    total += n;
                    if (total > maxBytes) throw new IOException("larger than the limit of " + maxBytes + " bytes");
                    md.update(buf, 0, n);
                    out.write(buf, 0, n);
                }
            }
            String got = HexFormat.of().formatHex(md.digest());
            if (!got.equals(want)) throw new IOException("SHA-256 mismatch: got " + got + ", expected " + want);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            AtomicFiles.readableByAll(target); // the .part was created owner-only
            return target;
        } catch (IOException e) {
            throw new IOException("could not download " + uri + " to " + target + ": " + reason(e)
                    + " (offline? put the file there by hand, or point SCRATCHLLM_DATA at a folder that has it)", e);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
