package dev.scratchllm.bench;

import org.junit.jupiter.api.Test;
import org.openjdk.jmh.annotations.Fork;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The JMH benchmarks' forked JVMs start with the flags of the JVM that launched them
 * ({@code exec:exec@bench} passes the pom's {@code heap.flags}, {@code -Xms8g -Xmx8g}) plus their
 * {@code @Fork} arguments. A heap size in {@code @Fork} (an {@code -Xmx4g}, say) then contradicts
 * {@code -Xms8g} and the fork dies before the first iteration — which is how the documented
 * {@code SgemmBench} command was broken until session 5. This test keeps heap sizes out of the
 * benchmarks' fork arguments.
 */
class BenchForkTest {

    @Test
    void benchmarkForksSetNoHeapSizeOfTheirOwn() throws IOException, URISyntaxException, ClassNotFoundException {
        Path dir = Path.of(SgemmBench.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .resolve("dev/scratchllm/bench");
        List<String> forked = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.sorted().toList()) {
                String name = f.getFileName().toString();
                if (!name.endsWith(".class") || name.contains("$")) continue;
                Class<?> c = Class.forName("dev.scratchllm.bench." + name.substring(0, name.length() - 6));
                Fork fork = c.getAnnotation(Fork.class);
                if (fork == null) continue;
                forked.add(c.getSimpleName());
                List<String> args = new ArrayList<>(List.of(fork.jvmArgs()));
                args.addAll(List.of(fork.jvmArgsAppend()));
                args.addAll(List.of(fork.jvmArgsPrepend()));
                assertThat(args).as("@Fork arguments of %s", c.getSimpleName())
                        .noneMatch(a -> a.startsWith("-Xmx") || a.startsWith("-Xms")
                                || a.startsWith("-XX:MaxHeapSize") || a.startsWith("-XX:InitialHeapSize"));
            }
        }
        assertThat(forked).contains("SgemmBench", "KernelsBench", "GenerationBench", "TokenizerBench");
    }
}
