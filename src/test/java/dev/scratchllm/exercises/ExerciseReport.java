// The summary of exercise mode: a JUnit extension that files every exercise test's outcome under
// the exercises it checks (@Checks) and, when the run ends, prints one line per exercise: done,
// to do (the stub still throws ExerciseNotDoneException), failing (with the first line of the
// assertion), or skipped (missing data). So that the build's own error list has one line per
// exercise too, only the first test that hits a given not-done stub fails; later ones are
// reported as skipped ("waits for ..."). It prints only in exercise mode (-Pexercises), where
// surefire sets scratchllm.exercises=learner; in the default build no stub throws, and it changes
// no result.
package dev.scratchllm.exercises;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.junit.jupiter.api.extension.TestWatcher;
import org.opentest4j.TestAbortedException;

import java.io.PrintStream;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Registered on every {@code *ExerciseTest} class with {@code @ExtendWith(ExerciseReport.class)}.
 * The summary is printed once, after the last test class, from a resource in the root
 * extension store (JUnit closes it when the whole run is over).
 */
public final class ExerciseReport implements BeforeAllCallback, TestWatcher, TestExecutionExceptionHandler {
    /** The system property that exercise mode sets (to {@code learner}). */
    public static final String MODE_PROPERTY = "scratchllm.exercises";

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(ExerciseReport.class);
    private static final Map<Exercise, Outcome> OUTCOMES = new EnumMap<>(Exercise.class);
    /** The not-done stubs that already failed a test in this run. */
    private static final EnumSet<Exercise> REPORTED = EnumSet.noneOf(Exercise.class);

    /** What the tests of one exercise did. */
    static final class Outcome {
        int passed, skipped;
        String testClass;
        String failure;       // the first failing check's name, if any
        String failureDetail; // and its message on one line
        Exercise waitingFor; // the first not-done stub that a test hit, if any
        String skipReason;
    }

    /** Whether this JVM runs in exercise mode (the learner's stubs) rather than against the reference. */
    public static boolean learnerMode() {
        return "learner".equals(System.getProperty(MODE_PROPERTY));
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        if (learnerMode()) context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent(Summary.class, k -> new Summary(), Summary.class);
    }

