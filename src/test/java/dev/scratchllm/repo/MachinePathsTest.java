// Keeps absolute machine paths out of the repository: every tracked text file (code, docs,
// scripts, fixtures, notebooks with their stored outputs) is scanned with MachinePaths.
package dev.scratchllm.repo;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("The repository names no folder of a particular machine")
class MachinePathsTest {
    /** Folders that are never part of the repository's content (build output, runs, downloads). */
    static final Set<String> SKIP_DIRS = Set.of(".git", "target", "runs", "cache", "node_modules", ".idea", "__pycache__");

    @Test
    @DisplayName("the scanner flags project, home and temporary folders, and leaves system, relative and ~/$VAR paths alone")
    void scanner() {
        String w = "/" + "work", r = "/" + "root", h = "/" + "home", t = "/" + "tmp", u = "/" + "Users";
        assertThat(MachinePaths.find("SCRATCHLLM_DATA=" + w + "/shared/data -> x")).extracting(MachinePaths.Hit::path).containsExactly(w + "/shared/data");
        assertThat(MachinePaths.find("a\nsee " + r + "/.m2/repository")).containsExactly(new MachinePaths.Hit(2, r + "/.m2/repository"));
        assertThat(MachinePaths.find("\"" + h + "/ann/.cache/x\"")).hasSize(1);
        assertThat(MachinePaths.find(u + "/bob/notes")).hasSize(1);
        assertThat(MachinePaths.find("C:\\" + "Users\\ann\\x")).hasSize(1);
        assertThat(MachinePaths.find("\"C:\\\\" + "Users\\\\ann\"")).hasSize(1);
        assertThat(MachinePaths.find("wrote " + t + "/junit123/out.json")).hasSize(1);
        assertThat(MachinePaths.find("#!/usr/bin/python3 /usr/lib/x86_64-linux-gnu/blas /proc/cpuinfo")).isEmpty();
        assertThat(MachinePaths.find("~/.cache/scratchllm $HOME/x ${XDG_CACHE_HOME}/y data/" + "work/z https://example.org/home/page")).isEmpty(); // a relative folder named like a machine's is no machine path
        assertThat(MachinePaths.find("lock file " + t + "/jmh.lock")).isEmpty();
    }

    @Test
    @DisplayName("no tracked text file (code, docs, scripts, fixtures, notebook outputs) contains an absolute machine path")
    void repositoryIsClean() throws IOException {
        List<String> problems = new ArrayList<>();
        for (Path f : repositoryFiles()) {
            byte[] bytes = Files.readAllBytes(f);
            if (isBinary(bytes)) continue;
            for (MachinePaths.Hit hit : MachinePaths.find(new String(bytes, StandardCharsets.UTF_8)))
                problems.add(f + ", " + hit);
        }
        assertThat(problems).as("absolute paths of a machine (use a path relative to the repository, $SCRATCHLLM_DATA, "
                + "an argument, or ~ in prose)").isEmpty();
    }

    /** The repository's files: {@code git ls-files} when git is there, else a walk that skips build output. */
    static List<Path> repositoryFiles() throws IOException {
        try {
            Process p = new ProcessBuilder("git", "ls-files", "-z").redirectErrorStream(false).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (p.waitFor() == 0 && out.length > 0) {
                List<Path> files = new ArrayList<>();
                for (String name : new String(out, StandardCharsets.UTF_8).split("\0"))
                    if (!name.isEmpty() && Files.isRegularFile(Path.of(name))) files.add(Path.of(name));
                return files;
            }
        } catch (IOException | InterruptedException e) {
            // no git: walk the tree instead
        }
        try (Stream<Path> s = Files.walk(Path.of("."))) {
            return s.filter(Files::isRegularFile)
                    .filter(f -> {
                        for (Path part : Path.of(".").relativize(f)) if (SKIP_DIRS.contains(part.toString())) return false;
                        return true;
                    })
                    .sorted().toList();
        }
    }

    static boolean isBinary(byte[] b) {
        for (int i = 0; i < Math.min(b.length, 8192); i++) if (b[i] == 0) return true;
        return false;
    }
}
