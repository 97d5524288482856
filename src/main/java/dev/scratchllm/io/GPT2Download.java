// Where OpenAI's GPT-2 weights come from: Hugging Face's model.safetensors for the four sizes,
// their URLs, the SHA-256 a download is checked against, and the local cache.
// It does: find an existing copy (SCRATCHLLM_DATA, the per-user cache, the data/ folder), or
// download into the cache with Download.fetch (checksum-verified, atomic, size-bounded).
// It does not: parse the weights (GPT2Weights does), download without a SHA-256, or talk to
// Hugging Face's API (the file's URL is fixed; nothing else is fetched).
package dev.scratchllm.io;

import dev.scratchllm.data.DataFiles;
import dev.scratchllm.gpt.GPTModel;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Downloads GPT-2's pretrained weights as Hugging Face's {@code model.safetensors} (the book's
 * bonus notebook {@code weight-loading-hf-safetensors.ipynb} reads the same files), for
 * {@code "gpt2"} (124M), {@code "gpt2-medium"} (355M), {@code "gpt2-large"} (774M) and
 * {@code "gpt2-xl"} (1558M), from
 * {@code https://huggingface.co/openai-community/<name>/resolve/main/model.safetensors}.
 *
 * <h2>Where the file is looked for</h2>
 *
 * In the design's order: an explicit path (the caller's, {@link #fetch(String, Path, String)});
 * {@code gpt2-weights/<name>/model.safetensors} under {@code SCRATCHLLM_DATA}, then under the
 * per-user cache and the {@code data/} folder ({@link DataFiles}); then the download cache's
 * {@code gpt2-weights/<name>/model.safetensors} ({@link dev.scratchllm.data.DataCache});
 * last, a download into that cache. A file found in the first places is used as it is (as for
 * every data file); the cache and a download are checked against the SHA-256.
 *
 * <h2>Checksums</h2>
 *
 * A download is only accepted with its SHA-256. Hugging Face publishes it as the Git LFS object id
 * ({@code oid sha256:...}) of {@code model.safetensors}, shown on the file's page
 * ({@code https://huggingface.co/openai-community/<name>/blob/main/model.safetensors}, "Git LFS
 * Details"), and it is the name of the file under {@code blobs/} in a Hugging Face cache.
 * Only {@code gpt2}'s is built in ({@link #knownSha256}); for the other sizes we could not confirm
 * the value from a published source, so {@link #fetch(String)} refuses and the caller passes it:
 * {@link #fetch(String, String)}.
 */
public final class GPT2Download {
    /** The model names, smallest first (Hugging Face's repository names under {@code openai-community}). */
    public static final List<String> MODEL_NAMES = List.of("gpt2", "gpt2-medium", "gpt2-large", "gpt2-xl");

    /** The relative folder under a data directory: {@code gpt2-weights/<name>/model.safetensors}. */
    public static final String DATA_SUBDIR = "gpt2-weights";

    /** The file name inside each model's folder. */
    public static final String FILE_NAME = "model.safetensors";

    /**
     * SHA-256 of {@code model.safetensors} per model, where established:
     * {@code gpt2}: 548,105,171 bytes, {@code 248dfc39...a707} — the LFS oid of
     * openai-community/gpt2's {@code model.safetensors} (revision
     * {@code 607a30d783dfa663caf39e06633721c8d4cfcd7e}, the one {@code main} points to), quoted
     * identically by several independent projects that pin and verify that file, and the blob
     * name in Hugging Face caches of {@code gpt2}.
     */
    private static final Map<String, String> SHA256 = Map.of(
            "gpt2", "248dfc3911869ec493c76e65bf2fcf7f615828b0254c12b473182f0f81d3a707");

    private GPT2Download() {
    }

    /**
     * The Hugging Face name of a model: {@code "gpt2"}, {@code "gpt2-medium"}, {@code "gpt2-large"}
     * or {@code "gpt2-xl"}. Also accepts the book's names: {@code "gpt2-small"}, and a size in
     * parentheses ({@code "gpt2-medium (355M)"}).
     *
     * @param modelName the model's name
     * @return the Hugging Face name
     * @throws IllegalArgumentException for another name
     */
    public static String canonicalName(String modelName) {
        String name = modelName == null ? "" : modelName.strip().toLowerCase(Locale.ROOT);
        int paren = name.indexOf(" (");
        if (paren > 0) name = name.substring(0, paren);
        if (name.equals("gpt2-small")) name = "gpt2";
        if (!MODEL_NAMES.contains(name))
            throw new IllegalArgumentException("unknown GPT-2 model \"" + modelName + "\" (expected one of " + MODEL_NAMES
                    + ", or the book's gpt2-small)");
        return name;
    }

    /**
     * The download URL of {@code modelName}'s {@code model.safetensors}.
     *
     * @param modelName the model's name, as {@link #canonicalName} accepts it
     * @return the URL
     */
    public static URI uri(String modelName) {
        return URI.create("https://huggingface.co/openai-community/" + canonicalName(modelName) + "/resolve/main/" + FILE_NAME);
    }

    /**
     * The built-in SHA-256 of {@code modelName}'s file, if established (only {@code gpt2}'s; see the class
     * comment).
     *
     * @param modelName the model's name, as {@link #canonicalName} accepts it
     * @return the lower-case hex SHA-256, or empty when none is built in
     */
    public static Optional<String> knownSha256(String modelName) {
        return Optional.ofNullable(SHA256.get(canonicalName(modelName)));
    }

    /**
     * The largest download accepted: the float32 size of the model's tensors as stored by
     * Hugging Face (parameters with a tied head, an untied head, the attention-mask buffers)
     * plus 16 MiB for the header. Larger means something else is being sent.
     *
     * @param modelName the model's name, as {@link #canonicalName} accepts it
     * @return the limit in bytes
     */
    public static long maxBytes(String modelName) {
        var cfg = GPT2Weights.config(modelName);
        long floats = GPTModel.parameterCountWithWeightTying(cfg) + (long) cfg.vocabSize() * cfg.embDim()
                + (long) cfg.nLayers() * cfg.contextLength() * cfg.contextLength();
        return 4 * floats + (16L << 20);
    }

    /**
     * The relative name looked up in the data folders: {@code gpt2-weights/<name>/model.safetensors}.
     *
     * @param modelName the model's name, as {@link #canonicalName} accepts it
     * @return the relative name
     */
    public static String relativeName(String modelName) {
        return DATA_SUBDIR + "/" + canonicalName(modelName) + "/" + FILE_NAME;
    }

    /**
     * The download cache for {@code modelName}: {@code gpt2-weights/<name>/model.safetensors} in the
     * per-user cache ({@link dev.scratchllm.data.DataCache#dir()}).
     *
     * @param modelName the model's name, as {@link #canonicalName} accepts it
     * @return the cache path (the file may not exist)
     */
    public static Path cacheFile(String modelName) {
        return dev.scratchllm.data.DataCache.dir().resolve(relativeName(modelName));
    }

    /**
     * An existing copy of the file: under {@code SCRATCHLLM_DATA} or {@code data/} (unchecked),
     * or in the cache (not checked here either; {@link #fetch} checks it).
     *
     * @param modelName the model's name, as {@link #canonicalName} accepts it
     * @return the path of a copy, or empty when there is none
     */
    public static Optional<Path> locate(String modelName) {
        Optional<Path> found = DataFiles.find(relativeName(modelName));
        if (found.isPresent()) return found;
        Path cached = cacheFile(modelName);
        return java.nio.file.Files.isRegularFile(cached) ? Optional.of(cached) : Optional.empty();
    }

    /**
     * The path of {@code modelName}'s {@code model.safetensors}, downloading it with the built-in
     * SHA-256 if no copy is found (see the class comment for the order). For a size without a
     * built-in SHA-256, a file in the cache is used unchecked (it can only have been put there by
     * hand or by {@link #fetch(String, String)}).
     *
     * @param modelName the model's name, as {@link #canonicalName} accepts it
     * @return the path of the file on disk
     * @throws IllegalArgumentException when no copy is found and no SHA-256 is built in for this
     *     size: the message says how to get it and to call {@link #fetch(String, String)}
     * @throws IOException when the download fails or its checksum differs
     */
    public static Path fetch(String modelName) throws IOException {
        String name = canonicalName(modelName);
        Optional<Path> found = DataFiles.find(relativeName(name));
        if (found.isPresent()) return found.get();
        String sha = SHA256.get(name);
        if (sha == null && java.nio.file.Files.isRegularFile(cacheFile(name))) return cacheFile(name);   // put there by hand
        if (sha == null)
            throw new IllegalArgumentException("no SHA-256 is built in for " + name + "'s " + FILE_NAME + ", and no copy was found ("
                    + DataFiles.describeSearch(relativeName(name)) + "). Look it up as \"SHA256\" under \"Git LFS Details\" on "
                    + "https://huggingface.co/openai-community/" + name + "/blob/main/" + FILE_NAME
                    + " (or run sha256sum on a copy you trust) and call GPT2Download.fetch(\"" + name + "\", sha256),"
                    + " or put the file at " + cacheFile(name).toAbsolutePath());
        return Download.fetch(uri(name), cacheFile(name), sha, maxBytes(name));
    }

    /**
     * Like {@link #fetch(String)}, with the SHA-256 from the caller (required for the sizes
     * without a built-in one; for {@code gpt2} it must equal the built-in value).
     *
     * @param modelName the model's name, as {@link #canonicalName} accepts it
     * @param sha256 the file's expected SHA-256 as 64 hex digits
     * @return the path of the file on disk
     * @throws IllegalArgumentException if {@code sha256} is not 64 hex digits or contradicts the built-in one
     * @throws IOException when the download fails or its checksum differs
     */
    public static Path fetch(String modelName, String sha256) throws IOException {
        String name = canonicalName(modelName);
        String sha = checkSha(name, sha256);
        Optional<Path> found = DataFiles.find(relativeName(name));
        if (found.isPresent()) return found.get();
        return Download.fetch(uri(name), cacheFile(name), sha, maxBytes(name));
    }

    /**
     * Downloads {@code modelName}'s file to {@code target} (unless it is already there with that
     * checksum) and returns {@code target}: the explicit-path form, which looks nowhere else.
     *
     * @param modelName the model's name, as {@link #canonicalName} accepts it
     * @param target where to put the file
     * @param sha256 the file's expected SHA-256 as 64 hex digits
     * @return {@code target}
     * @throws IOException when the download fails, or the file there or downloaded has another checksum
     */
    public static Path fetch(String modelName, Path target, String sha256) throws IOException {
        String name = canonicalName(modelName);
        return Download.fetch(uri(name), target, checkSha(name, sha256), maxBytes(name));
    }

    private static String checkSha(String name, String sha256) {
        if (sha256 == null || !sha256.matches("[0-9a-fA-F]{64}"))
            throw new IllegalArgumentException("GPT2Download: the SHA-256 for " + name + " must be 64 hex digits, got " + sha256);
        String sha = sha256.toLowerCase(Locale.ROOT);
        String known = SHA256.get(name);
        if (known != null && !known.equals(sha))
            throw new IllegalArgumentException("GPT2Download: the SHA-256 given for " + name + " (" + sha + ") differs from the published one (" + known + ")");
        return sha;
    }
}
