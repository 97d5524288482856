// What an untouched exercise stub throws: a message that names the exercise, the file to edit and
// the guide section. It carries no stack trace, so a test report shows just that message.
// It does not decide anything about passing or failing (the tests and ExerciseReport do).
package dev.scratchllm.exercises;

/**
 * Thrown by the stubs in {@code exercises/src/main/java} until the learner writes the code, e.g.
 * <pre>
 * Listing 3.1 is not done yet (SelfAttentionV1.forward): write it in
 * exercises/src/main/java/dev/scratchllm/exercises/ch03/SelfAttentionV1.java, guide: docs/ch03.md#listing-3-1
 * </pre>
 */
public class ExerciseNotDoneException extends UnsupportedOperationException {
    private static final long serialVersionUID = 1L;

    /** Not serialised (enum constants are, but keep the exception plain). */
    private final transient Exercise exercise;

    public ExerciseNotDoneException(Exercise exercise) {
        super(message(exercise));
        this.exercise = exercise;
    }

    /** The exercise whose stub threw. */
    public Exercise exercise() {
        return exercise;
    }

    static String message(Exercise e) {
        return e.label() + " is not done yet (" + e.task() + "): write it in " + e.stubFile() + ", guide: " + e.guide();
    }

    /** No stack trace: the message says everything, and reports stay one line per exercise. */
    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }
}
