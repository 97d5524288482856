// Keeps exercise mode working while the library changes (default build only; exercise mode runs
// just the *ExerciseTest classes). It checks that the registry (Exercise), the stubs in
// exercises/src/main/java, the reference adapters in exercises/src/reference/java and the exercise
// tests agree; that the untouched stubs compile against today's library and tests; that every
// exercise test, run against them, fails with its own "not done yet" message (what a learner sees
// first); and that the guides have the anchors the messages point to. It does not check the
// learner's solutions: when the stubs have been edited (a learner's checkout) the stub checks are
// skipped with a note, except on a CI server (CI set), where an edited stub must not be committed.
package dev.scratchllm.exercises;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import java.io.File;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

@DisplayName("Exercise mode: registry, stubs, reference adapters, tests and guides agree")
class ExerciseStubsTest {
    static final Path STUBS = Path.of("exercises/src/main/java");
    static final Path REFERENCE = Path.of("exercises/src/reference/java");
    static final Path TESTS = Path.of("src/test/java/dev/scratchllm/exercises");
    static final Pattern EXERCISE_REF = Pattern.compile("Exercise\\.([A-Z0-9_]+)");

    /** The exercise test classes, found next to this class. */
    static List<Class<?>> exerciseTestClasses() throws IOException, ClassNotFoundException {
        List<Class<?>> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(TESTS)) {
            for (Path p : files.sorted().toList()) {
                String name = p.getFileName().toString();
                if (name.endsWith("ExerciseTest.java"))
                    out.add(Class.forName("dev.scratchllm.exercises." + name.substring(0, name.length() - ".java".length())));
            }
        }
        return out;
    }

    static List<Method> testMethods(Class<?> c) {
        return Arrays.stream(c.getDeclaredMethods()).filter(m -> m.isAnnotationPresent(Test.class))
                .sorted(Comparator.comparing(Method::getName)).toList();
    }

    /** The method-name prefix of an exercise's tests, e.g. {@code listing3_1_}. */
    static String prefix(Exercise e) {
        String[] p = e.name().split("_");
        return p[0].toLowerCase(Locale.ROOT) + p[1] + "_" + p[2] + "_";
    }

    static List<Path> javaFiles(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        }
    }

    /**
     * Stub files a learner has edited: one whose "TODO" notes outnumber its remaining
     * {@code throw new ExerciseNotDoneException(...)} statements.
     */
    static List<Path> editedStubs() throws IOException {
        List<Path> edited = new ArrayList<>();
        for (Path p : javaFiles(STUBS)) {
            String s = Files.readString(p, StandardCharsets.UTF_8);
            if (count(s, "TODO") != count(s, "new ExerciseNotDoneException(")) edited.add(p);
        }
        return edited;
    }

    static int count(String s, String what) {
        int n = 0;
        for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) n++;
        return n;
    }

    /** Aborts the calling check in a learner's checkout (edited stubs); fails on a CI server, where edited stubs must not be committed. */
    static void assumeUntouchedStubs() throws IOException {
        List<Path> edited = editedStubs();
        if (edited.isEmpty()) return;
        String msg = "exercises/src/main/java has been edited (" + edited + "): these files are a learner's work, not the project's stubs."
                + " Run the exercises with mvn test -Pexercises; git checkout -- exercises/src/main/java restores the stubs.";
        if (System.getenv("CI") != null) fail(msg + " A solved or edited stub must not be committed.");
        assumeTrue(false, "skipped: " + msg);
    }

    @Test
    @DisplayName("every exercise has a stub, a reference adapter of the same name, and tests named after it in one class")
    void registryFilesAndTests() throws Exception {
        Set<String> stubFiles = new TreeSet<>(), referenceFiles = new TreeSet<>();
        for (Path p : javaFiles(STUBS)) stubFiles.add(STUBS.relativize(p).toString().replace(File.separatorChar, '/'));
        for (Path p : javaFiles(REFERENCE)) referenceFiles.add(REFERENCE.relativize(p).toString().replace(File.separatorChar, '/'));
        assertThat(referenceFiles).as("the reference adapters (exercises/src/reference/java) mirror the stubs class for class").isEqualTo(stubFiles);
        for (Exercise e : Exercise.values()) {
            assertThat(stubFiles).as(e + "'s stub").contains("dev/scratchllm/exercises/" + e.stub());
            assertThat(e.stubFile()).isEqualTo("exercises/src/main/java/dev/scratchllm/exercises/" + e.stub());
        }

        Map<Exercise, Set<String>> classesOf = new EnumMap<>(Exercise.class);
        for (Class<?> c : exerciseTestClasses()) {
            assertThat(c.isAnnotationPresent(org.junit.jupiter.api.extension.ExtendWith.class)).as(c.getSimpleName() + " registers ExerciseReport").isTrue();
            for (Method m : testMethods(c)) {
                Checks checks = m.getAnnotation(Checks.class);
                assertThat(checks).as(c.getSimpleName() + "." + m.getName() + " has @Checks").isNotNull();
                Exercise first = checks.value()[0];
                assertThat(m.getName()).as(c.getSimpleName() + "." + m.getName() + " starts with its exercise's prefix (for -Dtest='Class#prefix*')")
                        .startsWith(prefix(first));
                assertThat(Modifier.isStatic(m.getModifiers()) || m.getParameterCount() > 0).as(m.getName() + ": plain instance method").isFalse();
                for (Exercise e : checks.value()) classesOf.computeIfAbsent(e, k -> new TreeSet<>()).add(c.getSimpleName());
            }
        }
        for (Exercise e : Exercise.values())
            assertThat(classesOf.get(e)).as(e + "'s tests (all in one class)").isNotNull().hasSize(1);
    }

    @Test
    @DisplayName("each untouched stub throws ExerciseNotDoneException for exactly the exercises registered to its file")
    void stubsThrowTheirExercises() throws Exception {
        assumeUntouchedStubs();
        Map<String, Set<Exercise>> registered = new java.util.TreeMap<>();
        for (Exercise e : Exercise.values()) registered.computeIfAbsent(e.stub(), k -> EnumSet.noneOf(Exercise.class)).add(e);
        Path root = STUBS.resolve("dev/scratchllm/exercises");
        for (Path p : javaFiles(root)) {
            String rel = root.relativize(p).toString().replace(File.separatorChar, '/');
            String src = Files.readString(p, StandardCharsets.UTF_8);
            Set<Exercise> thrown = EnumSet.noneOf(Exercise.class);
            Matcher m = Pattern.compile("new ExerciseNotDoneException\\(Exercise\\.([A-Z0-9_]+)\\)").matcher(src);
            while (m.find()) thrown.add(Exercise.valueOf(m.group(1)));
            assertThat(thrown).as(rel + ": the exercises its stubs throw").isEqualTo(registered.getOrDefault(rel, EnumSet.noneOf(Exercise.class)));
            Matcher refs = EXERCISE_REF.matcher(src);
            while (refs.find()) assertThat(registered.getOrDefault(rel, Set.of())).as(rel + " mentions Exercise." + refs.group(1)).contains(Exercise.valueOf(refs.group(1)));
        }
    }

    @Test
    @DisplayName("the untouched stubs compile with the exercise tests, and every quick test fails with its own exercise's \"not done yet\"")
    void untouchedStubsFailWithTheirMessage() throws Exception {
        assumeUntouchedStubs();
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertThat(javac).as("a JDK compiler (tests run on the JDK Maven's toolchain selects)").isNotNull();
        Path out = Files.createTempDirectory("scratchllm-stubs");
        try {
            List<File> sources = new ArrayList<>();
            for (Path p : javaFiles(STUBS)) sources.add(p.toFile());
            for (Class<?> c : exerciseTestClasses()) sources.add(TESTS.resolve(c.getSimpleName() + ".java").toFile());
            sources.add(TESTS.resolve("ExerciseData.java").toFile()); // package-private helper: same class loader as the tests
            compile(javac, sources, out);
            runAgainstStubs(out);
        } finally {
            try (Stream<Path> s = Files.walk(out)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
            }
        }
    }

    /** Compiles {@code sources} into {@code out}; the sources win over the reference adapters' classes on the class path. */
    static void compile(JavaCompiler javac, List<File> sources, Path out) throws IOException {
        Set<String> cp = new LinkedHashSet<>();
        for (Class<?> c : List.of(Exercise.class, dev.scratchllm.tensor.Tensor.class, Test.class, org.assertj.core.api.Assertions.class,
                TestAbortedException.class)) cp.add(location(c));
        try {
            cp.add(location(Class.forName("org.apiguardian.api.API")));
        } catch (ClassNotFoundException absent) {
            // only annotations of JUnit's own classes; javac does without
        }
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        try (StandardJavaFileManager fm = javac.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8)) {
            List<String> options = List.of("-d", out.toString(), "-classpath", String.join(File.pathSeparator, cp), "--release", "21",
                    "-proc:none", "-nowarn", "-Xlint:none", "-encoding", "UTF-8");
            boolean ok = javac.getTask(null, fm, diagnostics, options, null, fm.getJavaFileObjectsFromFiles(sources)).call();
            if (!ok) {
                StringBuilder sb = new StringBuilder("the stubs in exercises/src/main/java no longer compile with the exercise tests:\n");
                for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics())
                    if (d.getKind() == Diagnostic.Kind.ERROR) sb.append(d.getSource() == null ? "" : d.getSource().getName() + ":" + d.getLineNumber() + ": ")
                            .append(d.getMessage(Locale.ROOT)).append('\n');
                fail(sb.toString());
            }
        }
    }

    static String location(Class<?> c) {
        try {
            return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException("cannot locate the classes of " + c.getName(), e);
        }
    }

    /** Loads the classes compiled into {@code dir} itself, everything else from the parent (the library, JUnit, the registry). */
    static final class StubLoader extends URLClassLoader {
        StubLoader(Path dir) throws IOException {
            super(new URL[] {dir.toUri().toURL()}, ExerciseStubsTest.class.getClassLoader());
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            synchronized (getClassLoadingLock(name)) {
                Class<?> c = findLoadedClass(name);
                if (c == null && findResource(name.replace('.', '/') + ".class") != null) c = findClass(name);
                if (c == null) return super.loadClass(name, resolve);
                if (resolve) resolveClass(c);
                return c;
            }
        }
    }

    /** Runs every quick exercise test against the compiled stubs, the way JUnit would call it, and checks how it ends. */
    static void runAgainstStubs(Path dir) throws Exception {
        List<String> problems = new ArrayList<>();
        Set<Exercise> seen = EnumSet.noneOf(Exercise.class);
        try (StubLoader loader = new StubLoader(dir)) {
            for (Class<?> original : exerciseTestClasses()) {
                Class<?> c = loader.loadClass(original.getName());
                assertThat(c.getClassLoader()).as(c.getSimpleName() + " is the copy compiled against the stubs").isSameAs(loader);
                var ctor = c.getDeclaredConstructor();
                ctor.setAccessible(true);
                for (Method m : testMethods(c)) {
                    if (m.isAnnotationPresent(Tag.class) && "slow".equals(m.getAnnotation(Tag.class).value())) continue; // quick siblings cover it
                    Set<Exercise> own = EnumSet.copyOf(Arrays.asList(m.getAnnotation(Checks.class).value()));
                    String test = c.getSimpleName() + "." + m.getName();
                    m.setAccessible(true);
                    Throwable thrown = null;
                    try {
                        m.invoke(ctor.newInstance());
                    } catch (InvocationTargetException e) {
                        thrown = e.getCause();
                    }
                    if (thrown == null) {
                        problems.add(test + " passes against the untouched stubs (does it call its stub?)");
                    } else if (thrown instanceof TestAbortedException) {
                        seen.addAll(own); // skipped for missing data: nothing more to check here
                    } else if (ExerciseReport.notDone(thrown).isEmpty()) {
                        problems.add(test + " fails with " + thrown + " instead of ExerciseNotDoneException (does given code break first?)");
                    } else {
                        Exercise e = ExerciseReport.notDone(thrown).get().exercise();
                        if (!own.contains(e) && !Arrays.asList(m.getAnnotation(Checks.class).after()).contains(e))
                            problems.add(test + " reports " + e.label() + ", not its own " + own + " (call the exercise's stub first)");
                        seen.addAll(own);
                    }
                }
            }
        }
        assertThat(problems).as("exercise tests against the untouched stubs").isEmpty();
        assertThat(seen).as("exercises reached by a quick test").containsExactlyInAnyOrder(Exercise.values());
    }

    @Test
    @DisplayName("the guides that exist have the anchors the exercise messages point to")
    void guideAnchors() throws IOException {
        Map<String, List<Exercise>> byGuide = new java.util.TreeMap<>();
        for (Exercise e : Exercise.values()) byGuide.computeIfAbsent(e.guideFile(), k -> new ArrayList<>()).add(e);
        List<String> missingFiles = new ArrayList<>(), missingAnchors = new ArrayList<>();
        for (var entry : byGuide.entrySet()) {
            Path guide = Path.of(entry.getKey());
            if (!Files.exists(guide)) {
                missingFiles.add(entry.getKey());
                continue;
            }
            String text = Files.readString(guide, StandardCharsets.UTF_8);
            for (Exercise e : entry.getValue()) if (!hasAnchor(text, e.anchor())) missingAnchors.add(e.guide());
        }
        assumeTrue(missingFiles.size() < byGuide.size(), () -> "skipped: no chapter guide exists yet (" + byGuide.keySet() + ")");
        assertThat(missingFiles).as("chapter guides the exercise messages point to").isEmpty();
        assertThat(missingAnchors).as("anchors the exercise messages point to (<a id=\"listing-3-1\"></a> or a heading with that slug)").isEmpty();
    }

    /** {@code <a id="x">}, {@code <a name="x">}, {@code {#x}}, or a Markdown heading whose GitHub slug is {@code x}. */
    static boolean hasAnchor(String markdown, String anchor) {
        if (markdown.contains("id=\"" + anchor + "\"") || markdown.contains("name=\"" + anchor + "\"") || markdown.contains("{#" + anchor + "}")) return true;
        for (String line : markdown.split("\\R")) {
            if (!line.startsWith("#")) continue;
            String slug = line.replaceFirst("^#+\\s*", "").strip().toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-');
            if (slug.equals(anchor)) return true;
        }
        return false;
    }
}
