/*
 * NotebookTest: runs every notebook in docs/notebooks (one dynamic test each) with the JShell
 * runner and checks that each cell prints what the notebook has stored; with
 * -Dnotebooks.update=true it rewrites the stored outputs instead. Either way it rejects a cell that
 * ends with a print call whose PrintStream a Java kernel would display as Out[n], and output that
 * names an absolute machine path.
 * It does not: download data (downloads are turned off while a notebook runs, so a missing book
 * file skips that notebook), or compare cells marked "// nb:varies".
 *
 *   mvn test -Dtest=NotebookTest                                   all notebooks
 *   mvn test -Dtest=NotebookTest -Dnotebook=ch02                   one (comma-separated names work too)
 *   mvn test -Dtest=NotebookTest -Dnotebooks.update=true [-Dnotebook=ch02]   regenerate stored outputs
 */
package dev.scratchllm.notebooks;

import dev.scratchllm.data.BookData;
import dev.scratchllm.io.AtomicFiles;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Notebooks in docs/notebooks run clean and print their stored outputs")
class NotebookTest {
    /** The folder holding the notebooks, relative to the project root (Maven's working directory). */
    static final Path NOTEBOOKS = Path.of("docs", "notebooks");

    /** {@code -Dnotebook=ch02[,ch03]} restricts the run to these notebooks. */
    static final String SELECT_PROPERTY = "notebook";

    /** {@code -Dnotebooks.update=true} rewrites the stored outputs instead of comparing them. */
    static final String UPDATE_PROPERTY = "notebooks.update";

    @TestFactory
    Stream<DynamicTest> notebooks() throws IOException {
        List<Path> files = selected(listNotebooks(NOTEBOOKS), System.getProperty(SELECT_PROPERTY));
        boolean update = Boolean.getBoolean(UPDATE_PROPERTY);
        return files.stream().map(f -> DynamicTest.dynamicTest(nameOf(f), f.toUri(), () -> runOne(f, update)));
    }

    /** Runs one notebook; compares its outputs, or with {@code update} writes them back (atomically, only when changed). */
    static void runOne(Path file, boolean update) throws IOException {
        Notebook nb = Notebook.read(file);
        assertThat(nb.kernelName()).as("%s: metadata.kernelspec.name", file).isEqualTo("java");
        String offline = System.setProperty(BookData.OFFLINE_PROPERTY, "true");
        NotebookRunner.Result result;
        try {
            result = NotebookRunner.run(nb);
        } finally {
            if (offline == null) System.clearProperty(BookData.OFFLINE_PROPERTY);
            else System.setProperty(BookData.OFFLINE_PROPERTY, offline);
        }
        System.out.printf("notebook %s: %d code cells in %.1f s%n", nb.name(), result.runs().size(), result.millis() / 1000.0);
        List<String> rules = new java.util.ArrayList<>(NotebookRunner.displayedPrintResults(result));
        rules.addAll(NotebookRunner.machinePaths(result, !update));
        if (!rules.isEmpty())
            throw new AssertionError(rules.size() + " cell(s) of " + nb.name() + ".ipynb break the notebook rules"
                    + (update ? " (nothing was rewritten)" : "") + ":\n\n" + String.join("\n\n", rules));
        if (update) {
            String before = Files.readString(file);
            NotebookRunner.applyOutputs(result);
            String after = nb.toJson();
            if (!after.equals(before)) {
                AtomicFiles.writeString(file, after);
                System.out.println("notebook " + nb.name() + ": stored outputs rewritten in " + file);
            }
            return;
        }
        List<String> problems = NotebookRunner.mismatches(result);
        if (!problems.isEmpty())
            throw new AssertionError(problems.size() + " cell(s) of " + nb.name() + ".ipynb printed something else than stored:\n\n"
                    + String.join("\n\n", problems));
    }

    /** The {@code .ipynb} files of a folder, sorted by name (none when the folder is missing). */
    static List<Path> listNotebooks(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".ipynb")).sorted().toList();
        }
    }

    /** The notebooks named by {@code selection} (comma-separated, with or without {@code .ipynb}); all when it is null or blank. */
    static List<Path> selected(List<Path> all, String selection) {
        if (selection == null || selection.isBlank()) return all;
        Set<String> wanted = Arrays.stream(selection.split(",")).map(String::strip).filter(s -> !s.isEmpty())
                .map(s -> s.endsWith(".ipynb") ? s.substring(0, s.length() - 6) : s).collect(Collectors.toSet());
        List<Path> chosen = all.stream().filter(p -> wanted.contains(nameOf(p))).toList();
        Set<String> found = chosen.stream().map(NotebookTest::nameOf).collect(Collectors.toSet());
        List<String> unknown = wanted.stream().filter(w -> !found.contains(w)).sorted().toList();
        if (!unknown.isEmpty())
            throw new IllegalArgumentException("-D" + SELECT_PROPERTY + ": no notebook named " + unknown + " in " + NOTEBOOKS
                    + " (there are: " + all.stream().map(NotebookTest::nameOf).toList() + ")");
        return chosen;
    }

    static String nameOf(Path p) {
        String n = p.getFileName().toString();
        return n.endsWith(".ipynb") ? n.substring(0, n.length() - 6) : n;
    }
}
