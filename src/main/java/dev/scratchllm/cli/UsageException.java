/*
 * UsageException: a mistake on the command line (an unknown option, a missing or malformed value, a
 * value out of its range, options that contradict each other). The command line prints its one-line
 * message and exits with status 2; failed work (a file that cannot be read, a training failure)
 * exits with status 1 instead.
 *
 * It carries no cause: the message alone must say what was wrong and what would be valid.
 */
package dev.scratchllm.cli;

/** A command-line mistake the user can correct by changing the command (exit status 2). */
public final class UsageException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message one line naming the command, the option and what would be valid
     */
    public UsageException(String message) {
        super(message);
    }
}
