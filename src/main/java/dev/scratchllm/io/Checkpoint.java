package dev.scratchllm.io;

import dev.scratchllm.nn.Module;
import dev.scratchllm.optim.Optimizer;
import dev.scratchllm.random.Generator;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A training checkpoint in one directory: {@code model.safetensors} (the state dict under the
 * book's keys, loadable by PyTorch), {@code optimizer.safetensors} (its buffers and
 * hyper-parameters), {@code rng.bin} (the default generator's state, PyTorch's layout) and
 * {@code checkpoint.json} (format version, step, epoch, and free-form string fields).
 *
 * <p>Saving is atomic ({@link AtomicDirectory}): the name is a symbolic link to a sibling folder
 * {@code <name>.data-<nonce>} holding the files; a save writes a new folder and swaps the link in
 * one rename, so at every instant — a kill included — the name holds either the old checkpoint
 * or the new one. The next save or load cleans up what an interrupted save left; nothing is
 * deleted through a link, and a folder holding files a checkpoint does not have is refused, not
 * replaced. Copy a checkpoint with {@code cp -rL} (or copy the {@code .data-} folder).
 * Loading checks every file and shape before it changes the model, optimizer or generator.
 * Resuming from a checkpoint continues a run bit-identically.
 */
public final class Checkpoint {
    /** The format version written to {@code checkpoint.json}. */
    public static final int FORMAT = 1;

    /** The files a checkpoint holds, the only names a save writes or deletes. */
    public static final Set<String> FILES = Set.of("model.safetensors", "optimizer.safetensors", "rng.bin", "checkpoint.json");

    private Checkpoint() {
    }

    /**
     * What a checkpoint records besides tensors.
     *
     * @param step the training step stored
     * @param epoch the epoch stored
     * @param extra the free-form string fields
     */
    public record Info(long step, int epoch, Map<String, String> extra) {
    }

    /**
     * Saves model, optimizer (may be null), default-generator state, step and epoch into {@code dir}.
     *
     * @param dir the checkpoint directory (a link to the folder with the files); replaced atomically if it exists
     * @param model the model whose state dict is saved
     * @param optimizer the optimizer whose state is saved, or null
     * @param step the training step to record
     * @param epoch the epoch to record
     * @param extra free-form string fields to record
     * @throws IOException if writing fails, or {@code dir} is a file or a folder holding files a checkpoint does
     *     not have; the old checkpoint, if any, is then kept
     */
    public static void save(Path dir, Module model, Optimizer optimizer, long step, int epoch, Map<String, String> extra) throws IOException {
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("format", (long) FORMAT);
        meta.put("step", step);
        meta.put("epoch", (long) epoch);
        meta.put("optimizer", optimizer == null ? null : optimizer.getClass().getSimpleName());
        meta.put("extra", new LinkedHashMap<String, Object>(extra));
        AtomicDirectory.replace(dir, FILES, tmp -> {
            Safetensors.write(tmp.resolve("model.safetensors"), model.stateDict());
            if (optimizer != null) Safetensors.write(tmp.resolve("optimizer.safetensors"), optimizer.stateDict());
            Files.write(tmp.resolve("rng.bin"), Generator.defaultGenerator().getState());
            Files.writeString(tmp.resolve("checkpoint.json"), Json.write(meta), StandardCharsets.UTF_8);
            Safetensors.readableByAll(tmp);
        });
    }

    /**
     * Checks, before a run spends time training, that {@link #save} will be able to replace
     * {@code dir}, and cleans up what interrupted saves left beside it.
     *
     * @param dir the checkpoint directory a run will save to
     * @return one line per clean-up action, for the caller to report
     * @throws IOException if {@code dir} is a file or a folder holding files a checkpoint does not have
     */
    public static List<String> prepareSave(Path dir) throws IOException {
        List<String> done = AtomicDirectory.recover(dir, FILES);
        AtomicDirectory.checkReplaceable(dir, FILES);
        return done;
    }

    /**
     * Loads a checkpoint into {@code model}, {@code optimizer} (may be null) and the default
     * generator; returns its step, epoch and extra fields.
     *
     * @param dir the checkpoint directory
     * @param model the model to load into
     * @param optimizer the optimizer to load into, or null to skip its state
     * @return the step, epoch and extra fields
     * @throws IOException if a file is missing, unreadable or malformed
     */
    public static Info load(Path dir, Module model, Optimizer optimizer) throws IOException {
        if (!Files.exists(dir)) {
            try {
                AtomicDirectory.recover(dir, FILES); // a save killed half way: put the old one back
            } catch (IOException e) {
                // a place we cannot write to: the missing checkpoint is reported below
            }
        }
        if (Files.isDirectory(dir)) dir = dir.toRealPath(); // read every file from one folder, even if a save swaps the link meanwhile
        Path metaFile = dir.resolve("checkpoint.json");
        if (!Files.isRegularFile(metaFile)) throw new IOException(dir + ": not a checkpoint (no checkpoint.json)");
        Map<String, Object> meta;
        try {
            meta = Json.parseObject(Files.readString(metaFile, StandardCharsets.UTF_8), metaFile.toString());
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage(), e);
        }
        if (!(meta.get("format") instanceof Long f) || f != FORMAT)
            throw new IOException(metaFile + ": field format is " + meta.get("format") + ", expected " + FORMAT);
        if (!(meta.get("step") instanceof Long step)) throw new IOException(metaFile + ": field step is missing or not an integer");
        if (!(meta.get("epoch") instanceof Long epoch)) throw new IOException(metaFile + ": field epoch is missing or not an integer");
        Map<String, String> extra = new LinkedHashMap<>();
        if (meta.get("extra") instanceof Map<?, ?> m) for (var e : m.entrySet()) extra.put(String.valueOf(e.getKey()), String.valueOf(e.getValue()));
        // names, shapes and dtypes from the header first: extra or huge tensors are never read
        var modelState = Safetensors.readFor(dir.resolve("model.safetensors"), model.stateDict(), true);
        Map<String, dev.scratchllm.tensor.Tensor> optState = null;
        if (optimizer != null) {
            Path o = dir.resolve("optimizer.safetensors");
            if (!Files.isRegularFile(o)) throw new IOException(dir + ": the checkpoint holds no optimizer state");
            optState = Safetensors.read(o);
        }
        Path rngFile = dir.resolve("rng.bin");
        if (!Files.isRegularFile(rngFile)) throw new IOException(dir + ": the checkpoint has no rng.bin (the generator's state)");
        byte[] rng = Files.readAllBytes(rngFile);
        if (rng.length != Generator.STATE_BYTES) throw new IOException(rngFile + ": expected " + Generator.STATE_BYTES + " bytes, found " + rng.length);
        // Validate everything, then apply: a bad file must leave model, optimizer and generator untouched.
        try {
            new Generator(0).setState(rng);
        } catch (IllegalArgumentException e) {
            throw new IOException(rngFile + ": " + e.getMessage(), e);
        }
        model.checkStateDict(modelState, true);
        if (optimizer != null) {
            try {
                optimizer.checkStateDict(optState);
            } catch (IllegalArgumentException e) {
                throw new IOException(dir.resolve("optimizer.safetensors") + ": " + e.getMessage(), e);
            }
        }
        model.loadStateDict(modelState);
        if (optimizer != null) optimizer.loadStateDict(optState);
        Generator.defaultGenerator().setState(rng);
        return new Info(step, (int) (long) epoch, extra);
    }
}
