// The per-user folder that every download of the library lands in (book data, GPT-2 weights).
// It does: pick the folder the way the tools learners already know do (Hugging Face's HF_HOME,
// PyTorch's TORCH_HOME): an override, then $XDG_CACHE_HOME/scratchllm, then ~/.cache/scratchllm.
// It does not: create the folder (the download does), clean it up, or download anything.
package dev.scratchllm.data;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.function.UnaryOperator;

/**
 * Where the library keeps what it downloads, one folder per user, independent of the working
 * directory (a notebook in {@code docs/notebooks/} and a CLI run from the repository's root share
 * it). The first of these that is set wins:
 * <ol>
 *   <li>the system property {@value #PROPERTY} (tests; {@code System.setProperty} in a notebook);</li>
 *   <li>the environment variable {@value #ENV_VAR};</li>
 *   <li>{@code $XDG_CACHE_HOME/scratchllm} when {@code XDG_CACHE_HOME} is an absolute path (the
 *       XDG base-directory rule: a relative value is ignored);</li>
 *   <li>{@code ~/.cache/scratchllm}.</li>
 * </ol>
 * The folder holds the files under the same relative names {@link DataFiles} looks up
 * ({@code the-verdict.txt}, {@code gpt2/encoder.json}, {@code gpt2-weights/gpt2/model.safetensors}, …),
 * so a file put there by hand is found like a downloaded one.
 */
public final class DataCache {
    /** The environment variable that names the cache folder. */
    public static final String ENV_VAR = "SCRATCHLLM_CACHE";

    /** The system property that names the cache folder; it wins over {@value #ENV_VAR}. */
    public static final String PROPERTY = "scratchllm.cache";

    /** The sub-folder used below {@code $XDG_CACHE_HOME} or {@code ~/.cache}. */
    public static final String FOLDER = "scratchllm";

    private DataCache() {
    }

    /**
     * The cache folder of this process (it may not exist yet).
     *
     * @return the folder, from the system property, the environment or the user's home
     */
    public static Path dir() {
        return dir(System.getProperty(PROPERTY), System::getenv, System.getProperty("user.home"));
    }

    /**
     * The cache folder for the given settings (tests).
     *
     * @param property the value of {@value #PROPERTY}, or null
     * @param env      looks up an environment variable (null when unset)
     * @param userHome the user's home folder
     * @return the folder
     */
    public static Path dir(String property, UnaryOperator<String> env, String userHome) {
        Path p = parse(property);
        if (p != null) return p;
        p = parse(env.apply(ENV_VAR));
        if (p != null) return p;
        Path xdg = parse(env.apply("XDG_CACHE_HOME"));
        if (xdg != null && xdg.isAbsolute()) return xdg.resolve(FOLDER);
        if (userHome == null || userHome.isBlank())
            throw new IllegalStateException("DataCache: the user's home folder is unknown; set " + ENV_VAR + " to a folder for downloads");
        return Path.of(userHome, ".cache", FOLDER);
    }

    /**
     * Where to say the cache is in a message: the absolute folder and which setting chose it.
     *
     * @return the absolute folder, and how to move it
     */
    public static String describe() {
        return dir().toAbsolutePath().normalize() + " (the download cache; set " + ENV_VAR + " to move it)";
    }

    private static Path parse(String value) {
        if (value == null || value.isBlank()) return null;
        try {
            return Path.of(value);
        } catch (InvalidPathException e) {
            return null;
        }
    }
}
