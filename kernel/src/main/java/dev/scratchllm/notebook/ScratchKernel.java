// A Jupyter kernel for ScratchLLM's notebooks: JShell (in this JVM) with the library on its class
// path, served over Jupyter's protocol by JJava's protocol library (org.dflib.jjava:jjava-jupyter).
// It does: run a cell's snippets in order as JShell splits them, stop the cell at the first compile
// error or exception (Jupyter then stops "Run All" and nbconvert there), show the value of a cell
// that ends with an expression as Out[n] (as JJava does), accept %maven for the library's own
// coordinates (already on the class path) and for artifacts in the local Maven repository, complete
// code, and say in the first cell when the JVM has no Vector API (the library then runs its scalar
// kernels).
// It does not: download from Maven repositories, support other magics, or time out a cell.
package dev.scratchllm.notebook;

import jdk.jshell.DeclarationSnippet;
import jdk.jshell.Diag;
import jdk.jshell.EvalException;
import jdk.jshell.ExpressionSnippet;
import jdk.jshell.JShell;
import jdk.jshell.JShellException;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;
import jdk.jshell.UnresolvedReferenceException;
import jdk.jshell.VarSnippet;
import org.dflib.jjava.jupyter.kernel.BaseKernel;
import org.dflib.jjava.jupyter.kernel.BaseKernelBuilder;
import org.dflib.jjava.jupyter.kernel.HelpLink;
import org.dflib.jjava.jupyter.kernel.LanguageInfo;
import org.dflib.jjava.jupyter.kernel.ReplacementOptions;
import org.dflib.jjava.jupyter.kernel.display.DisplayData;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** The kernel: one JShell per kernel process, fed cell by cell. */
public final class ScratchKernel extends BaseKernel {
    /** The library's Maven coordinates without the version; {@code %maven} of these is a no-op (the jar is on the class path). */
    public static final String LIBRARY = "dev.scratchllm:scratchllm";

    /** What the first cell says when the JVM lacks the Vector API. */
    public static final String NO_VECTOR_API = "NOTICE: this kernel's JVM has no jdk.incubator.vector module, so ScratchLLM uses its scalar "
            + "kernels (correct, but slower). Reinstall the kernel with dev.scratchllm.notebook.InstallKernel, which adds "
            + "--add-modules jdk.incubator.vector to the kernelspec.";

    /** The sub-kinds whose value is shown as Out[n] when they end a cell (as in JJava). */
    static final Set<Snippet.SubKind> DISPLAYED = EnumSet.of(
            Snippet.SubKind.VAR_VALUE_SUBKIND, Snippet.SubKind.OTHER_EXPRESSION_SUBKIND, Snippet.SubKind.TEMP_VAR_EXPRESSION_SUBKIND);

    private static final Pattern MAVEN = Pattern.compile("%maven\\s+([^:\\s]+):([^:\\s]+):([^:\\s]+)\\s*");

    private final JShell shell;
    private final Path localRepository;
    private boolean noticeShown;

    private ScratchKernel(String name, String version, org.dflib.jjava.jupyter.kernel.history.HistoryManager history,
                          org.dflib.jjava.jupyter.kernel.JupyterIO io, org.dflib.jjava.jupyter.kernel.comm.CommManager comms,
                          org.dflib.jjava.jupyter.kernel.display.Renderer renderer, org.dflib.jjava.jupyter.kernel.magic.MagicParser magicParser,
                          org.dflib.jjava.jupyter.kernel.magic.MagicsRegistry magics, org.dflib.jjava.jupyter.kernel.util.StringStyler errorStyler,
                          Path localRepository) {
        super(name, version,
                new LanguageInfo("java", Runtime.version().toString(), "text/x-java", ".jshell", "java", "java", "java"),
                List.of(new HelpLink("ScratchLLM notebooks", "https://github.com/scratchllm/scratchllm/tree/main/docs/notebooks")),
                history, io, comms, renderer, magicParser, magics, false, errorStyler);
        this.localRepository = localRepository;
        this.shell = JShell.builder().executionEngine("local").build();
        for (String entry : System.getProperty("java.class.path", "").split(File.pathSeparator))
            if (!entry.isBlank()) shell.addToClasspath(entry);
    }

