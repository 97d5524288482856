// InstallKernel: where the kernelspec goes, what kernel.json says, and that the check runs it.
package dev.scratchllm.notebook;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InstallKernelTest {
    @Test
    void theUsersKernelsFolderFollowsJupytersRules() {
        String home = Path.of("/", "h").toString();
        assertEquals(Path.of("jd", "kernels"), InstallKernel.userKernelsDir(Map.of("JUPYTER_DATA_DIR", "jd"), "Linux", home));
        assertEquals(Path.of(home, ".local", "share", "jupyter", "kernels"), InstallKernel.userKernelsDir(Map.of(), "Linux", home));
        String xdg = Path.of("/", "x").toString();
        assertEquals(Path.of(xdg, "jupyter", "kernels"), InstallKernel.userKernelsDir(Map.of("XDG_DATA_HOME", xdg), "Linux", home));
        assertEquals(Path.of(home, "Library", "Jupyter", "kernels"), InstallKernel.userKernelsDir(Map.of(), "Mac OS X", home));
    }

    /** The test JVM's class path as jars (class folders packed into temporary jars), as a packaged kernel has it. */
    static List<Path> jars(Path tmp) throws Exception {
        List<Path> out = new ArrayList<>();
        int n = 0;
        for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path p = Path.of(e);
            if (Files.isRegularFile(p)) out.add(p);
            else if (Files.isDirectory(p)) {
                Path jar = tmp.resolve("classes-" + (n++) + ".jar");
                try (var jo = new JarOutputStream(Files.newOutputStream(jar)); Stream<Path> walk = Files.walk(p)) {
                    for (Path f : walk.filter(Files::isRegularFile).toList()) {
                        jo.putNextEntry(new JarEntry(p.relativize(f).toString().replace(File.separatorChar, '/')));
                        jo.write(Files.readAllBytes(f));
                    }
                }
                out.add(jar);
            }
        }
        return out;
    }

    @Test
    void writesAKernelspecThatStartsThisJdkWithTheVectorApiAndChecksIt(@TempDir Path tmp) throws Exception {
        Path javaHome = Path.of(System.getProperty("java.home"));
        Path dir = InstallKernel.install(tmp.resolve("kernels/java"), javaHome, jars(tmp));
        String json = Files.readString(dir.resolve("kernel.json"));
        String java = javaHome.resolve("bin").resolve("java").toAbsolutePath().normalize().toString();
        assertTrue(json.contains("\"argv\": [" + InstallKernel.quote(java) + ", \"--add-modules\", \"jdk.incubator.vector\", \"-cp\", "), json);
        assertTrue(json.contains("\"dev.scratchllm.notebook.KernelMain\", \"{connection_file}\"]"), json);
        assertTrue(json.contains("\"JAVA_HOME\": " + InstallKernel.quote(javaHome.toAbsolutePath().normalize().toString())), json);
        assertTrue(json.contains("\"PATH\": " + InstallKernel.quote(javaHome.toAbsolutePath().normalize().resolve("bin") + File.pathSeparator).replaceAll("\"$", "")), json);
        assertTrue(json.contains("\"language\": \"java\""), json);
        try (Stream<Path> lib = Files.list(dir.resolve("lib"))) {
            assertTrue(lib.anyMatch(p -> p.getFileName().toString().startsWith("jjava-jupyter")));
        }
    }

    @Test
    void aJavaHomeWithoutJavaOrAClassPathWithoutTheLibraryIsRefused(@TempDir Path tmp) throws Exception {
        var e = assertThrows(IllegalArgumentException.class, () -> InstallKernel.install(tmp.resolve("k"), tmp, List.of()));
        assertTrue(e.getMessage().contains("--java-home"), e.getMessage());
        var noLibrary = assertThrows(IllegalStateException.class,
                () -> InstallKernel.install(tmp.resolve("k2"), Path.of(System.getProperty("java.home")), List.of()));
        assertTrue(noLibrary.getMessage().contains("fails") || noLibrary.getMessage().contains("library"), noLibrary.getMessage());
    }
}
