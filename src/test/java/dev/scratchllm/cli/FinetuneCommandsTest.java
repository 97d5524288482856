package dev.scratchllm.cli;

import dev.scratchllm.data.DataFiles;
import dev.scratchllm.finetune.InstructionData;
import dev.scratchllm.finetune.SpamData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The fine-tuning commands on tiny models and a few examples: they run, print, plot, save and reload. */
class FinetuneCommandsTest {
    static PrintStream stream(ByteArrayOutputStream buf) {
        return new PrintStream(buf, true, StandardCharsets.UTF_8);
    }

    @Test
    void classifierFromScratchTrainsSavesAndClassifies(@TempDir Path tmp) throws Exception {
        assumeTrue(DataFiles.find(SpamData.DATA_FILE).isPresent(), () -> "skipped: " + DataFiles.describeSearch(SpamData.DATA_FILE));
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        var s = FinetuneClassifier.parse(List.of("--emb-dim", "16", "--layers", "1", "--heads", "2", "--context", "128", "--epochs", "1",
                "--train-limit", "64", "--eval-freq", "4", "--eval-iter", "2", "--lr", "1e-3", "--train-all-layers", "--out", tmp.toString(), "--threads", "2"));
        var r = FinetuneClassifier.run(s, stream(buf));
        String out = buf.toString(StandardCharsets.UTF_8);
        assertThat(out).contains("Notice: no --gpt2 weights and no --checkpoint given").contains("Loaders: 8 training, 19 validation, 38 test batches of 8 x ")
                .contains("Ep 1 (Step 000000): Train loss").contains("Training accuracy: ").contains("Test accuracy: ").contains(" <- \"You are a winner");
        assertThat(r.history().examplesSeen()).isEqualTo(64);
        assertThat(tmp.resolve("data/train.csv")).exists();
        assertThat(Files.size(tmp.resolve("accuracy-plot.png"))).isGreaterThan(1000);
        ByteArrayOutputStream cls = new ByteArrayOutputStream();
        List<String> labels = Classify.run(Classify.parse(List.of("--checkpoint", tmp.resolve("checkpoint").toString())), stream(cls));
        assertThat(labels).hasSize(2).allMatch(l -> l.equals("spam") || l.equals("not spam"));
        assertThatThrownBy(() -> Respond.run(Respond.parse(List.of("--checkpoint", tmp.resolve("checkpoint").toString(), "--instruction", "x")), System.out))
                .hasMessageContaining("task \"classifier\", expected \"instructions\"");
    }

    @Test
    void instructionsWithLoraTrainSaveRespond(@TempDir Path tmp) throws Exception {
        assumeTrue(DataFiles.find(InstructionData.FILE).isPresent(), () -> "skipped: " + DataFiles.describeSearch(InstructionData.FILE));
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        var s = FinetuneInstructions.parse(List.of("--emb-dim", "16", "--layers", "1", "--heads", "2", "--context", "256", "--epochs", "1",
                "--train-limit", "16", "--test-limit", "2", "--max-new-tokens", "4", "--eval-freq", "1", "--eval-iter", "1", "--lr", "1e-3",
                "--lora-rank", "4", "--out", tmp.toString(), "--threads", "2"));
        var r = FinetuneInstructions.run(s, stream(buf));
        String out = buf.toString(StandardCharsets.UTF_8);
        assertThat(out).contains("LoRA (exercise 7.4): rank 4, alpha 4").contains("Ep 1 (Step 000000): Train loss").contains("Correct response:")
                .contains("Model response:").containsAnyOf("Ollama is not running", "Average score");
        assertThat(r.responses()).hasSize(2);
        assertThat(InstructionData.load(tmp.resolve("instruction-data-with-response.json"))).isEqualTo(r.responses());
        String response = Respond.run(Respond.parse(List.of("--checkpoint", tmp.resolve("checkpoint").toString(), "--instruction",
                "Rewrite the sentence using a simile.", "--input", "The car is very fast.", "--max-new-tokens", "4")), stream(new ByteArrayOutputStream()));
        assertThat(response).isEqualTo(r.responses().get(0).modelResponse());
    }

    @Test
    void dataWithoutATrainingBatchIsRefusedAndThePreviousCheckpointKept(@TempDir Path tmp) throws Exception {
        assumeTrue(DataFiles.find(SpamData.DATA_FILE).isPresent(), () -> "skipped: " + DataFiles.describeSearch(SpamData.DATA_FILE));
        Path previous = Files.createDirectories(tmp.resolve("checkpoint"));
        Files.writeString(previous.resolve("checkpoint.json"), "{\"previous\": true}");
        var s = FinetuneClassifier.parse(List.of("--emb-dim", "16", "--layers", "1", "--heads", "2", "--context", "128", "--epochs", "1",
                "--train-limit", "4", "--out", tmp.toString(), "--threads", "1"));
        assertThatThrownBy(() -> FinetuneClassifier.run(s, stream(new ByteArrayOutputStream())))
                .hasMessageContaining("finetune-classifier: the data give 0 training and 19 validation batches (4 training messages, batch size 8")
                .hasMessageContaining("nothing would be trained");
        assertThat(Files.readString(previous.resolve("checkpoint.json"))).isEqualTo("{\"previous\": true}");
    }

    @Test
    void anOutputFolderInUseIsRefusedNamingItsHolder(@TempDir Path tmp) throws Exception {
        try (var holder = dev.scratchllm.io.FolderLock.acquire(tmp, "finetune-instructions --epochs 9")) {
            var s = FinetuneInstructions.parse(List.of("--emb-dim", "16", "--layers", "1", "--heads", "2", "--out", tmp.toString()));
            assertThatThrownBy(() -> FinetuneInstructions.run(s, stream(new ByteArrayOutputStream())))
                    .hasMessageContaining(tmp + " is in use by another run (pid " + ProcessHandle.current().pid() + ", finetune-instructions --epochs 9, started ")
                    .hasMessageContaining("choose another output folder (--out)");
        }
        Path file = Files.writeString(tmp.resolve("a-file"), "x");
        var s = FinetuneClassifier.parse(List.of("--out", file.toString()));
        assertThatThrownBy(() -> FinetuneClassifier.run(s, stream(new ByteArrayOutputStream()))).hasMessageContaining("is a file, not a folder");
        try (var again = dev.scratchllm.io.FolderLock.acquire(tmp, "released before")) {
            assertThat(Files.readString(tmp.resolve(dev.scratchllm.io.FolderLock.FILE))).startsWith("pid ").contains("released before");
        }
    }

    @Test
    void badOptionsAreExplained() {
        assertThatThrownBy(() -> FinetuneClassifier.parse(List.of("--epochs"))).hasMessageContaining("needs a value");
        assertThatThrownBy(() -> FinetuneClassifier.parse(List.of("--epochs", "five"))).hasMessageContaining("--epochs must be a whole number from 1 to 1000000, got 'five'");
        assertThatThrownBy(() -> FinetuneInstructions.parse(List.of("--speed", "1"))).hasMessageContaining("unknown option --speed");
        assertThatThrownBy(() -> FinetuneInstructions.parse(List.of("--phi3", "--mask-instructions"))).hasMessageContaining("not supported");
        assertThatThrownBy(() -> Respond.parse(List.of())).hasMessageContaining("--instruction TEXT is required");
        assertThat(FinetuneClassifier.parse(List.of("--lora-rank", "16")).lr()).isEqualTo(8e-4);
        assertThat(FinetuneClassifier.parse(List.of()).lr()).isEqualTo(5e-5);
    }
}
