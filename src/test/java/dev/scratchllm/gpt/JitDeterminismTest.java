package dev.scratchllm.gpt;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Same input, same output, whatever the JIT has compiled: {@link JitWarmupProbe} runs a seeded GPT
 * forward pass and training step in a fresh JVM before any kernel is compiled, again after a
 * warm-up in which C2 compiles them, and every value must have the same bits.
 *
 * <p>It runs in its own JVM because this one is warm already. The warm-up is short (300 runs of a
 * tiny model) because the child compiles at a tenth of the usual invocation counts
 * ({@code -XX:CompileThresholdScaling=0.1}); before the kernels' exp, tanh and lane sums were
 * made tier-independent, 130,843 of the 291,153 values differed (by up to 2.4e-6). See
 * {@code docs/determinism.md}.
 */
class JitDeterminismTest {

    @Test
    void aForwardPassAndTrainingStepGiveTheSameBitsColdAndAfterWarmUp(@TempDir Path tmp) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) cmd.addAll(List.of("--add-modules", "jdk.incubator.vector"));
        cmd.addAll(List.of("-Xmx1g", "-XX:CompileThresholdScaling=0.1", "-cp", System.getProperty("java.class.path"),
                JitWarmupProbe.class.getName(), "300"));
        String out = run(cmd, tmp.resolve("probe.log"));
        Matcher m = Pattern.compile("values=(\\d+) differ=(\\d+) maxAbs=(\\S+) firstAt=(-?\\d+)").matcher(out);
        if (!m.find()) fail("the probe printed no result:\n" + out);
        assertThat(Integer.parseInt(m.group(1))).as(out).isEqualTo(291_153);
        assertThat(Integer.parseInt(m.group(2))).as("values that differ between the cold and the warm run: %s", out).isZero();
    }

    private static String run(List<String> cmd, Path log) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            fail("the probe did not finish in 10 minutes");
        }
        String out = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }
}
