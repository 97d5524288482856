// The kernel's evaluation without a Jupyter connection: what a cell shows, where it stops, %maven.
package dev.scratchllm.notebook;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ScratchKernelTest {
    @TempDir
    static Path repo;
    static ScratchKernel kernel;

    @BeforeAll
    static void start() {
        kernel = ScratchKernel.builder().localRepository(repo).build();
    }

    @AfterAll
    static void stop() {
        kernel.onShutdown(false);
    }

    @Test
    void theLibraryIsOnTheClassPathAndItsMavenLineIsAccepted() {
        assertNull(kernel.evalRaw("%maven dev.scratchllm:scratchllm:0.1.0-SNAPSHOT\nimport static dev.scratchllm.ScratchLLM.*;"));
        // int64 matmul, as PyTorch prints it (appendix A)
        assertEquals("tensor([[14, 32],\n        [32, 77]])",
                kernel.evalRaw("var t2 = tensor(new long[][] {{1, 2, 3}, {4, 5, 6}});\nt2.matmul(t2.t()).toString()"));
    }

    @Test
    void aCellShowsTheValueOfItsLastExpressionOnlyAsJJavaDoes() {
        assertEquals("2", kernel.evalRaw("int one = 1;\none + one"));
        assertNull(kernel.evalRaw("int two = 2;"));
        assertNull(kernel.evalRaw("System.out.println(two);"));
        // printf returns System.out (in a kernel java.io.PrintStream@..., under surefire its own stream class): shown as Out[n]
        assertTrue(String.valueOf(kernel.evalRaw("System.out.printf(\"%d%n\", 3);")).contains("@"));
    }

    @Test
    void aFailingCellStopsWithTheExceptionItThrew() {
        var e = assertThrows(ScratchKernel.CellException.class, () -> kernel.evalRaw("int n = Integer.parseInt(\"nope\");\nSystem.out.println(\"after\");"));
        assertEquals("java.lang.NumberFormatException: For input string: \"nope\"", e.getMessage());
        var c = assertThrows(ScratchKernel.CellException.class, () -> kernel.evalRaw("int m = undefinedThing + 1;"));
        assertTrue(c.getMessage().contains("undefinedThing"), c.getMessage());
    }

    @Test
    void otherMavenCoordinatesComeFromTheLocalRepositoryOnly() throws Exception {
        var e = assertThrows(ScratchKernel.CellException.class, () -> kernel.evalRaw("%maven org.example:nothing:1.0"));
        assertTrue(e.getMessage().contains("not in the local Maven repository") && e.getMessage().contains("mvn dependency:get"), e.getMessage());
        assertThrows(ScratchKernel.CellException.class, () -> kernel.evalRaw("%jars lib/x.jar"));
        // a jar that is there is added to the class path
        Path src = Files.createTempDirectory("src");
        Files.writeString(src.resolve("Hello.java"), "package org.example; public class Hello { public static String hi() { return \"hi\"; } }");
        Path classes = Files.createDirectories(src.resolve("classes"));
        int rc = javax.tools.ToolProvider.getSystemJavaCompiler().run(null, null, null, "-d", classes.toString(), src.resolve("Hello.java").toString());
        assertEquals(0, rc);
        Path jar = Files.createDirectories(repo.resolve("org/example/hello/1.0")).resolve("hello-1.0.jar");
        try (var out = new java.util.jar.JarOutputStream(Files.newOutputStream(jar))) {
            out.putNextEntry(new java.util.jar.JarEntry("org/example/Hello.class"));
            out.write(Files.readAllBytes(classes.resolve("org/example/Hello.class")));
        }
        assertEquals("hi", kernel.evalRaw("%maven org.example:hello:1.0\norg.example.Hello.hi()"));
    }

    @Test
    void completenessForTheFrontEnd() {
        assertEquals(ScratchKernel.IS_COMPLETE_YES, kernel.isComplete("int a = 1;"));
        assertEquals("", kernel.isComplete("for (int i = 0; i < 3; i++) {"));
    }

    @Test
    void withoutTheVectorApiTheFirstCellSaysSoOnce() throws Exception {
        Path javaBin = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(javaBin.toString(), "-cp", System.getProperty("java.class.path"), NoticeProbe.class.getName())
                .redirectErrorStream(true).start();   // no --add-modules jdk.incubator.vector
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        assertTrue(out.contains(ScratchKernel.NO_VECTOR_API + "\nvalue: 2\nsecond: 4"), out);
        assertEquals(out.indexOf("NOTICE"), out.lastIndexOf("NOTICE"), out);
    }
}
