package dev.scratchllm.io;

import dev.scratchllm.nn.Module;
import dev.scratchllm.optim.Optimizer;
import dev.scratchllm.random.Generator;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A training checkpoint in one directory: {@code model.safetensors} (the state dict under the
 * book's keys, loadable by PyTorch), {@code optimizer.safetensors} (its buffers and
 * hyper-parameters), {@code rng.bin} (the default generator's state, PyTorch's layout) and
 * {@code checkpoint.json} (format version, step, epoch, and free-form string fields).
 *
 * <p>Saving is atomic: everything is written into a sibling temporary directory, which then
 * replaces the target by rename, so a crash leaves either the old checkpoint or the new one.
 * Loading checks every file and shape before it changes the model, optimizer or generator.
 * Resuming from a checkpoint continues a run bit-identically.
 */
public final class Checkpoint {
    /** The format version written to {@code checkpoint.json}. */
    public static final int FORMAT = 1;

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
     * @param dir the checkpoint directory; replaced if it exists
     * @param model the model whose state dict is saved
     * @param optimizer the optimizer whose state is saved, or null
     * @param step the training step to record
     * @param epoch the epoch to record
     * @param extra free-form string fields to record
     * @throws IOException if writing fails; the old checkpoint, if any, is then kept
     */
    public static void save(Path dir, Module model, Optimizer optimizer, long step, int epoch, Map<String, String> extra) throws IOException {
        Path target = dir.toAbsolutePath();
        Path parent = target.getParent();
        Files.createDirectories(parent);
        Path tmp = Files.createTempDirectory(parent, target.getFileName() + ".tmp-");
        try {
            Safetensors.write(tmp.resolve("model.safetensors"), model.stateDict());
            if (optimizer != null) Safetensors.write(tmp.resolve("optimizer.safetensors"), optimizer.stateDict());
            Files.write(tmp.resolve("rng.bin"), Generator.defaultGenerator().getState());
            Map<String, Object> meta = new LinkedHashMap<>();
            meta.put("format", (long) FORMAT);
            meta.put("step", step);
            meta.put("epoch", (long) epoch);
            meta.put("optimizer", optimizer == null ? null : optimizer.getClass().getSimpleName());
            meta.put("extra", new LinkedHashMap<String, Object>(extra));
            Files.writeString(tmp.resolve("checkpoint.json"), Json.write(meta), StandardCharsets.UTF_8);
            Path old = null;
            if (Files.exists(target)) {
                old = Files.createTempDirectory(parent, target.getFileName() + ".old-");
                Files.delete(old);
                Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
            }
            Safetensors.readableByAll(tmp);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            if (old != null) deleteTree(old);
        } catch (IOException | RuntimeException e) {
            deleteTree(tmp);
            throw e;
        }
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
        var modelState = Safetensors.read(dir.resolve("model.safetensors"));
        Map<String, dev.scratchllm.tensor.Tensor> optState = null;
        if (optimizer != null) {
            Path o = dir.resolve("optimizer.safetensors");
            if (!Files.isRegularFile(o)) throw new IOException(dir + ": the checkpoint holds no optimizer state");
            optState = Safetensors.read(o);
        }
        byte[] rng = Files.readAllBytes(dir.resolve("rng.bin"));
        if (rng.length != Generator.STATE_BYTES) throw new IOException(dir.resolve("rng.bin") + ": expected " + Generator.STATE_BYTES + " bytes, found " + rng.length);
        model.loadStateDict(modelState);
        if (optimizer != null) optimizer.loadStateDict(optState);
        Generator.defaultGenerator().setState(rng);
        return new Info(step, (int) (long) epoch, extra);
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) return;
        if (Files.isDirectory(p)) {
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(p)) {
                for (Path c : ds) deleteTree(c);
            }
        }
        Files.delete(p);
    }
}
