// Finds the book's data files (the-verdict.txt, gpt2/encoder.json, ...) on disk.
// It does: resolve a relative name against, in order, an explicit path, the directory named by
// the SCRATCHLLM_DATA environment variable, the per-user download cache (DataCache), and the
// data/ folder of the working directory; say where it looked and what to do when a file is nowhere.
// It does not: download anything or verify checksums (BookData, SpamData and GPT2Download do,
// into the cache), or read the files' contents beyond readString.
package dev.scratchllm.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Resolves the book's data files by a relative name such as {@code "the-verdict.txt"} or
 * {@code "gpt2/encoder.json"}.
 *
 * <p>The search order: an explicit path when the caller gives one; then the directory named by
 * the environment variable {@value #ENV_VAR} (a relative value is taken relative to the working
 * directory); then the per-user download cache ({@link DataCache#dir()}, where every download
 * lands); then the {@code data/} folder of the working directory. {@link #find(String)} returns what it found; {@link #resolve(String)} fails
 * with a {@link MissingDataFileException} that names the file and every place it looked.
 *
 * <pre>{@code
 * String text = DataFiles.readString("the-verdict.txt");
 * Path encoder = DataFiles.resolve("gpt2/encoder.json");
 * }</pre>
 *
 * <p>Instances are immutable; the static methods use {@link #fromEnvironment()}.
 */
public final class DataFiles {
    /** The environment variable naming the directory that holds the book's data. */
    public static final String ENV_VAR = "SCRATCHLLM_DATA";

    /** The project's own data folder, relative to the working directory. */
    public static final Path PROJECT_DATA_DIR = Path.of("data");

    private final String envValue;   // raw value of SCRATCHLLM_DATA, or null when unset
    private final Path envDir;       // parsed directory, or null when unset/blank/unparsable
    private final Path cacheDir;     // the download cache, or null for none
    private final Path projectDir;

    /**
     * Creates a resolver over explicit locations without a download cache (useful in tests).
     *
     * @param envValue   the value SCRATCHLLM_DATA would have, or {@code null} for "unset"
     * @param projectDir the project data folder to try after it
     */
    public DataFiles(String envValue, Path projectDir) {
        this(envValue, null, projectDir);
    }

    /**
     * Creates a resolver over explicit locations.
     *
     * @param envValue   the value SCRATCHLLM_DATA would have, or {@code null} for "unset"
     * @param cacheDir   the download cache to try after it, or {@code null} for none
     * @param projectDir the project data folder to try last
     */
    public DataFiles(String envValue, Path cacheDir, Path projectDir) {
        if (projectDir == null) throw new IllegalArgumentException("DataFiles: projectDir is null");
        this.envValue = envValue;
        this.envDir = parseDir(envValue);
        this.cacheDir = cacheDir;
        this.projectDir = projectDir;
    }

    /**
     * The resolver for this process: SCRATCHLLM_DATA from the environment, then the per-user
     * cache ({@link DataCache#dir()}), then {@code data/}.
     *
     * @return a new resolver reading SCRATCHLLM_DATA and the cache settings now
     */
    public static DataFiles fromEnvironment() {
        return new DataFiles(System.getenv(ENV_VAR), DataCache.dir(), PROJECT_DATA_DIR);
    }

    /**
     * Where downloads go: the cache, or the project folder for a resolver without one.
     *
     * @return the download folder (it may not exist yet)
     */
    public Path downloadDir() {
        return cacheDir != null ? cacheDir : projectDir;
    }

    private static Path parseDir(String value) {
        if (value == null || value.isBlank()) return null;
        try {
            return Path.of(value);
        } catch (InvalidPathException e) {
            return null;
        }
    }

    // ------------------------------------------------------------------ static conveniences

    /**
     * {@link #locate(String)} on the process-wide resolver.
     *
     * @param name the file's relative name, e.g. {@code "the-verdict.txt"}
     * @return the file, or empty when it is nowhere
     */
    public static Optional<Path> find(String name) {
        return fromEnvironment().locate(name);
    }

    /**
     * {@link #path(String)} on the process-wide resolver.
     *
     * @param name the file's relative name
     * @return the file's path
     */
    public static Path resolve(String name) {
        return fromEnvironment().path(name);
    }

    /**
     * {@link #path(Path, String)} on the process-wide resolver.
     *
     * @param explicit a path given by the user, or null to search
     * @param name the file's relative name, used for the search and in errors
     * @return the file's path
     */
    public static Path resolve(Path explicit, String name) {
        return fromEnvironment().path(explicit, name);
    }

    /**
     * Reads a data file found by {@link #resolve(String)} as UTF-8 text, byte for byte.
     *
     * @param name the file's relative name
     * @return the file's text
     * @throws MissingDataFileException if the file is nowhere
     * @throws java.io.UncheckedIOException if it cannot be read
     */
    public static String readString(String name) {
        Path p = resolve(name);
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("DataFiles.readString: cannot read " + p + " (for \"" + name + "\")", e);
        }
    }

    /**
     * A one-line description of where {@code name} is looked for, for skip and error messages.
     *
     * @param name the file's relative name
     * @return the description
     */
    public static String describeSearch(String name) {
        return fromEnvironment().searchDescription(name);
    }

    // ------------------------------------------------------------------ instance API

    /**
     * Finds {@code name} in SCRATCHLLM_DATA, then in the project's data folder.
     *
     * @param name the file's relative name, with {@code /} between folders
     * @return the first existing regular file, or empty when none of the locations has it
     * @throws IllegalArgumentException if {@code name} is blank, absolute or climbs out with {@code ..}
     */
    public Optional<Path> locate(String name) {
        Path rel = checkName(name);
        for (Path dir : directories()) {
            Path candidate = dir.resolve(rel);
            if (Files.isRegularFile(candidate)) return Optional.of(candidate);
        }
        return Optional.empty();
    }

    /**
     * Like {@link #locate(String)}, but fails when the file is nowhere.
     *
     * @param name the file's relative name
     * @return the first existing regular file
     * @throws MissingDataFileException naming the file and every location tried
     */
    public Path path(String name) {
        return locate(name).orElseThrow(() -> new MissingDataFileException(name, "not found; " + searchDescription(name)));
    }

    /**
     * Uses {@code explicit} when it is not {@code null} (it must then exist), else {@link #path(String)}.
     *
     * @param explicit a path given by the user, or null to search
     * @param name the file's relative name, used for the search and in errors
     * @return {@code explicit}, or the file found
     * @throws MissingDataFileException if the explicit path is not a regular file, or the search fails
     */
    public Path path(Path explicit, String name) {
        if (explicit == null) return path(name);
        if (!Files.isRegularFile(explicit)) {
            throw new MissingDataFileException(name, "the explicit path " + explicit.toAbsolutePath() + " is not a readable file");
        }
        return explicit;
    }

    /**
     * The directories searched, in order (SCRATCHLLM_DATA first when set, then the cache).
     *
     * @return an unmodifiable list of the directories
     */
    public List<Path> directories() {
        List<Path> dirs = new ArrayList<>(3);
        if (envDir != null) dirs.add(envDir);
        if (cacheDir != null && !cacheDir.equals(envDir)) dirs.add(cacheDir);
        dirs.add(projectDir);
        return List.copyOf(dirs);
    }

    /**
     * Describes the search for {@code name}: each location, whether SCRATCHLLM_DATA is set, and
     * what the user can do (set SCRATCHLLM_DATA, or save the file in the download folder).
     *
     * @param name the file's relative name
     * @return the description
     */
    public String searchDescription(String name) {
        Path rel = checkName(name);
        StringBuilder sb = new StringBuilder("looked for \"").append(name).append("\" in ");
        if (envValue == null || envValue.isBlank()) {
            sb.append(ENV_VAR).append(" (unset)");
        } else if (envDir == null) {
            sb.append(ENV_VAR).append("=").append(envValue).append(" (not a valid path)");
        } else {
            sb.append(ENV_VAR).append("=").append(envValue).append(" -> ")
              .append(envDir.resolve(rel).toAbsolutePath().normalize())
              .append(Files.isDirectory(envDir) ? " (missing)" : " (directory does not exist)");
        }
        if (cacheDir != null && !cacheDir.equals(envDir))
            sb.append(", then ").append(cacheDir.resolve(rel).toAbsolutePath().normalize()).append(" (missing; the download cache, set by ")
              .append(DataCache.ENV_VAR).append(")");
        sb.append(", then ").append(projectDir.resolve(rel).toAbsolutePath().normalize()).append(" (missing)");
        sb.append(". To fix: set ").append(ENV_VAR).append(" to a folder that holds the book's data files, or save the file as ")
          .append(downloadDir().resolve(rel).toAbsolutePath().normalize());
        return sb.toString();
    }

    private static Path checkName(String name) {
        if (name == null || name.isBlank()) throw new IllegalArgumentException("DataFiles: the file name is empty");
        Path rel;
        try {
            rel = Path.of(name);
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException("DataFiles: \"" + name + "\" is not a valid relative path", e);
        }
        if (rel.isAbsolute()) {
            throw new IllegalArgumentException("DataFiles: \"" + name + "\" must be relative (pass an absolute path as the explicit path instead)");
        }
        for (Path part : rel) {
            if (part.toString().equals("..")) {
                throw new IllegalArgumentException("DataFiles: \"" + name + "\" must not contain '..'");
            }
        }
        return rel;
    }
}