    /**
     * A builder with the defaults of JJava's protocol library.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link ScratchKernel}. */
    public static final class Builder extends BaseKernelBuilder<Builder, ScratchKernel> {
        private Path localRepository = Path.of(System.getProperty("user.home"), ".m2", "repository");

        Builder() {
            name("ScratchLLM");
            version(ScratchKernel.class.getPackage().getImplementationVersion() == null ? "0.1.0-SNAPSHOT"
                    : ScratchKernel.class.getPackage().getImplementationVersion());
        }

        /**
         * Where {@code %maven} looks for jars other than the library's (default {@code ~/.m2/repository}).
         *
         * @param dir the local Maven repository
         * @return this builder
         */
        public Builder localRepository(Path dir) {
            this.localRepository = dir;
            return this;
        }

        @Override
        public ScratchKernel build() {
            var parser = magicParser != null ? magicParser
                    : new org.dflib.jjava.jupyter.kernel.magic.MagicParser("(?<=(?:^|=))\\s*%", "%%", buildMagicTranspiler());
            return new ScratchKernel(buildName(), buildVersion(), buildHistoryManager(), buildJupyterIO(buildJupyterIOEncoding()),
                    buildCommManager(), buildRenderer(), parser, buildMagicsRegistry(), buildErrorStyler(), localRepository);
        }
    }

    // ------------------------------------------------------------------ evaluation

    @Override
    public DisplayData eval(String code) {
        Object v = evalRaw(code);
        return v == null ? null : new DisplayData(v.toString());
    }

