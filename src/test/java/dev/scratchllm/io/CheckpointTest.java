package dev.scratchllm.io;

import dev.scratchllm.ScratchLLM;
import dev.scratchllm.appendixa.ToyDataset;
import dev.scratchllm.data.DataLoader;
import dev.scratchllm.nn.Dropout;
import dev.scratchllm.nn.Functional;
import dev.scratchllm.nn.Linear;
import dev.scratchllm.nn.Module;
import dev.scratchllm.nn.ReLU;
import dev.scratchllm.nn.Sequential;
import dev.scratchllm.optim.AdamW;
import dev.scratchllm.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CheckpointTest {
    static Module model() {
        return new Sequential(new Linear(2, 16), new ReLU(), new Dropout(0.3), new Linear(16, 2));
    }

    /** One epoch over the shuffled toy data: dropout and shuffling both draw from the default generator. */
    static void epoch(Module m, AdamW opt) {
        for (Tensor[] b : DataLoader.of(new ToyDataset(ToyDataset.xTrain(), ToyDataset.yTrain()), 2, true, false)) {
            opt.zeroGrad();
            Functional.crossEntropy(m.forward(b[0]), b[1]).backward();
            opt.step();
        }
    }

    @Test
    void resumingContinuesBitIdentically(@TempDir Path tmp) throws Exception {
        ScratchLLM.manualSeed(42);
        Module straight = model();
        AdamW o1 = new AdamW(straight.parameters(), 1e-2, 0.1);
        for (int i = 0; i < 4; i++) epoch(straight, o1);

        ScratchLLM.manualSeed(42);
        Module first = model();
        AdamW o2 = new AdamW(first.parameters(), 1e-2, 0.1);
        for (int i = 0; i < 2; i++) epoch(first, o2);
        Path dir = tmp.resolve("ckpt");
        Checkpoint.save(dir, first, o2, 6, 2, Map.of("note", "half way"));
        Checkpoint.save(dir, first, o2, 6, 2, Map.of("note", "half way")); // overwriting is atomic too
        ScratchLLM.manualSeed(999); // disturb the generator: load must restore it
        Module resumed = model();
        AdamW o3 = new AdamW(resumed.parameters(), 1e-2, 0.1);
        Checkpoint.Info info = Checkpoint.load(dir, resumed, o3);
        assertThat(info.step()).isEqualTo(6);
        assertThat(info.epoch()).isEqualTo(2);
        assertThat(info.extra()).containsEntry("note", "half way");
        for (int i = 0; i < 2; i++) epoch(resumed, o3);

        for (var e : straight.stateDict().entrySet())
            assertThat(resumed.stateDict().get(e.getKey()).toFloatArray()).as(e.getKey()).containsExactly(e.getValue().toFloatArray());
        try (var files = Files.list(tmp)) {
            // the name, the one folder it links to, and the lock file: nothing left by the first save
            assertThat(files.map(p -> p.getFileName().toString()).sorted().toList()).hasSize(3).startsWith("ckpt")
                    .contains("ckpt.lock").anyMatch(n -> n.startsWith("ckpt.data-"));
        }
    }

    @Test
    void aBadCheckpointIsRejectedBeforeAnythingChanges(@TempDir Path tmp) throws Exception {
        Module m = model();
        AdamW o = new AdamW(m.parameters(), 1e-3, 0.0);
        Path dir = tmp.resolve("c");
        Checkpoint.save(dir, m, o, 1, 0, Map.of());
        Module other = new Sequential(new Linear(2, 8), new ReLU(), new Dropout(0.3), new Linear(8, 2));
        float before = other.parameters().get(0).toFloatArray()[0];
        assertThatThrownBy(() -> Checkpoint.load(dir, other, null)).hasMessageContaining("size mismatch for 0.weight");
        assertThat(other.parameters().get(0).toFloatArray()[0]).isEqualTo(before);
        Files.writeString(dir.resolve("checkpoint.json"), "{\"format\": 7}");
        assertThatThrownBy(() -> Checkpoint.load(dir, m, o)).hasMessageContaining("field format is 7");
        assertThatThrownBy(() -> Checkpoint.load(tmp.resolve("missing"), m, o)).hasMessageContaining("not a checkpoint");
    }
}
