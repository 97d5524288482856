package dev.scratchllm.data;

import dev.scratchllm.io.Download;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * The book's data files with their canonical download addresses and SHA-256 checksums, and the
 * last step of the resolution order: a file that {@link DataFiles} cannot find (explicit path,
 * {@code SCRATCHLLM_DATA}, the per-user cache, {@code data/}) is downloaded into the per-user
 * cache ({@link DataCache#dir()}), verified, moved into place atomically, and used from there.
 * When that fails (offline), a {@link MissingDataFileException} names the file, the real cause,
 * where it was looked for, and what to do: get online, save the file by hand where the cache
 * expects it, or set {@code SCRATCHLLM_DATA}.
 */
public final class BookData {
    /**
     * A known file: where the book gets it and what its bytes must hash to.
     *
     * @param url where the file is downloaded from
     * @param sha256 the expected SHA-256 of its bytes, in lower-case hex
     * @param maxBytes the largest download accepted
     */
    public record Source(String url, String sha256, long maxBytes) {
    }

    private static final String BOOK = "https://raw.githubusercontent.com/rasbt/LLMs-from-scratch/main/";
    private static final String GPT2 = "https://openaipublic.blob.core.windows.net/gpt-2/models/124M/";

    /** The files the library can fetch by itself. */
    public static final Map<String, Source> SOURCES = Map.of(
            "the-verdict.txt", new Source(BOOK + "ch02/01_main-chapter-code/the-verdict.txt",
                    "b41e41a68f0398a3154ae69e2e4c0e2694e17fe0d66730536837f1b01935b31f", 1 << 20),
            "instruction-data.json", new Source(BOOK + "ch07/01_main-chapter-code/instruction-data.json",
                    "7e09a9af353722ca15c18bc580f093f9c39d3178335a75177319cb1e1d163944", 4 << 20),
            "instruction-data-with-preference.json", new Source(BOOK + "ch07/04_preference-tuning-with-dpo/instruction-data-with-preference.json",
                    "305315abf14f65fa42c01a0877572f832606571c2a7d49f152ac1d758b16756e", 8 << 20),
            "gpt2/encoder.json", new Source(GPT2 + "encoder.json",
                    "196139668be63f3b5d6574427317ae82f612a97c5d1cdaf36ed2256dbf636783", 8 << 20),
            "gpt2/vocab.bpe", new Source(GPT2 + "vocab.bpe",
                    "1ce1664773c50f3e0cc8842619a93edc4624525b728b188a9e0be33b7726adc5", 8 << 20));

    /** System property that turns downloads off ({@code -Dscratchllm.offline=true}). */
    public static final String OFFLINE_PROPERTY = "scratchllm.offline";

    /** The class-path resource with the project's own small corpus (original prose, see data/README.md). */
    public static final String FALLBACK_CORPUS = "/dev/scratchllm/data/fallback-corpus.txt";

    private BookData() {
    }

    /**
     * The user-facing text for a failed download: the real cause, and the three ways out.
     *
     * @param url where the file comes from
     * @param target where the download should have landed
     * @param failure what the download threw
     * @return one paragraph for an error message
     */
    public static String downloadFailed(String url, Path target, Throwable failure) {
        Throwable cause = failure.getCause() != null && failure.getMessage() != null && failure.getMessage().startsWith("could not download")
                ? failure.getCause() : failure;   // Download.fetch's wrapper repeats the addresses we print anyway
        return "it is not on this computer and downloading it from " + url + " failed: " + Download.reason(cause)
                + ". To fix: connect to the internet and run this again; or download " + url + " in a browser and save it as "
                + target.toAbsolutePath().normalize() + "; or set " + DataFiles.ENV_VAR + " to a folder that holds the book's data files";
    }

    /**
     * The project's own short story, shipped in the jar: what {@code pretrain} trains on when
     * {@code the-verdict.txt} can be neither found nor downloaded.
     *
     * @return the text of the fallback corpus
     */
    public static String fallbackCorpus() {
        try (var in = BookData.class.getResourceAsStream(FALLBACK_CORPUS)) {
            if (in == null) throw new IllegalStateException("BookData: the resource " + FALLBACK_CORPUS + " is missing from the class path");
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("BookData: cannot read " + FALLBACK_CORPUS, e);
        }
    }

    /**
     * The file's path: found locally, or downloaded into the per-user cache when it is a known file.
     *
     * @param name the file's relative name, e.g. {@code "the-verdict.txt"}
     * @return the path of the file on disk
     * @throws MissingDataFileException if the file is not on disk and is unknown, downloads are
     *     off, or the download fails (the failure is the cause)
     */
    public static Path path(String name) {
        DataFiles files = DataFiles.fromEnvironment();
        return path(files, files.downloadDir(), name);
    }

    /**
     * {@link #path(String)} over the given locations, downloading into {@code cacheDir}.
     *
     * @param files where to look first
     * @param cacheDir the folder a known file is downloaded into
     * @param name the file's relative name
     * @return the path of the file on disk
     * @throws MissingDataFileException if the file is not on disk and is unknown, downloads are
     *     off, or the download fails (the failure is the cause)
     */
    public static Path path(DataFiles files, Path cacheDir, String name) {
        return path(files, cacheDir, name, SOURCES);
    }

    /** {@link #path(DataFiles, Path, String)} with the table of known files given (tests serve them on loopback). */
    static Path path(DataFiles files, Path cacheDir, String name, Map<String, Source> sources) {
        Optional<Path> local = files.locate(name);
        if (local.isPresent()) return local.get();
        Source src = sources.get(name);
        if (src == null) return files.path(name); // throws, naming every place looked
        if (Boolean.getBoolean(OFFLINE_PROPERTY))
            throw new MissingDataFileException(name, "not found (" + files.searchDescription(name) + ") and downloads are off (-D" + OFFLINE_PROPERTY + "=true)");
        Path target = cacheDir.resolve(name);
        try {
            return Download.fetch(URI.create(src.url()), target, src.sha256(), src.maxBytes());
        } catch (IOException | RuntimeException e) {
            throw new MissingDataFileException(name, downloadFailed(src.url(), target, e) + " [" + files.searchDescription(name) + "]", e);
        }
    }
}
