/*
 * NotebookRunner: executes a notebook's code cells in order with the JShell API (the engine the
 * Java Jupyter kernels are built on), in this JVM through JShell's local execution engine, with the
 * library's compiled classes on the class path; captures what each cell prints; compares it with
 * the stored outputs, or writes the new outputs back (regeneration).
 * It does: split each cell into snippets the way JShell does, drop the first code cell's
 * "%maven dev.scratchllm:scratchllm:<version>" line (the built classes are already there), stop at
 * the first compile error, unresolved reference or exception and say which notebook, cell and
 * line; skip comparison for cells marked "// nb:varies"; abort (skip) a notebook whose data file
 * is missing (MissingDataFileException), as the book tests do.
 * It does not: run other magics (%jars, %%loadFromPOM, ... are errors), show a bare expression's
 * value the way a kernel's Out[n] does (notebooks print what they want compared), time out a
 * runaway cell, or isolate static state of library classes between notebooks.
 */
package dev.scratchllm.notebooks;

import dev.scratchllm.ScratchLLM;
import jdk.jshell.DeclarationSnippet;
import jdk.jshell.Diag;
import jdk.jshell.EvalException;
import jdk.jshell.JShell;
import jdk.jshell.JShellException;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;
import jdk.jshell.UnresolvedReferenceException;
import org.opentest4j.TestAbortedException;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Runs notebooks with JShell. {@link #run(Notebook)} executes every code cell and returns what each
 * printed; {@link #mismatches(Result)} lists the cells whose stored output differs;
 * {@link #applyOutputs(Result)} stores the new outputs and execution counts in the notebook.
 */
final class NotebookRunner {
    /** The marker comment that exempts a cell's output from comparison (timings, progress bars). */
    static final String VARIES_MARKER = "// nb:varies";

    /** The exception that makes a notebook "skipped" rather than "failed": a book data file is missing. */
    static final String MISSING_DATA = "dev.scratchllm.data.MissingDataFileException";

    /** The one magic the runner understands, accepted only in the first code cell. */
    static final Pattern MAVEN_MAGIC = Pattern.compile("%maven\\s+dev\\.scratchllm:scratchllm:\\S+\\s*");

    /** The regeneration command, quoted in mismatch messages. */
    static final String UPDATE_COMMAND = "mvn test -Dtest=NotebookTest -Dnotebooks.update=true -Dnotebook=";

    /**
     * What one code cell printed, and the type of the value a Java kernel would show as
     * {@code Out[n]} after it ({@code null} when none): JJava shows the value of the cell's last
     * snippet when that snippet is an expression (JShell's sub-kinds VAR_VALUE, OTHER_EXPRESSION
     * and TEMP_VAR_EXPRESSION) whose value is not null; a trailing semicolon changes nothing.
     */
    record CellRun(Notebook.Cell cell, int executionCount, String stdout, String stderr, boolean varies, String displayedType) {
    }

    /** The sub-kinds whose value JJava displays when they end a cell (its CodeEvaluator). */
    static final java.util.Set<Snippet.SubKind> DISPLAYED = java.util.EnumSet.of(
            Snippet.SubKind.VAR_VALUE_SUBKIND, Snippet.SubKind.OTHER_EXPRESSION_SUBKIND, Snippet.SubKind.TEMP_VAR_EXPRESSION_SUBKIND);

    /** The type a print call returns ({@code printf}, {@code format}, {@code append}): displayed as {@code java.io.PrintStream@1b2c3d}. */
    static final String PRINT_STREAM = "PrintStream";

    /** A notebook and the runs of its code cells, in order. */
    record Result(Notebook notebook, List<CellRun> runs, long millis) {
    }

    private NotebookRunner() {
    }

    /**
     * Executes the code cells in order in a fresh JShell.
     *
     * @throws AssertionError        on a compile error, an unresolved reference, an exception or an unknown magic,
     *                               naming the notebook, cell and line
     * @throws TestAbortedException  when a cell throws {@value #MISSING_DATA} (the book's data is not there)
     */
    static Result run(Notebook nb) {
        long t0 = System.nanoTime();
        List<CellRun> runs = new ArrayList<>();
        PrintStream realOut = System.out, realErr = System.err;
        var jshellOut = new ByteArrayOutputStream();
        try (JShell js = JShell.builder()
                .executionEngine("local")
                .out(new PrintStream(jshellOut, true, StandardCharsets.UTF_8))
                .err(new PrintStream(jshellOut, true, StandardCharsets.UTF_8))
                .build()) {
            js.addToClasspath(libraryClassPath());
            int count = 0;
            for (Notebook.Cell cell : nb.cells()) {
                if (!cell.isCode()) continue;
                count++;
                String source = stripMagics(nb, cell, count == 1);
                var out = new ByteArrayOutputStream();
                var err = new ByteArrayOutputStream();
                var capOut = new PrintStream(out, true, StandardCharsets.UTF_8);
                var capErr = new PrintStream(err, true, StandardCharsets.UTF_8);
                System.setOut(capOut);
                System.setErr(capErr);
                String displayed;
                try {
                    displayed = runCell(js, nb, cell, source);
                } finally {
                    capOut.flush();
                    capErr.flush();
                    System.setOut(realOut);
                    System.setErr(realErr);
                }
                runs.add(new CellRun(cell, count, normalize(out.toString(StandardCharsets.UTF_8)),
                        normalize(err.toString(StandardCharsets.UTF_8)), cell.source().contains(VARIES_MARKER), displayed));
            }
        }
        return new Result(nb, runs, (System.nanoTime() - t0) / 1_000_000);
    }

    /** The cells whose printed output differs from the stored one (cells marked {@value #VARIES_MARKER} excluded), described for a reader. */
    static List<String> mismatches(Result r) {
        List<String> problems = new ArrayList<>();
        for (CellRun run : r.runs()) {
            if (run.varies()) continue;
            for (String stream : List.of("stdout", "stderr")) {
                String expected = normalize(run.cell().storedStream(stream));
                String actual = stream.equals("stdout") ? run.stdout() : run.stderr();
                if (!expected.equals(actual)) problems.add(describe(r.notebook(), run, stream, expected, actual));
            }
        }
        return problems;
    }

    /**
     * The cells that end with a print call whose value ({@code java.io.PrintStream@…}) a Java
     * kernel would show as {@code Out[n]}, described with the fix.
     */
    static List<String> displayedPrintResults(Result r) {
        List<String> problems = new ArrayList<>();
        for (CellRun run : r.runs()) {
            String t = run.displayedType();
            if (t != null && (t.equals(PRINT_STREAM) || t.endsWith("." + PRINT_STREAM)))
                problems.add(r.notebook().name() + ".ipynb, cell " + run.cell().number() + ": its last statement returns a " + t
                        + " (System.out.printf/format/append), which a Java kernel shows as Out[n]: java.io.PrintStream@...;"
                        + " end the cell with System.out.print(String.format(...)) or another statement that has no value");
        }
        return problems;
    }

    /** The cells whose freshly printed (and, with {@code stored}, stored) output contains an absolute path of a machine. */
    static List<String> machinePaths(Result r, boolean stored) {
        List<String> problems = new ArrayList<>();
        for (CellRun run : r.runs()) {
            List<String> texts = stored
                    ? List.of(run.stdout(), run.stderr(), run.cell().storedStream("stdout"), run.cell().storedStream("stderr"))
                    : List.of(run.stdout(), run.stderr());
            for (String text : texts) {
                for (var hit : dev.scratchllm.repo.MachinePaths.find(text))
                    problems.add(r.notebook().name() + ".ipynb, cell " + run.cell().number() + ": output names a machine path " + hit.path()
                            + " (print paths relative to SCRATCHLLM_DATA or the cache, not absolute ones)");
            }
        }
        return problems.stream().distinct().toList();
    }

    /** Stores each code cell's new outputs and execution count in the notebook (regeneration). */
    static void applyOutputs(Result r) {
        for (CellRun run : r.runs()) run.cell().setOutputs(run.executionCount(), run.stdout(), run.stderr());
    }

    // ---------------------------------------------------------------- one cell

    /** Runs the cell's snippets in order; returns the type of the value a kernel would display after it, or null. */
    private static String runCell(JShell js, Notebook nb, Notebook.Cell cell, String source) {
        SourceCodeAnalysis sca = js.sourceCodeAnalysis();
        String remaining = source;
        String displayed = null;
        while (!remaining.isBlank()) {
            int offset = source.length() - remaining.length();
            SourceCodeAnalysis.CompletionInfo ci = sca.analyzeCompletion(remaining);
            switch (ci.completeness()) {
                case EMPTY:
                    return displayed;
                case DEFINITELY_INCOMPLETE:
                case CONSIDERED_INCOMPLETE:
                    throw failure(nb, cell, lineOf(source, offset + leadingBlanks(remaining)),
                            "incomplete code at the end of the cell (a missing ';', '}' or ')'?)", remaining.strip());
                default:
                    break;
            }
            int line = lineOf(source, offset + leadingBlanks(remaining));
            displayed = evalSnippet(js, nb, cell, line, ci.source());
            remaining = ci.remaining();
        }
        return displayed;
    }

    /** Evaluates one snippet; returns the type of its value when a kernel would display it (an expression with a non-null value), else null. */
    private static String evalSnippet(JShell js, Notebook nb, Notebook.Cell cell, int line, String snippetSource) {
        List<SnippetEvent> events = js.eval(snippetSource);
        String displayed = null;
        for (SnippetEvent ev : events) {
            if (ev.causeSnippet() != null) continue; // updates of earlier snippets that depend on this one
            Snippet s = ev.snippet();
            if (ev.value() != null && DISPLAYED.contains(s.subKind()) && !"null".equals(ev.value()))
                displayed = s instanceof jdk.jshell.VarSnippet v ? v.typeName()
                        : s instanceof jdk.jshell.ExpressionSnippet e ? e.typeName() : s.subKind().name();
            switch (ev.status()) {
                case REJECTED -> throw failure(nb, cell, line, "compile error:\n" + diagnostics(js, s), snippetSource);
                case RECOVERABLE_DEFINED, RECOVERABLE_NOT_DEFINED -> {
                    String missing = s instanceof DeclarationSnippet d
                            ? js.unresolvedDependencies(d).collect(Collectors.joining(", ")) : "?";
                    throw failure(nb, cell, line, "compile error: cannot find symbol(s) " + missing, snippetSource);
                }
                default -> {
                }
            }
            JShellException ex = ev.exception();
            if (ex != null) {
                if (isMissingData(ex))
                    throw new TestAbortedException(nb.name() + ": skipped, a book data file is missing: " + ex.getMessage());
                throw failure(nb, cell, line, "threw " + describe(ex), snippetSource);
            }
        }
        return displayed;
    }

    private static String diagnostics(JShell js, Snippet s) {
        StringBuilder sb = new StringBuilder();
        js.diagnostics(s).filter(Diag::isError)
                .forEach(d -> sb.append("    ").append(d.getMessage(Locale.ROOT).replace("\n", "\n    ")).append('\n'));
        return sb.toString().stripTrailing();
    }

    private static boolean isMissingData(Throwable ex) {
        for (Throwable t = ex; t != null; t = t.getCause()) {
            if (t instanceof EvalException e && MISSING_DATA.equals(e.getExceptionClassName())) return true;
        }
        return false;
    }

    private static String describe(JShellException ex) {
        StringBuilder sb = new StringBuilder();
        if (ex instanceof UnresolvedReferenceException u) {
            sb.append("an unresolved reference: ").append(u.getSnippet().source().strip());
            return sb.toString();
        }
        Throwable t = ex;
        String indent = "";
        while (t != null) {
            String cls = t instanceof EvalException e ? e.getExceptionClassName() : t.getClass().getName();
            sb.append(indent).append(cls);
            if (t.getMessage() != null) sb.append(": ").append(t.getMessage());
            sb.append('\n');
            StackTraceElement[] st = t.getStackTrace();
            for (int i = 0; i < Math.min(st.length, 12); i++) sb.append(indent).append("    at ").append(st[i]).append('\n');
            t = t.getCause();
            indent = "  caused by ";
        }
        return sb.toString().stripTrailing();
    }

    // ---------------------------------------------------------------- magics, positions, messages

    /** The cell's source with the accepted {@code %maven} line blanked (line numbers stay); any other magic fails. */
    private static String stripMagics(Notebook nb, Notebook.Cell cell, boolean firstCodeCell) {
        String source = cell.source();
        String[] lines = source.split("\n", -1);
        boolean changed = false;
        for (int i = 0; i < lines.length; i++) {
            String l = lines[i].strip();
            if (!l.startsWith("%")) continue;
            if (firstCodeCell && MAVEN_MAGIC.matcher(l).matches()) {
                lines[i] = "";
                changed = true;
            } else {
                throw failure(nb, cell, i + 1, "unsupported magic " + l + " (the runner accepts only "
                        + "'%maven dev.scratchllm:scratchllm:<version>', in the first code cell)", null);
            }
        }
        return changed ? String.join("\n", lines) : source;
    }

    private static AssertionError failure(Notebook nb, Notebook.Cell cell, int line, String what, String snippet) {
        StringBuilder sb = new StringBuilder();
        sb.append(nb.name()).append(".ipynb, cell ").append(cell.number()).append(", line ").append(line).append(": ").append(what);
        if (snippet != null) sb.append("\n  in:\n").append(indent(snippet.strip(), "    "));
        return new AssertionError(sb.toString());
    }

    private static String describe(Notebook nb, CellRun run, String stream, String expected, String actual) {
        List<String> e = List.of(expected.split("\n", -1)), a = List.of(actual.split("\n", -1));
        int i = 0;
        while (i < e.size() && i < a.size() && e.get(i).equals(a.get(i))) i++;
        StringBuilder sb = new StringBuilder();
        sb.append(nb.name()).append(".ipynb, cell ").append(run.cell().number())
                .append(": printed ").append(stream).append(" differs from the stored output at output line ").append(i + 1).append('\n');
        sb.append("    stored:  ").append(i < e.size() ? quoteLine(e.get(i)) : "(end of output)").append('\n');
        sb.append("    printed: ").append(i < a.size() ? quoteLine(a.get(i)) : "(end of output)").append('\n');
        sb.append("  stored output:\n").append(indent(clip(expected), "    |")).append('\n');
        sb.append("  printed output:\n").append(indent(clip(actual), "    |")).append('\n');
        sb.append("  (if the new output is right: ").append(UPDATE_COMMAND).append(nb.name()).append(')');
        return sb.toString();
    }

    private static String quoteLine(String s) {
        return "\"" + s + "\"";
    }

    private static String clip(String s) {
        return s.length() <= 4000 ? s : s.substring(0, 4000) + "\n... (" + (s.length() - 4000) + " more characters)";
    }

    private static String indent(String text, String prefix) {
        return text.lines().map(l -> prefix + l).collect(Collectors.joining("\n"));
    }

    private static int lineOf(String text, int offset) {
        int line = 1;
        for (int i = 0; i < offset && i < text.length(); i++) if (text.charAt(i) == '\n') line++;
        return line;
    }

    private static int leadingBlanks(String s) {
        int i = 0;
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) i++;
        return i;
    }

    private static String normalize(String s) {
        return s.replace("\r\n", "\n");
    }

    /** Where the library's compiled classes are (target/classes under Maven), for JShell's compiler. */
    static String libraryClassPath() {
        try {
            return Path.of(ScratchLLM.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException("NotebookRunner: cannot locate the library's classes", e);
        }
    }
}