    /** The second and later tests that hit the same not-done stub are skipped instead of failed. */
    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable throwable) throws Throwable {
        Optional<ExerciseNotDoneException> notDone = notDone(throwable);
        if (notDone.isPresent()) {
            Exercise e = notDone.get().exercise();
            boolean first;
            synchronized (OUTCOMES) {
                first = REPORTED.add(e);
            }
            if (!first) throw new TestAbortedException("waits for " + e.label() + " (" + e.task() + "), reported by another test", notDone.get());
        }
        throw throwable;
    }

    @Override
    public void testSuccessful(ExtensionContext context) {
        record(context, o -> o.passed++);
    }

    @Override
    public void testAborted(ExtensionContext context, Throwable cause) {
        if (notDone(cause).isPresent()) {
            testFailed(context, cause); // skipped only to keep the error list short: still to do
            return;
        }
        record(context, o -> {
            o.skipped++;
            if (o.skipReason == null) o.skipReason = firstLine(cause.getMessage()).replaceFirst("^Assumption failed: ", "").replaceFirst("^skipped: ", "");
        });
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        Optional<ExerciseNotDoneException> notDone = notDone(cause);
        record(context, o -> {
            if (notDone.isPresent()) {
                if (o.waitingFor == null) o.waitingFor = notDone.get().exercise();
            } else if (o.failure == null) {
                o.failure = context.getDisplayName();
                o.failureDetail = cause instanceof AssertionError ? compact(cause.getMessage()) : cause.getClass().getName() + ": " + compact(cause.getMessage());
            }
        });
    }

    /** The {@link ExerciseNotDoneException} in {@code t}'s cause chain, if any. */
    static Optional<ExerciseNotDoneException> notDone(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof ExerciseNotDoneException e) return Optional.of(e);
            if (c.getCause() == c) break;
        }
        return Optional.empty();
    }

    private interface Update {
        void apply(Outcome o);
    }

    private static void record(ExtensionContext context, Update update) {
        Optional<Method> m = context.getTestMethod();
        if (m.isEmpty()) return;
        Checks checks = m.get().getAnnotation(Checks.class);
        if (checks == null) return;
        synchronized (OUTCOMES) {
            for (Exercise e : checks.value()) {
                Outcome o = OUTCOMES.computeIfAbsent(e, k -> new Outcome());
                if (o.testClass == null) o.testClass = context.getRequiredTestClass().getSimpleName();
                update.apply(o);
            }
        }
    }

    /** An assertion message on one line: whitespace collapsed, long "expected ... but was ..." shortened on both sides. */
    static String compact(String message) {
        if (message == null) return "(no message)";
        String m = message.strip().replaceAll("\\s+", " ");
        int butWas = m.indexOf(" but was: ");
        if (butWas > 0 && m.length() > 170) return clip(m.substring(0, butWas), 80) + " but was: " + clip(m.substring(butWas + 10), 80);
        return clip(m, 170);
    }

    private static String clip(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 3) + "...";
    }

    private static String firstLine(String s) {
        if (s == null) return "(no message)";
        for (String line : s.strip().split("\\R")) {
            if (!line.isBlank()) {
                String l = line.strip();
                return clip(l, 100);
            }
        }
        return "(no message)";
    }

    /** The {@code -Dtest} pattern that runs only {@code e}'s tests, e.g. {@code Ch03ExerciseTest#listing3_1*}. */
    static String testPattern(Exercise e, String testClass) {
        String[] p = e.name().split("_");
        return testClass + "#" + p[0].toLowerCase(Locale.ROOT) + p[1] + "_" + p[2] + "*";
    }

    /** Prints the summary when JUnit closes the root store, i.e. after the last test. */
    static final class Summary implements AutoCloseable {
        @Override
        public void close() {
            Map<Exercise, Outcome> copy;
            synchronized (OUTCOMES) {
                copy = new EnumMap<>(OUTCOMES);
            }
            print(copy, System.out);
        }
    }

    /** The summary table for {@code outcomes} (exercises that did not run are counted, not listed). */
    static void print(Map<Exercise, Outcome> outcomes, PrintStream out) {
        int done = 0, todo = 0, failing = 0, skipped = 0;
        int taskWidth = 0, stubWidth = 0;
        for (Exercise e : outcomes.keySet()) {
            taskWidth = Math.max(taskWidth, e.task().length());
            stubWidth = Math.max(stubWidth, e.stub().length());
        }
        List<String> lines = new ArrayList<>();
        Exercise next = null;
        String nextClass = null;
        for (var entry : outcomes.entrySet()) {
            Exercise e = entry.getKey();
            Outcome o = entry.getValue();
            String head = String.format(Locale.ROOT, "%-13s%-" + (taskWidth + 2) + "s", e.label(), e.task());
            String where = String.format(Locale.ROOT, "%-" + (stubWidth + 2) + "s%s", e.stub(), e.guide());
            if (o.failure != null) {
                failing++;
                lines.add("  FAILING  " + head + where);
                lines.add("           check: " + o.failure);
                lines.add("           " + o.failureDetail + "   (the whole message is in the test report above)");
            } else if (o.waitingFor != null) {
                todo++;
                lines.add("  to do    " + head + where + (o.waitingFor == e ? "" : "  (after " + o.waitingFor.label() + ")"));
            } else if (o.passed == 0) {
                skipped++;
                lines.add("  skipped  " + head + o.skipReason);
                continue;
            } else {
                done++;
                lines.add("  done     " + head.stripTrailing() + (o.skipped > 0 ? "  (" + o.skipped + " check(s) skipped: " + o.skipReason + ")" : ""));
                continue;
            }
            if (next == null) {
                next = e;
                nextClass = o.testClass;
            }
        }
        int notRun = Exercise.values().length - outcomes.size();
        String rule = "-".repeat(100);
        out.println();
        out.println(rule);
        out.printf(Locale.ROOT, "ScratchLLM exercises: %d done, %d to do, %d failing, %d skipped%s%n", done, todo, failing, skipped,
                notRun > 0 ? " (" + notRun + " not run)" : "");
        out.println("The stubs are in " + Exercise.STUB_ROOT + ", the guides in docs/ (docs/exercises.md lists them all).");
        out.println();
        for (String l : lines) out.println(l);
        out.println();
        if (next != null) {
            out.println("Next: " + next.label() + " (" + next.task() + ") in " + next.stubFile());
            out.println("      guide: " + next.guide());
            out.println("      check it alone: mvn test -Pexercises -Dtest='" + testPattern(next, nextClass) + "'");
        } else if (done > 0) {
            out.println("Every exercise that ran passes" + (skipped > 0 ? " (the skipped ones need the book's data files: docs/exercises.md)." : "."));
        }
        out.println(rule);
    }
}
