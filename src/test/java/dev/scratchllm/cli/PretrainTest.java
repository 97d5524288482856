package dev.scratchllm.cli;

import dev.scratchllm.data.DataFiles;
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

class PretrainTest {
    @Test
    void aSmallRunTrainsPrintsPlotsAndCheckpoints(@TempDir Path tmp) throws Exception {
        assumeTrue(DataFiles.find("the-verdict.txt").isPresent(), () -> "skipped: " + DataFiles.describeSearch("the-verdict.txt"));
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        var settings = Pretrain.parse(List.of("--epochs", "2", "--emb-dim", "32", "--layers", "1", "--heads", "2", "--context", "32",
                "--eval-freq", "20", "--out", tmp.toString(), "--threads", "2"));
        var history = Pretrain.run(settings, new PrintStream(buf, true, StandardCharsets.UTF_8));
        String out = buf.toString(StandardCharsets.UTF_8);
        assertThat(out).contains("Ep 1 (Step 000000): Train loss").contains("Epoch 2/2 [").contains("tok/s").contains("Every effort moves you")
                .contains("step   tokens seen   train loss   val loss").contains("Sampled (temperature 1.4, top-k 25):");
        assertThat(history.trainLosses().get(history.trainLosses().size() - 1)).isLessThan(history.trainLosses().get(0));
        // the phase times count what ran: every step of both epochs, every evaluation, one sample per epoch
        var steps = java.util.regex.Pattern.compile("training steps: [0-9.]+ s for (\\d+) steps").matcher(out);
        assertThat(steps.find()).as(out).isTrue();
        int nSteps = Integer.parseInt(steps.group(1));
        assertThat(nSteps % 2).isZero();
        assertThat((nSteps - 1) / 20 + 1).isEqualTo(history.trainLosses().size()); // eval at steps 0, 20, 40, …
        assertThat(out).contains("evaluations:    ").contains(" for " + history.trainLosses().size() + " (")
                .contains("samples:        ").containsPattern("samples: +[0-9.]+ s for 2 \\(");
        assertThat(Files.size(tmp.resolve("loss-plot.png"))).isGreaterThan(1000);
        assertThat(tmp.resolve("checkpoint/model.safetensors")).exists();

        ByteArrayOutputStream gen = new ByteArrayOutputStream();
        String text = Generate.run(Generate.parse(List.of("--checkpoint", tmp.resolve("checkpoint").toString(), "--max-tokens", "5", "--prompt", "Every")),
                new PrintStream(gen, true, StandardCharsets.UTF_8));
        assertThat(text).startsWith("Every");
        String again = Generate.run(Generate.parse(List.of("--checkpoint", tmp.resolve("checkpoint").toString(), "--max-tokens", "5", "--prompt", "Every")),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        assertThat(again).isEqualTo(text); // seeded
        // the inference path's seeded draws (temperature 1.4, top-k 25) = torch.manual_seed + the book's generate
        String book = Generate.run(Generate.parse(List.of("--checkpoint", tmp.resolve("checkpoint").toString(), "--max-tokens", "5", "--prompt", "Every", "--book")),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        assertThat(book).isEqualTo(text);
        assertThatThrownBy(() -> Generate.run(Generate.parse(List.of("--checkpoint", tmp.toString())), System.out)).hasMessageContaining("no checkpoint here");
    }

    @Test
    void withoutTheBooksTextTheBundledCorpusIsUsedWithANotice(@TempDir Path tmp) throws Exception {
        System.setProperty("scratchllm.offline", "true");
        try {
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            Pretrain.Text r = Pretrain.readBookText("the-verdict.txt", new PrintStream(buf, true, StandardCharsets.UTF_8),
                    new DataFiles(tmp.toString(), tmp.resolve("none")));
            assertThat(buf.toString(StandardCharsets.UTF_8)).contains("NOTICE: the-verdict.txt is not available").contains("own small corpus");
            assertThat(r.text().length()).isGreaterThan(15_000);
            // the checkpoint records what was really used, not the name asked for
            assertThat(r.recorded()).isEqualTo("bundled corpus " + dev.scratchllm.data.BookData.FALLBACK_CORPUS).isEqualTo(r.source());
            assertThatThrownBy(() -> Pretrain.readBookText("other.txt", new PrintStream(new ByteArrayOutputStream()), new DataFiles(tmp.toString(), tmp)))
                    .hasMessageContaining("other.txt");
        } finally {
            System.clearProperty("scratchllm.offline");
        }
    }

    /** The book's whole section 5.2 run (minutes): {@code mvn test -Pslow -Dtest=PretrainTest}. */
    @Test
    @org.junit.jupiter.api.Tag("slow")
    void theFullChapter5Run(@TempDir Path tmp) throws Exception {
        assumeTrue(DataFiles.find("the-verdict.txt").isPresent(), () -> "skipped: " + DataFiles.describeSearch("the-verdict.txt"));
        var settings = Pretrain.parse(List.of("--out", tmp.toString()));
        var h = Pretrain.run(settings, System.out);
        assertThat(h.trainLosses()).hasSize(18); // 90 steps, evaluated every 5
        // the book's first evaluation: "Ep 1 (Step 000000): Train loss 9.781, Val loss 9.933"
        assertThat(h.trainLosses().get(0)).isCloseTo(9.781, org.assertj.core.api.Assertions.within(0.01));
        assertThat(h.valLosses().get(0)).isCloseTo(9.933, org.assertj.core.api.Assertions.within(0.01));
        assertThat(h.trainLosses().get(17)).isLessThan(1.5); // the book ends near 0.4 (it memorises the story)
        assertThat(h.valLosses().get(17)).isBetween(5.0, 8.0);
    }

    @Test
    void badOptionsAreExplained() {
        assertThatThrownBy(() -> Pretrain.parse(List.of("--epochs"))).hasMessageContaining("needs a value");
        assertThatThrownBy(() -> Pretrain.parse(List.of("--epochs", "ten"))).hasMessageContaining("must be a whole number");
        assertThatThrownBy(() -> Pretrain.parse(List.of("--speed", "1"))).hasMessageContaining("unknown option --speed");
        assertThat(Pretrain.parse(List.of()).contextLength()).isEqualTo(256);
    }
}
