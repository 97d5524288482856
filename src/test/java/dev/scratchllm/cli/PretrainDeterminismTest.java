package dev.scratchllm.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two identical seeded {@code pretrain} runs in one JVM write the same checkpoint, byte for byte.
 * The first run starts with nothing compiled and the second one finds the kernels compiled by
 * C2, so this fails whenever a kernel's result depends on the JIT (as it did before the kernels'
 * exp, tanh and lane sums were made tier-independent; see {@code docs/determinism.md}). A tiny
 * model (32 features, one layer, 32 tokens of context) with dropout, one epoch over the book's
 * story (or the bundled corpus when the story is not available).
 */
class PretrainDeterminismTest {

    @Test
    void twoIdenticalRunsWriteByteIdenticalCheckpoints(@TempDir Path tmp) throws Exception {
        byte[][] model = new byte[2][], optimizer = new byte[2][];
        for (int run = 0; run < 2; run++) {
            Path dir = tmp.resolve("run" + run);
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            var settings = Pretrain.parse(List.of("--epochs", "1", "--emb-dim", "32", "--layers", "1", "--heads", "2", "--context", "32",
                    "--eval-freq", "50", "--out", dir.toString(), "--threads", "2"));
            Pretrain.run(settings, new PrintStream(buf, true, StandardCharsets.UTF_8));
            model[run] = Files.readAllBytes(dir.resolve("checkpoint/model.safetensors"));
            try (var files = Files.list(dir.resolve("checkpoint"))) {
                Path opt = files.filter(p -> p.getFileName().toString().startsWith("optimizer")).findFirst().orElseThrow();
                optimizer[run] = Files.readAllBytes(opt);
            }
        }
        assertThat(model[0].length).isGreaterThan(1000);
        assertThat(model[1]).as("model.safetensors of the second run").isEqualTo(model[0]);
        assertThat(optimizer[1]).as("the optimizer state of the second run").isEqualTo(optimizer[0]);
    }
}
