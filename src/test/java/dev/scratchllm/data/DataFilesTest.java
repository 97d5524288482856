// DataFiles: the search order, the explicit path, and the error that names where it looked.
package dev.scratchllm.data;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DataFilesTest {
    @TempDir
    Path tmp;

    private Path file(Path dir, String name, String content) throws Exception {
        Path p = dir.resolve(name);
        Files.createDirectories(p.getParent());
        Files.writeString(p, content);
        return p;
    }

    @Test
    @DisplayName("SCRATCHLLM_DATA comes before the project's data/ folder")
    void envBeforeProject() throws Exception {
        Path env = tmp.resolve("env");
        Path project = tmp.resolve("project");
        file(env, "gpt2/encoder.json", "env");
        file(project, "gpt2/encoder.json", "project");
        file(project, "only-here.txt", "project");
        DataFiles files = new DataFiles(env.toString(), project);
        assertThat(files.path("gpt2/encoder.json")).isEqualTo(env.resolve("gpt2/encoder.json"));
        assertThat(files.path("only-here.txt")).isEqualTo(project.resolve("only-here.txt"));
        assertThat(files.directories()).containsExactly(env, project);
    }

    @Test
    @DisplayName("unset or blank SCRATCHLLM_DATA: only the project folder is searched")
    void unsetEnv() throws Exception {
        file(tmp, "a.txt", "x");
        assertThat(new DataFiles(null, tmp).locate("a.txt")).contains(tmp.resolve("a.txt"));
        assertThat(new DataFiles("  ", tmp).directories()).containsExactly(tmp);
    }

    @Test
    @DisplayName("a missing file is an error naming the file and each place looked")
    void missing() {
        DataFiles files = new DataFiles(tmp.resolve("nowhere").toString(), tmp.resolve("data"));
        assertThat(files.locate("the-verdict.txt")).isEmpty();
        assertThatThrownBy(() -> files.path("the-verdict.txt"))
                .isInstanceOf(MissingDataFileException.class)
                .hasMessageContaining("the-verdict.txt")
                .hasMessageContaining("SCRATCHLLM_DATA=" + tmp.resolve("nowhere"))
                .hasMessageContaining("directory does not exist")
                .hasMessageContaining(tmp.resolve("data").resolve("the-verdict.txt").toString());
        assertThat(new DataFiles(null, tmp).searchDescription("x.txt")).contains("SCRATCHLLM_DATA (unset)");
    }

    @Test
    @DisplayName("an explicit path wins, and must exist")
    void explicitPath() throws Exception {
        Path own = file(tmp, "mine/verdict.txt", "x");
        DataFiles files = new DataFiles(null, tmp.resolve("data"));
        assertThat(files.path(own, "the-verdict.txt")).isEqualTo(own);
        assertThatThrownBy(() -> files.path(tmp.resolve("missing.txt"), "the-verdict.txt"))
                .isInstanceOf(MissingDataFileException.class).hasMessageContaining("missing.txt");
    }

    @Test
    @DisplayName("names must be relative and stay inside the data folder")
    void badNames() {
        DataFiles files = new DataFiles(null, tmp);
        assertThatThrownBy(() -> files.locate("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> files.locate("../etc/passwd")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("..");
        assertThatThrownBy(() -> files.locate(tmp.toAbsolutePath().toString())).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("relative");
    }

    @Test
    @DisplayName("a relative SCRATCHLLM_DATA is taken from the working directory")
    void relativeEnv() {
        DataFiles files = new DataFiles("../shared/data", Path.of("data"));
        assertThat(files.directories().get(0)).isEqualTo(Path.of("../shared/data"));
    }
}
