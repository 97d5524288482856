package dev.scratchllm.autograd;

/**
 * Whether operations record the graph on the current thread. {@link #noGrad()} opens a scope,
 * like {@code with torch.no_grad():}, that is closed by try-with-resources:
 * <pre>{@code try (var g = GradMode.noGrad()) { ... } }</pre>
 * Scopes nest and restore the previous state on close.
 */
public final class GradMode {
    private static final ThreadLocal<boolean[]> ENABLED = ThreadLocal.withInitial(() -> new boolean[] {true});

    private GradMode() {
    }

    /**
     * True when new operations record their backward rule on this thread.
     *
     * @return whether the graph is being recorded on this thread
     */
    public static boolean isEnabled() {
        return ENABLED.get()[0];
    }

    /**
     * A scope in which no graph is recorded; closing it restores the previous state.
     *
     * @return the scope to close (use it in try-with-resources)
     */
    public static Scope noGrad() {
        return set(false);
    }

    /**
     * A scope in which the graph is recorded (inside a no-grad scope, like {@code torch.enable_grad()}).
     *
     * @return the scope to close (use it in try-with-resources)
     */
    public static Scope enableGrad() {
        return set(true);
    }

    private static Scope set(boolean enabled) {
        boolean[] cell = ENABLED.get();
        boolean previous = cell[0];
        cell[0] = enabled;
        return new Scope(previous);
    }

    /** An open grad-mode scope; {@link #close()} restores the mode that was in force before it. */
    public static final class Scope implements AutoCloseable {
        private final boolean previous;
        private boolean closed;

        private Scope(boolean previous) {
            this.previous = previous;
        }

        @Override
        public void close() {
            if (closed) return;
            closed = true;
            ENABLED.get()[0] = previous;
        }
    }
}
