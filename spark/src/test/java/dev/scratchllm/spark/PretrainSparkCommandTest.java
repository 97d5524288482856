package dev.scratchllm.spark;

import dev.scratchllm.cli.DistributedPretrain;
import dev.scratchllm.cli.Main;
import dev.scratchllm.gpt.GPTConfig;
import dev.scratchllm.gpt.GPTModel;
import dev.scratchllm.io.Checkpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The core command line's {@code pretrain --spark local[2]} with this module on the class path: it
 * finds {@link SparkDistributedPretrain} through {@link java.util.ServiceLoader}, trains on Spark
 * and writes the checkpoint (the core's own test sees the usage error instead).
 */
class PretrainSparkCommandTest {
    @Test
    void theCoreCommandRunsOnSparkThroughTheServiceLoader(@TempDir Path tmp) throws IOException {
        assertThat(DistributedPretrain.find()).isInstanceOf(SparkDistributedPretrain.class);
        Path text = tmp.resolve("text.txt");
        Files.writeString(text, "Every effort moves you forward, and every step counts. ".repeat(12), StandardCharsets.UTF_8);
        Path outDir = tmp.resolve("out");
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int status = Main.run(new String[] {"pretrain", "--spark", "local[2]", "--text", text.toString(), "--context", "8", "--emb-dim", "16",
                "--heads", "2", "--layers", "1", "--drop-rate", "0", "--batch", "4", "--epochs", "1", "--lr", "0.001", "--out", outDir.toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        String o = out.toString(StandardCharsets.UTF_8);
        assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
        assertThat(status).isZero();
        assertThat(o).contains("2 workers x batch 2").contains("broadcast(ms)").contains("Validation loss of the final model:");

        GPTModel m = new GPTModel(new GPTConfig(50257, 8, 16, 2, 1, 0.0, false));
        Checkpoint.Info info = Checkpoint.load(outDir.resolve("checkpoint"), m, null);
        assertThat(info.step()).isPositive();
        assertThat(info.extra()).containsEntry("spark.workers", "2").containsEntry("spark.batch_per_worker", "2");
        assertThat(o).contains("Checkpoint: " + outDir.resolve("checkpoint").toAbsolutePath());
    }
}
