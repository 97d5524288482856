// The error DataFiles raises when a book data file is nowhere to be found.
// It does: carry the relative name looked for, and a message naming every location tried.
// It does not: try to fetch the file (when a download failed, that failure is its cause).
package dev.scratchllm.data;

/** Thrown when a data file such as {@code the-verdict.txt} cannot be found; the message says where it was looked for. */
public final class MissingDataFileException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The relative name that was looked for. */
    private final String name;

    /**
     * Creates the exception.
     * @param name   the relative name looked for (e.g. {@code "gpt2/encoder.json"})
     * @param detail what went wrong and where it looked
     */
    public MissingDataFileException(String name, String detail) {
        super("data file \"" + name + "\": " + detail);
        this.name = name;
    }

    /**
     * Creates the exception for a file that could not be downloaded either.
     * @param name   the relative name looked for
     * @param detail what went wrong, where it looked and what to do
     * @param cause  the download's failure
     */
    public MissingDataFileException(String name, String detail, Throwable cause) {
        super("data file \"" + name + "\": " + detail, cause);
        this.name = name;
    }

    /**
     * The relative name that was looked for.
     *
     * @return the relative name
     */
    public String name() {
        return name;
    }
}
