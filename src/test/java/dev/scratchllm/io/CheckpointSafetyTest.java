package dev.scratchllm.io;

import dev.scratchllm.ScratchLLM;
import dev.scratchllm.nn.Linear;
import dev.scratchllm.nn.Module;
import dev.scratchllm.optim.AdamW;
import dev.scratchllm.random.Generator;
import dev.scratchllm.tensor.Tensor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Issue 22's data-loss cases for {@link Checkpoint} and {@link AtomicDirectory}: a link is never
 * followed when deleting, a save killed at any step leaves the old or the new checkpoint under its
 * name (the kill is simulated by an error thrown from the save's step hook, which skips every
 * clean-up as a real kill would), the next run cleans up by itself, and a bad file changes nothing.
 */
class CheckpointSafetyTest {
    /** Stands for kill -9: an Error, so none of the save's IOException/RuntimeException clean-up runs. */
    static final class Killed extends Error {
        Killed(String step) {
            super("killed at " + step);
        }
    }

    @AfterEach
    void resetHooks() {
        AtomicDirectory.hook = step -> { };
        AtomicDirectory.useLinks = true;
    }

    static Module model(float w) {
        Linear l = new Linear(2, 3);
        try (var g = ScratchLLM.noGrad()) {
            l.weight().fill_(w);
        }
        return l;
    }

