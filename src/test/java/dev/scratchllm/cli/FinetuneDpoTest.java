package dev.scratchllm.cli;

import dev.scratchllm.ScratchLLM;
import dev.scratchllm.data.DataFiles;
import dev.scratchllm.finetune.PreferenceData;
import dev.scratchllm.gpt.GPTConfig;
import dev.scratchllm.gpt.GPTModel;
import dev.scratchllm.io.Checkpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** {@code finetune-dpo} on a tiny "instruction-tuned" model: it trains, the reward margins rise, and it saves, plots and answers. */
class FinetuneDpoTest {
    @Test
    void tunesAPolicyAgainstItsFrozenCopy(@TempDir Path tmp) throws Exception {
        assumeTrue(DataFiles.find(PreferenceData.FILE).isPresent(), () -> "skipped: " + DataFiles.describeSearch(PreferenceData.FILE));
        GPTConfig cfg = new GPTConfig(50257, 256, 16, 2, 1, 0.0, false);
        ScratchLLM.manualSeed(7);
        GPTModel start = new GPTModel(cfg);
        Path sft = tmp.resolve("sft/checkpoint");
        Checkpoint.save(sft, start, null, 0, 0, Map.of("task", "instructions", "gpt.config", cfg.toJson()));

        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        var s = FinetuneDpo.parse(List.of("--checkpoint", sft.toString(), "--train-limit", "16", "--batch", "4", "--epochs", "1", "--lr", "1e-3",
                "--eval-freq", "1", "--eval-iter", "1", "--responses", "1", "--max-new-tokens", "3", "--out", tmp.resolve("dpo").toString(), "--threads", "2"));
        var r = FinetuneDpo.run(s, new PrintStream(buf, true, StandardCharsets.UTF_8));
        String out = buf.toString(StandardCharsets.UTF_8);

        assertThat(out).contains("Data: 16 training, 55 validation, 110 test pairs").contains("Loaders: 4 training and 14 validation batches of 4 pairs")
                .contains("Before training: loss 0.693 (training), 0.693 (validation); reward margins ")
                .contains("Ep 1 (Step 000000): Train loss ").contains("Train reward margins ").contains("Reference model response:\n>> ")
                .contains("Policy model response:\n>> ");
        assertThat(r.before().loss()).isEqualTo(Math.log(2), org.assertj.core.data.Offset.offset(1e-6));
        var t = r.tracking();
        assertThat(t.trainLosses()).hasSize(4);
        assertThat(t.trainMargins().get(3)).isGreaterThan(t.trainMargins().get(0)).isGreaterThan(0.01); // 16 pairs: no rise on validation expected
        assertThat(t.trainLosses().get(3)).isLessThan(Math.log(2));
        assertThat(Files.size(tmp.resolve("dpo/reward-margins-plot.png"))).isGreaterThan(1000);
        assertThat(Files.readString(tmp.resolve("dpo/dpo-responses.json"))).contains("\"reference_response\"").contains("\"policy_response\"");
        assertThat(r.responses()).hasSize(1);
        String answer = Respond.run(Respond.parse(List.of("--checkpoint", tmp.resolve("dpo/checkpoint").toString(), "--instruction",
                (String) r.responses().get(0).get("instruction"), "--input", (String) r.responses().get(0).get("input"), "--max-new-tokens", "3")),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        assertThat(answer).isEqualTo(r.responses().get(0).get("policy_response"));
    }

    @Test
    void optionsAreChecked() {
        assertThatThrownBy(() -> FinetuneDpo.parse(List.of())).hasMessageContaining("--checkpoint DIR (from finetune-instructions) or --gpt2 FILE");
        assertThatThrownBy(() -> FinetuneDpo.parse(List.of("--checkpoint", "x", "--beta", "-1"))).hasMessageContaining("finetune-dpo: --beta must be a finite number > 0, got '-1'");
        assertThatThrownBy(() -> FinetuneDpo.parse(List.of("--checkpoint", "x", "--lr", "NaN"))).hasMessageContaining("finetune-dpo: --lr must be a finite number > 0, got 'NaN'");
        assertThatThrownBy(() -> FinetuneDpo.parse(List.of("--checkpoint", "x", "--speed", "1"))).hasMessageContaining("finetune-dpo: unknown option --speed");
        assertThat(Main.run(new String[] {"finetune-dpo", "--help"}, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))).isZero();
        assertThat(FinetuneDpo.parse(List.of("--checkpoint", "x")).lr()).isEqualTo(5e-6);
    }
}
