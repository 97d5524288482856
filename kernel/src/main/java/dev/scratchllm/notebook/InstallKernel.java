// Writes a Jupyter kernelspec for the ScratchLLM kernel and checks it.
// It does: copy the kernel's class path (its jar, the library's jar, the protocol library's jars)
// into the kernelspec folder, write kernel.json whose argv starts a JDK 21+ by its full path with
// --add-modules jdk.incubator.vector and whose env sets JAVA_HOME and PATH to that JDK (so nothing
// depends on which java comes first on the user's PATH), then run that command line with --check
// and fail unless it reports Java 21+, the Vector API and the library.
// It does not: install Jupyter, download anything, or register the kernel anywhere but the folder.
package dev.scratchllm.notebook;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * {@code java -cp 'kernel/target/scratchllm-kernel.jar:kernel/target/lib/*' dev.scratchllm.notebook.InstallKernel [options]}
 *
 * <pre>
 *   --name NAME          kernelspec name (default "java", the name the notebooks' metadata asks for)
 *   --kernels-dir DIR    the Jupyter "kernels" folder (default: the user's, see {@link #userKernelsDir})
 *   --java-home DIR      the JDK the kernel runs on (default: the one running this command; 21 or newer)
 * </pre>
 */
public final class InstallKernel {
    /** The oldest Java the library runs on. */
    public static final int MIN_JAVA = 21;

    private InstallKernel() {
    }

    /**
     * Installs the kernelspec and prints where, or exits with status 1 and the reason.
     *
     * @param args the options above
     */
    public static void main(String[] args) {
        try {
            Map<String, String> opts = options(args);
            Path kernelsDir = opts.containsKey("--kernels-dir") ? Path.of(opts.get("--kernels-dir")) : userKernelsDir(System.getenv(), System.getProperty("os.name"), System.getProperty("user.home"));
            Path javaHome = Path.of(opts.getOrDefault("--java-home", System.getProperty("java.home")));
            Path dir = install(kernelsDir.resolve(opts.getOrDefault("--name", "java")), javaHome, classPath());
            System.out.println("Installed the ScratchLLM kernel in " + dir + " (Java " + javaHome + ")");
            System.out.println(Files.readString(dir.resolve("kernel.json")));
        } catch (IOException | IllegalArgumentException | IllegalStateException e) {
            System.err.println("InstallKernel: " + e.getMessage());
            System.exit(1);
        }
    }

    static Map<String, String> options(String[] args) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!List.of("--name", "--kernels-dir", "--java-home").contains(a) || i + 1 == args.length)
                throw new IllegalArgumentException("unknown option or missing value: " + a + " (options: --name NAME, --kernels-dir DIR, --java-home DIR)");
            m.put(a, args[++i]);
        }
        return m;
    }

    /**
     * Jupyter's per-user kernels folder: {@code $JUPYTER_DATA_DIR/kernels}, else on Linux
     * {@code $XDG_DATA_HOME/jupyter/kernels} or {@code ~/.local/share/jupyter/kernels}, on macOS
     * {@code ~/Library/Jupyter/kernels}, on Windows {@code %APPDATA%\jupyter\kernels}.
     *
     * @param env the environment
     * @param os the {@code os.name} property
     * @param home the user's home folder
     * @return the folder (it may not exist yet)
     */
    public static Path userKernelsDir(Map<String, String> env, String os, String home) {
        String data = env.get("JUPYTER_DATA_DIR");
        if (data != null && !data.isBlank()) return Path.of(data, "kernels");
        String o = os.toLowerCase(Locale.ROOT);
        if (o.contains("mac")) return Path.of(home, "Library", "Jupyter", "kernels");
        if (o.contains("win") && env.get("APPDATA") != null) return Path.of(env.get("APPDATA"), "jupyter", "kernels");
        String xdg = env.get("XDG_DATA_HOME");
        if (xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()) return Path.of(xdg, "jupyter", "kernels");
        return Path.of(home, ".local", "share", "jupyter", "kernels");
    }

    /** The jars of this JVM's class path (a "dir/*" entry gives the folder's jars; class folders are refused). */
    static List<Path> classPath() {
        List<Path> jars = new ArrayList<>();
        for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (e.isBlank()) continue;
            if (e.endsWith("*")) {
                try (Stream<Path> s = Files.list(Path.of(e.substring(0, e.length() - 1)))) {
                    s.filter(p -> p.toString().endsWith(".jar")).sorted().forEach(jars::add);
                } catch (IOException x) {
                    throw new UncheckedIOException(x);
                }
            } else {
                jars.add(Path.of(e));
            }
        }
        return jars;
    }

    /**
     * Writes {@code dir/kernel.json} and {@code dir/lib/*.jar} and checks the result.
     *
     * @param dir the kernelspec folder (e.g. {@code ~/.local/share/jupyter/kernels/java})
     * @param javaHome the JDK the kernel runs on
     * @param classPath the kernel's jars (its own, the library's, the protocol library's)
     * @return {@code dir}
     * @throws IOException when a file cannot be written
     * @throws IllegalStateException when the check fails (old Java, no Vector API, no library)
     */
    public static Path install(Path dir, Path javaHome, List<Path> classPath) throws IOException {
        Path java = javaHome.resolve("bin").resolve(isWindows() ? "java.exe" : "java").toAbsolutePath().normalize();
        if (!Files.isExecutable(java)) throw new IllegalArgumentException(java + " is not an executable: pass --java-home with a JDK " + MIN_JAVA + "+");
        Path lib = dir.resolve("lib");
        Files.createDirectories(lib);
        try (Stream<Path> old = Files.list(lib)) {
            for (Path p : old.toList()) Files.delete(p);
        }
        List<String> cp = new ArrayList<>();
        for (Path jar : classPath) {
            if (!Files.isRegularFile(jar)) throw new IllegalArgumentException("class path entry " + jar + " is not a jar (build with mvn -f kernel/pom.xml package)");
            Path copy = lib.resolve(jar.getFileName().toString());
            Files.copy(jar, copy, StandardCopyOption.REPLACE_EXISTING);
            cp.add(copy.toAbsolutePath().toString());
        }
        List<String> argv = List.of(java.toString(), "--add-modules", "jdk.incubator.vector", "-cp", String.join(File.pathSeparator, cp),
                KernelMain.class.getName(), "{connection_file}");
        String path = javaHome.toAbsolutePath().normalize().resolve("bin") + File.pathSeparator + System.getenv().getOrDefault("PATH", "");
        String json = "{\n"
                + " \"argv\": [" + String.join(", ", argv.stream().map(InstallKernel::quote).toList()) + "],\n"
                + " \"display_name\": \"Java (ScratchLLM)\",\n"
                + " \"env\": {\"JAVA_HOME\": " + quote(javaHome.toAbsolutePath().normalize().toString()) + ", \"PATH\": " + quote(path) + "},\n"
                + " \"interrupt_mode\": \"message\",\n"   // a SIGINT would end the JVM; the protocol library handles interrupt_request
                + " \"language\": \"java\"\n"
                + "}\n";
        Path tmp = Files.createTempFile(dir, "kernel", ".json.tmp");
        Files.writeString(tmp, json, StandardCharsets.UTF_8);
        Files.move(tmp, dir.resolve("kernel.json"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        check(argv);
        return dir;
    }

    /** Runs the kernelspec's command line with --check instead of the connection file and verifies what it reports. */
    static void check(List<String> argv) throws IOException {
        List<String> cmd = new ArrayList<>(argv.subList(0, argv.size() - 1));
        cmd.add(KernelMain.CHECK);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out;
        try {
            out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("the kernel's check did not finish in 60 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while checking the kernel", e);
        }
        if (p.exitValue() != 0) throw new IllegalStateException("the kernel's command line fails (exit " + p.exitValue() + "):\n" + out);
        Map<String, String> facts = new LinkedHashMap<>();
        out.lines().filter(l -> l.contains("=")).forEach(l -> facts.put(l.substring(0, l.indexOf('=')), l.substring(l.indexOf('=') + 1)));
        int version = Integer.parseInt(facts.getOrDefault("java.version", "0"));
        if (version < MIN_JAVA) throw new IllegalStateException("the kernel's Java is " + version + "; ScratchLLM needs " + MIN_JAVA + "+ (pass --java-home)");
        if (!"true".equals(facts.get("vector.api"))) throw new IllegalStateException("the kernel's JVM has no jdk.incubator.vector:\n" + out);
        if (!"present".equals(facts.get("library"))) throw new IllegalStateException("the library is not on the kernel's class path (mvn install in the repository's root, then mvn -f kernel/pom.xml package)");
    }

    private static boolean isWindows() {
        return System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("win");
    }

    static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                default -> {
                    if (c < 0x20) sb.append(String.format("\\u%04x", (int) c));
                    else sb.append(c);
                }
            }
        }
        return sb.append('"').toString();
    }
}