    /** The step a checkpoint under {@code dir} records, or -1 if the name holds no loadable checkpoint. */
    static long stepAt(Path dir) {
        try {
            return Checkpoint.load(dir, model(0), null).step();
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    static List<String> names(Path folder) throws IOException {
        try (Stream<Path> s = Files.list(folder)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aLinkToAFolderIsReplacedNotFollowed(@TempDir Path tmp) throws Exception {
        Path mine = Files.createDirectories(tmp.resolve("my-files"));
        Files.writeString(mine.resolve("precious.txt"), "keep me");
        Files.writeString(mine.resolve("model.safetensors"), "not ours either");
        Path out = Files.createDirectories(tmp.resolve("out"));
        Path ckpt = out.resolve("checkpoint");
        Files.createSymbolicLink(ckpt, mine);

        Checkpoint.save(ckpt, model(1), null, 7, 1, Map.of());
        Checkpoint.save(ckpt, model(2), null, 8, 1, Map.of()); // replaces our own link's folder this time

        assertThat(names(mine)).containsExactly("model.safetensors", "precious.txt");
        assertThat(Files.readString(mine.resolve("precious.txt"))).isEqualTo("keep me");
        assertThat(Files.readString(mine.resolve("model.safetensors"))).isEqualTo("not ours either");
        assertThat(stepAt(ckpt)).isEqualTo(8);
        assertThat(names(out)).hasSize(3).contains("checkpoint", "checkpoint.lock").anyMatch(n -> n.startsWith("checkpoint.data-"));
    }

    @Test
    void aFolderWithOtherFilesIsRefusedBeforeAnythingIsWritten(@TempDir Path tmp) throws Exception {
        Path ckpt = Files.createDirectories(tmp.resolve("checkpoint"));
        Files.writeString(ckpt.resolve("notes.txt"), "mine");
        Files.writeString(ckpt.resolve("model.safetensors"), "old");
        assertThatThrownBy(() -> Checkpoint.save(ckpt, model(1), null, 1, 0, Map.of()))
                .isInstanceOf(IOException.class).hasMessageContaining("notes.txt").hasMessageContaining("refusing to replace it");
        assertThatThrownBy(() -> Checkpoint.prepareSave(ckpt)).hasMessageContaining("notes.txt");
        assertThat(names(ckpt)).containsExactly("model.safetensors", "notes.txt");
        assertThat(names(tmp)).containsExactly("checkpoint", "checkpoint.lock");

        Path file = Files.writeString(tmp.resolve("afile"), "x");
        assertThatThrownBy(() -> Checkpoint.prepareSave(file)).hasMessageContaining("is a file, not a folder");
    }

    /** Steps of a save over an existing checkpoint of ours (a link), and over one in a plain folder (an older layout). */
    @ParameterizedTest
    @ValueSource(strings = {"tmp-created", "written", "data-renamed", "link-created", "published", "done"})
    void aKillAtAnyStepLeavesTheOldOrTheNewCheckpoint(String killAt, @TempDir Path tmp) throws Exception {
        Path ckpt = tmp.resolve("checkpoint");
        Checkpoint.save(ckpt, model(1), null, 100, 1, Map.of());
        List<String> seen = new ArrayList<>();
        AtomicDirectory.hook = step -> {
            long s = stepAt(ckpt); // at this very instant, what does the name hold?
            seen.add(step + "=" + s);
            if (step.equals(killAt)) throw new Killed(step);
        };
        assertThatThrownBy(() -> Checkpoint.save(ckpt, model(2), null, 200, 2, Map.of())).isInstanceOf(Killed.class);
        AtomicDirectory.hook = step -> { };
        assertThat(seen).isNotEmpty().allMatch(x -> x.endsWith("=100") || x.endsWith("=200"));
        long after = stepAt(ckpt);
        assertThat(after).isIn(100L, 200L);

        List<String> actions = Checkpoint.prepareSave(ckpt);
        assertThat(stepAt(ckpt)).isEqualTo(after);
        assertThat(names(tmp)).hasSize(3).contains("checkpoint", "checkpoint.lock");
        if (!killAt.equals("done")) assertThat(actions).isNotEmpty().allMatch(a -> a.startsWith("removed"));
        Checkpoint.save(ckpt, model(3), null, 300, 3, Map.of());
        assertThat(stepAt(ckpt)).isEqualTo(300);
        assertThat(names(tmp)).hasSize(3);
    }

    /**
     * A plain folder (the layout before links, or a checkpoint copied with cp -rL) cannot be swapped
     * for a link in one rename: a kill between the two renames leaves the name empty for an
     * instant, and the next load or save puts the old checkpoint back.
     */
    @ParameterizedTest
    @ValueSource(strings = {"old-moved", "published"})
    void aPlainFolderIsRestoredAfterAKillBetweenTheRenames(String killAt, @TempDir Path tmp) throws Exception {
        Path ckpt = tmp.resolve("checkpoint");
        Checkpoint.save(tmp.resolve("src"), model(1), null, 100, 1, Map.of());
        Files.createDirectory(ckpt);
        for (String f : names(tmp.resolve("src"))) Files.copy(tmp.resolve("src").resolve(f), ckpt.resolve(f));
        AtomicDirectory.hook = step -> {
            if (step.equals(killAt)) throw new Killed(step);
        };
        assertThatThrownBy(() -> Checkpoint.save(ckpt, model(2), null, 200, 2, Map.of())).isInstanceOf(Killed.class);
        AtomicDirectory.hook = step -> { };
        assertThat(stepAt(ckpt)).isEqualTo(killAt.equals("old-moved") ? 100 : 200); // load recovers by itself
        Checkpoint.prepareSave(ckpt);
        assertThat(names(tmp).stream().filter(n -> n.startsWith("checkpoint"))).hasSize(killAt.equals("old-moved") ? 2 : 3);
    }

    @ParameterizedTest
    @ValueSource(strings = {"old-moved", "published", "done"})
    void withoutLinksTheTwoRenamesAreRepairedByTheNextRun(String killAt, @TempDir Path tmp) throws Exception {
        AtomicDirectory.useLinks = false;
        Path ckpt = tmp.resolve("checkpoint");
        Checkpoint.save(ckpt, model(1), null, 100, 1, Map.of());
        assertThat(Files.isSymbolicLink(ckpt)).isFalse();
        AtomicDirectory.hook = step -> {
            if (step.equals(killAt)) throw new Killed(step);
        };
        assertThatThrownBy(() -> Checkpoint.save(ckpt, model(2), null, 200, 2, Map.of())).isInstanceOf(Killed.class);
        AtomicDirectory.hook = step -> { };
        assertThat(stepAt(ckpt)).isEqualTo(killAt.equals("old-moved") ? 100 : 200);
        Checkpoint.prepareSave(ckpt);
        assertThat(names(tmp)).containsExactly("checkpoint", "checkpoint.lock");
    }

    @Test
    void leftoversOfKilledSavesAreCleanedUpButForeignFilesAreKept(@TempDir Path tmp) throws Exception {
        Path ckpt = tmp.resolve("checkpoint");
        Checkpoint.save(ckpt, model(1), null, 1, 0, Map.of());
        Path leftover = Files.createDirectory(tmp.resolve("checkpoint.tmp-0123"));
        Files.write(leftover.resolve("model.safetensors"), new byte[1000]);
        Path withMine = Files.createDirectory(tmp.resolve("checkpoint.tmp-4567"));
        Files.write(withMine.resolve("model.safetensors"), new byte[10]);
        Files.writeString(withMine.resolve("mine.txt"), "a file the user put there");
        Path target = Files.createDirectories(tmp.resolve("elsewhere"));
        Files.writeString(target.resolve("rng.bin"), "not ours");
        Files.createSymbolicLink(leftover.resolve("rng.bin"), target.resolve("rng.bin"));

        List<String> actions = Checkpoint.prepareSave(ckpt);

        assertThat(actions).anyMatch(a -> a.startsWith("removed checkpoint.tmp-0123")).anyMatch(a -> a.startsWith("kept") && a.contains("checkpoint.tmp-4567"));
        assertThat(leftover).doesNotExist();
        assertThat(names(withMine)).containsExactly("mine.txt");
        assertThat(Files.readString(target.resolve("rng.bin"))).isEqualTo("not ours");
        assertThat(stepAt(ckpt)).isEqualTo(1);
    }

    @Test
    void aBadOptimizerOrGeneratorFileChangesNothing(@TempDir Path tmp) throws Exception {
        ScratchLLM.manualSeed(5);
        Module saved = model(1);
        AdamW o = new AdamW(saved.parameters(), 1e-3, 0.0);
        Path ckpt = tmp.resolve("c");
        Checkpoint.save(ckpt, saved, o, 1, 0, Map.of());

        Module m = model(9);
        AdamW target = new AdamW(m.parameters(), 0.5, 0.0);
        byte[] rngBefore = Generator.defaultGenerator().getState();

        Path optFile = ckpt.resolve("optimizer.safetensors");
        Map<String, Tensor> bad = new LinkedHashMap<>(Safetensors.read(optFile));
        bad.put("0.exp_avg", Tensor.of(new float[5], 5));
        bad.put("0.exp_avg_sq", Tensor.of(new float[5], 5));
        bad.put("0.step", Tensor.ofLongs(new long[] {1}));
        Files.delete(optFile);
        Safetensors.write(optFile, bad);
        assertThatThrownBy(() -> Checkpoint.load(ckpt, m, target)).hasMessageContaining("optimizer.safetensors").hasMessageContaining("0.exp_avg");
        assertThat(m.parameters().get(0).toFloatArray()).containsOnly(9f);
        assertThat(target.lr()).isEqualTo(0.5);
        assertThat(Generator.defaultGenerator().getState()).isEqualTo(rngBefore);

        Checkpoint.save(ckpt, saved, o, 1, 0, Map.of());
        byte[] rng = Files.readAllBytes(ckpt.resolve("rng.bin"));
        rng[12] = 0; // the "seeded" flag: a state PyTorch would refuse
        rng[13] = 0;
        rng[14] = 0;
        rng[15] = 0;
        Files.write(ckpt.resolve("rng.bin"), rng);
        assertThatThrownBy(() -> Checkpoint.load(ckpt, m, target)).hasMessageContaining("rng.bin").hasMessageContaining("seeded");
        assertThat(m.parameters().get(0).toFloatArray()).containsOnly(9f);
        assertThat(target.lr()).isEqualTo(0.5);
        assertThat(Generator.defaultGenerator().getState()).isEqualTo(rngBefore);
    }
}