    /**
     * Runs a cell: its {@code %maven} lines, then its snippets in order.
     *
     * @param code the cell's source
     * @return the text of the value to show as Out[n], or null
     * @throws CellException on a compile error, an unresolved reference, an exception or an unknown magic
     */
    @Override
    public Object evalRaw(String code) {
        if (!noticeShown) {
            noticeShown = true;
            if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) System.err.println(NO_VECTOR_API);
        }
        String source = magics(code);
        SourceCodeAnalysis sca = shell.sourceCodeAnalysis();
        String remaining = source, shown = null;
        while (!remaining.isBlank()) {
            SourceCodeAnalysis.CompletionInfo ci = sca.analyzeCompletion(remaining);
            switch (ci.completeness()) {
                case EMPTY:
                    return shown;
                case DEFINITELY_INCOMPLETE:
                case CONSIDERED_INCOMPLETE:
                    throw new CellException("incomplete code at the end of the cell (a missing ';', '}' or ')'?): " + remaining.strip());
                default:
                    break;
            }
            shown = evalSnippet(ci.source());
            remaining = ci.remaining();
        }
        return shown;
    }

    private String evalSnippet(String source) {
        String shown = null;
        for (SnippetEvent ev : shell.eval(source)) {
            if (ev.causeSnippet() != null) continue;
            Snippet s = ev.snippet();
            switch (ev.status()) {
                case REJECTED -> throw new CellException("compile error in: " + source.strip() + "\n" + diagnostics(s));
                case RECOVERABLE_NOT_DEFINED -> {
                    String missing = s instanceof DeclarationSnippet d ? shell.unresolvedDependencies(d).collect(Collectors.joining(", ")) : "?";
                    throw new CellException("cannot find symbol(s) " + missing + " in: " + source.strip());
                }
                default -> {
                }
            }
            JShellException ex = ev.exception();
            if (ex != null) throw new CellException(describe(ex), ex);
            boolean expression = s instanceof VarSnippet || s instanceof ExpressionSnippet;
            if (expression && DISPLAYED.contains(s.subKind()) && ev.value() != null && !"null".equals(ev.value())) shown = unquote(ev.value());
        }
        return shown;
    }

    /** JShell quotes a String value ("abc"); Jupyter shows the text, as JJava does. */
    private static String unquote(String v) {
        if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) return v.substring(1, v.length() - 1).replace("\\n", "\n").replace("\\\"", "\"");
        return v;
    }

    private String diagnostics(Snippet s) {
        return shell.diagnostics(s).filter(Diag::isError).map(d -> "    " + d.getMessage(Locale.ROOT)).collect(Collectors.joining("\n"));
    }

    private static String describe(JShellException ex) {
        if (ex instanceof UnresolvedReferenceException u) return "unresolved reference in: " + u.getSnippet().source().strip();
        StringBuilder sb = new StringBuilder();
        String prefix = "";
        for (Throwable t = ex; t != null; t = t.getCause()) {
            String cls = t instanceof EvalException e ? e.getExceptionClassName() : t.getClass().getName();
            sb.append(prefix).append(cls);
            if (t.getMessage() != null) sb.append(": ").append(t.getMessage());
            prefix = "\ncaused by ";
        }
        return sb.toString();
    }

    /** Handles the cell's {@code %maven} lines (blanked, so line numbers stay); any other magic is an error. */
    String magics(String code) {
        String[] lines = code.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String l = lines[i].strip();
            if (!l.startsWith("%")) continue;
            Matcher m = MAVEN.matcher(l);
            if (!m.matches())
                throw new CellException("unsupported magic " + l + " (this kernel knows only %maven group:artifact:version)");
            String ga = m.group(1) + ":" + m.group(2);
            if (!ga.equals(LIBRARY)) {
                Path jar = localRepository.resolve(m.group(1).replace('.', File.separatorChar)).resolve(m.group(2)).resolve(m.group(3))
                        .resolve(m.group(2) + "-" + m.group(3) + ".jar");
                if (!Files.isRegularFile(jar))
                    throw new CellException("%maven " + ga + ":" + m.group(3) + ": not in the local Maven repository (" + jar
                            + "); this kernel does not download: run mvn dependency:get -Dartifact=" + ga + ":" + m.group(3) + " first");
                shell.addToClasspath(jar.toString());
            }
            lines[i] = "";
        }
        return String.join("\n", lines);
    }

    @Override
    public List<String> formatError(Throwable e) {
        List<String> out = new ArrayList<>();
        out.add(e.getClass().getSimpleName().equals("CellException") ? "" : e.getClass().getName() + ":");
        out.addAll(List.of(String.valueOf(e.getMessage()).split("\n")));
        out.removeIf(String::isEmpty);
        return out;
    }

    // ------------------------------------------------------------------ editing help

    @Override
    public DisplayData inspect(String code, int at, boolean extraDetail) {
        return null;
    }

    @Override
    public ReplacementOptions complete(String code, int at) {
        int[] anchor = new int[1];
        List<String> options = shell.sourceCodeAnalysis().completionSuggestions(code, at, anchor).stream()
                .map(SourceCodeAnalysis.Suggestion::continuation).distinct().toList();
        return options.isEmpty() ? null : new ReplacementOptions(options, anchor[0], at);
    }

    @Override
    public String isComplete(String code) {
        SourceCodeAnalysis.CompletionInfo info = shell.sourceCodeAnalysis().analyzeCompletion(code);
        while (info.completeness().isComplete()) info = shell.sourceCodeAnalysis().analyzeCompletion(info.remaining());
        return switch (info.completeness()) {
            case EMPTY, COMPLETE, COMPLETE_WITH_SEMI -> IS_COMPLETE_YES;
            case CONSIDERED_INCOMPLETE, DEFINITELY_INCOMPLETE -> "";
            default -> IS_COMPLETE_BAD;
        };
    }

    @Override
    public void onShutdown(boolean restart) {
        shell.close();
    }

    /** Jupyter's interrupt: ask JShell to stop the running snippet (best effort with the local engine). */
    @Override
    public void interrupt() {
        shell.stop();
    }

    /** A cell that failed: the message is what the notebook shows. */
    public static final class CellException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        CellException(String message) {
            super(message);
        }

        CellException(String message, Throwable cause) {
            super(message, cause);
        }

        /** The kernel's own stack says nothing about the notebook's code; the message says it all. */
        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    }
}
