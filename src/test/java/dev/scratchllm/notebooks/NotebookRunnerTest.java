/*
 * NotebookRunnerTest: the notebook runner's own tests on tiny notebooks (src/test/resources/notebooks
 * and a few built in code): a clean one passes, a wrong stored output, a compile error, an exception,
 * an unknown magic and incomplete code fail with messages naming notebook, cell and line; a missing
 * data file skips; regeneration and the Jupyter-style writer reproduce the stored files.
 * It does not: run the project's notebooks (NotebookTest does).
 */
package dev.scratchllm.notebooks;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.TestAbortedException;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NotebookRunnerTest {

    static Path resource(String name) throws URISyntaxException {
        return Path.of(NotebookRunnerTest.class.getResource("/notebooks/" + name).toURI());
    }

    /** A notebook from code-cell sources (no stored outputs). */
    static Notebook codeCells(String name, String... sources) {
        List<Object> cells = new ArrayList<>();
        for (String s : sources)
            cells.add(Notebook.ordered("cell_type", "code", "execution_count", null, "metadata", Map.of(), "outputs", List.of(), "source", Notebook.lines(s)));
        Map<String, Object> root = Notebook.ordered("cells", cells, "metadata", Map.of("kernelspec", Notebook.KERNELSPEC), "nbformat", 4L, "nbformat_minor", 5L);
        return Notebook.parse(name, JupyterJson.write(root));
    }

    @Test
    void aCleanNotebookRunsAndMatchesItsStoredOutputs() throws Exception {
        Notebook nb = Notebook.read(resource("passing.ipynb"));
        NotebookRunner.Result r = NotebookRunner.run(nb);
        assertThat(r.runs()).hasSize(6);
        assertThat(r.runs().get(1).stdout()).isEqualTo("tensor([[ 7., 10.],\n        [15., 22.]])\nsum: 10.0\n");
        assertThat(r.runs().get(2).stdout()).isEqualTo("squares: 14 ≥ é\n");
        assertThat(r.runs().get(2).stderr()).isEqualTo("to stderr\n");
        assertThat(r.runs().get(3).stdout()).isEmpty();
        // the "// nb:varies" cell printed something other than its stored "took 12345 ns" and is not compared
        assertThat(r.runs().get(4).varies()).isTrue();
        assertThat(r.runs().get(4).stdout()).startsWith("took ").isNotEqualTo("took 12345 ns\n");
        assertThat(r.runs().get(5).stdout()).isEqualTo("[1, 2, 3]");
        assertThat(NotebookRunner.mismatches(r)).isEmpty();
    }

    @Test
    void aWrongStoredOutputFailsNamingCellLineAndBothTexts() throws Exception {
        Notebook nb = Notebook.read(resource("wrong-output.ipynb"));
        List<String> problems = NotebookRunner.mismatches(NotebookRunner.run(nb));
        assertThat(problems).hasSize(1);
        assertThat(problems.get(0))
                .contains("wrong-output.ipynb, cell 2: printed stdout differs from the stored output at output line 2")
                .contains("stored:  \"3\"")
                .contains("printed: \"2\"")
                .contains("-Dnotebooks.update=true -Dnotebook=wrong-output");
    }

    @Test
    void aCompileErrorFailsWithTheDiagnosticAndStopsTheRun() throws Exception {
        Notebook nb = Notebook.read(resource("compile-error.ipynb"));
        assertThatThrownBy(() -> NotebookRunner.run(nb))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("compile-error.ipynb, cell 3, line 2: compile error")
                .hasMessageContaining("cannot find symbol")
                .hasMessageContaining("t.noSuchMethod()");
    }

    @Test
    void anExceptionFailsWithItsClassMessageAndCell() {
        Notebook nb = codeCells("throws", "int[] a = new int[2];", "System.out.println(1);\n\nSystem.out.println(a[5]);");
        assertThatThrownBy(() -> NotebookRunner.run(nb))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("throws.ipynb, cell 2, line 3: threw java.lang.ArrayIndexOutOfBoundsException")
                .hasMessageContaining("Index 5 out of bounds for length 2");
    }

    @Test
    void aLibraryExceptionNamesTheOperation() {
        Notebook nb = codeCells("shapes", "import static dev.scratchllm.ScratchLLM.*;", "ones(2, 3).matmul(ones(2, 3));");
        assertThatThrownBy(() -> NotebookRunner.run(nb))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("shapes.ipynb, cell 2, line 1: threw java.lang.IllegalArgumentException");
    }

    @Test
    void onlyTheProjectsMavenLineInTheFirstCodeCellIsAccepted() {
        assertThatThrownBy(() -> NotebookRunner.run(codeCells("jars", "%jars lib/x.jar\nint a = 1;")))
                .hasMessageContaining("jars.ipynb, cell 1, line 1: unsupported magic %jars lib/x.jar");
        assertThatThrownBy(() -> NotebookRunner.run(codeCells("other", "%maven com.example:other:1.0")))
                .hasMessageContaining("unsupported magic %maven com.example:other:1.0");
        assertThatThrownBy(() -> NotebookRunner.run(codeCells("late", "int a = 1;", "%maven dev.scratchllm:scratchllm:0.1.0")))
                .hasMessageContaining("late.ipynb, cell 2, line 1: unsupported magic");
    }

    @Test
    void incompleteCodeAtTheEndOfACellFails() {
        assertThatThrownBy(() -> NotebookRunner.run(codeCells("open", "int a = 1;\nif (a > 0) {\n  a++;")))
                .hasMessageContaining("open.ipynb, cell 1, line 2: incomplete code");
    }

    @Test
    void aMissingBookDataFileSkipsTheNotebook() {
        Notebook nb = codeCells("data", "throw new dev.scratchllm.data.MissingDataFileException(\"the-verdict.txt\", \"not found\");");
        assertThatThrownBy(() -> NotebookRunner.run(nb))
                .isInstanceOf(TestAbortedException.class)
                .hasMessageContaining("data: skipped")
                .hasMessageContaining("the-verdict.txt");
    }

    @Test
    void theWriterReproducesAJupyterSavedFileByteForByte() throws Exception {
        for (String name : List.of("passing.ipynb", "wrong-output.ipynb", "compile-error.ipynb")) {
            String text = Files.readString(resource(name));
            assertThat(Notebook.parse(name, text).toJson()).as(name).isEqualTo(text);
        }
    }

    @Test
    void regenerationRestoresTheStoredOutputsAndCounts(@TempDir Path tmp) throws Exception {
        String original = Files.readString(resource("passing.ipynb"));
        // blank every output and count, then regenerate through the same path NotebookTest's update mode takes
        Notebook blank = Notebook.parse("passing", original);
        for (Notebook.Cell c : blank.cells()) if (c.isCode()) c.setOutputs(0, "", "");
        Path file = tmp.resolve("passing.ipynb");
        Files.writeString(file, blank.toJson());
        NotebookTest.runOne(file, true);
        String regenerated = Files.readString(file);
        // identical except the nb:varies cell, whose fresh timing replaces the stored one
        String stored = "took 12345 ns\\n";
        int at = original.indexOf(stored);
        String prefix = original.substring(0, at + "took ".length());
        assertThat(regenerated).startsWith(prefix);
        assertThat(regenerated.substring(regenerated.indexOf("ns\\n", prefix.length()))).isEqualTo(original.substring(at + "took 12345 ".length()));
        // and the regenerated notebook passes the comparison
        NotebookTest.runOne(file, false);
    }

    @Test
    void selectingUnknownNotebooksFailsListingTheKnownOnes() throws IOException {
        List<Path> all = List.of(Path.of("docs/notebooks/ch02.ipynb"), Path.of("docs/notebooks/ch03.ipynb"));
        assertThat(NotebookTest.selected(all, null)).isEqualTo(all);
        assertThat(NotebookTest.selected(all, "ch03")).containsExactly(all.get(1));
        assertThat(NotebookTest.selected(all, "ch02.ipynb, ch03")).isEqualTo(all);
        assertThatThrownBy(() -> NotebookTest.selected(all, "ch09"))
                .hasMessageContaining("no notebook named [ch09]")
                .hasMessageContaining("[ch02, ch03]");
    }

    @Test
    void aCellEndingWithAPrintCallWhoseValueAKernelWouldShowIsRejected() {
        NotebookRunner.Result r = NotebookRunner.run(codeCells("printf",
                "System.out.printf(\"%d%n\", 1);",                          // PrintStream value: Out[n] in JJava
                "System.out.printf(\"%d%n\", 2)",                           // the semicolon makes no difference
                "System.out.print(String.format(\"%d%n\", 3));",            // void: nothing shown
                "System.out.printf(\"%d%n\", 4);\nint four = 4;",           // a declaration ends it: nothing shown
                "1 + 1",                                                     // a value, but not from a print call
                "String s = null;\ns"));                                      // a null value is not shown
        assertThat(r.runs()).extracting(NotebookRunner.CellRun::displayedType)
                .containsExactly("java.io.PrintStream", "java.io.PrintStream", null, null, "int", null);
        List<String> problems = NotebookRunner.displayedPrintResults(r);
        assertThat(problems).hasSize(2);
        assertThat(problems.get(0)).contains("printf.ipynb, cell 1").contains("Out[n]").contains("String.format");
        assertThat(problems.get(1)).contains("cell 2");
    }

    @Test
    void outputNamingAMachinePathIsRejected() {
        String home = "/" + "home/ann/data";
        NotebookRunner.Result r = NotebookRunner.run(codeCells("paths",
                "System.out.println(\"looked in " + home + "\");",
                "System.out.println(\"looked in $SCRATCHLLM_DATA/the-verdict.txt\");"));
        List<String> problems = NotebookRunner.machinePaths(r, true);
        assertThat(problems).hasSize(1);
        assertThat(problems.get(0)).contains("paths.ipynb, cell 1").contains(home);
    }
}
