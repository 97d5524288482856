package dev.scratchllm.spark;

import dev.scratchllm.cli.UsageException;
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
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The launcher: pretrain's options plus the Spark ones, a tiny run in local[2], its checkpoint, and a resume that has nothing left to do. */
class SparkPretrainTest {
    @Test
    void usageErrorsNameTheOption() {
        assertThatThrownBy(() -> SparkPretrain.run(List.of("--emb-dim", "16", "--heads", "2", "--batch", "3", "--workers", "2"), System.out))
                .isInstanceOf(UsageException.class).hasMessageContaining("--batch 3 (the global batch) must be a multiple of --workers 2");
        assertThatThrownBy(() -> SparkPretrain.run(List.of("--emb-dim", "16", "--heads", "2", "--workers", "0"), System.out))
                .isInstanceOf(UsageException.class).hasMessageContaining("--workers must be a whole number >= 1, got '0'");
        assertThatThrownBy(() -> SparkPretrain.run(List.of("--emb-dim", "16", "--heads", "2", "--epochs", "0"), System.out))
                .isInstanceOf(UsageException.class).hasMessageContaining("--epochs");
    }

    @Test
    void aTinyRunInLocalTwoWritesItsCheckpointAndResumesToTheEnd(@TempDir Path tmp) throws IOException {
        Path text = tmp.resolve("text.txt");
        Files.writeString(text, "Every effort moves you forward, and every step counts. ".repeat(12), StandardCharsets.UTF_8);
        List<String> args = new ArrayList<>(List.of("--master", "local[2]", "--text", text.toString(), "--context", "8", "--emb-dim", "16", "--heads", "2",
                "--layers", "1", "--drop-rate", "0", "--batch", "4", "--epochs", "1", "--lr", "0.001", "--out", tmp.resolve("out").toString(),
                "--checkpoint-every", "2"));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        SparkDataParallel.Result r = SparkPretrain.run(args, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertThat(r.firstStep()).isZero();
        assertThat(r.losses()).hasSize(r.stepsPerEpoch()).allSatisfy(l -> assertThat(l).isBetween(9.0, 12.0)); // ln(50257) = 10.8 untrained
        assertThat(out).contains("2 workers x batch 2").contains("Validation loss of the final model:").contains("broadcast(ms)");

        GPTModel m = new GPTModel(new GPTConfig(50257, 8, 16, 2, 1, 0.0, false));
        Checkpoint.Info info = Checkpoint.load(tmp.resolve("out").resolve("checkpoint"), m, null);
        assertThat(info.step()).isEqualTo(r.stepsPerEpoch());
        assertThat(info.extra()).containsEntry("spark.workers", "2").containsEntry("spark.batch_per_worker", "2");

        args.add("--resume");
        SparkDataParallel.Result again = SparkPretrain.run(args, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        assertThat(again.firstStep()).isEqualTo(r.stepsPerEpoch());
        assertThat(again.losses()).isEmpty();
    }
}
