// A Hugging Face model directory's weights: one model.safetensors, or shards listed by
// model.safetensors.index.json, opened together as one name → tensor table.
// It does: open every shard's header (Safetensors.Reader checks names, dtypes, shapes and byte
// ranges), check the index against the shards (every listed tensor is in the shard the index
// names, no shard holds an unlisted tensor, no name twice, shard names are plain file names in
// the directory), read one tensor at a time (BF16/F16 widened to float32 by Safetensors), and
// read config.json when it is there.
// It does not: map names onto a model (HFWeights does), download, or hold all tensors in memory.
package dev.scratchllm.io;

import dev.scratchllm.tensor.Tensor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The weights of a Hugging Face model directory, single-file or sharded, read tensor by tensor.
 *
 * <pre>{@code
 * try (HFCheckpoint ckpt = HFCheckpoint.open(Path.of("Llama-3.2-1B"))) {
 *     int[] shape = ckpt.shape("model.embed_tokens.weight");
 *     Tensor w = ckpt.read("model.norm.weight");          // float32, whatever the file's dtype
 * }
 * }</pre>
 */
public final class HFCheckpoint implements AutoCloseable {
    /** The single-file weights' name. */
    public static final String SINGLE = "model.safetensors";
    /** The index of a sharded checkpoint. */
    public static final String INDEX = "model.safetensors.index.json";
    /** The largest index or config file read (bytes). */
    public static final long MAX_JSON = 64L * 1024 * 1024;

    private final Path dir;
    private final List<Safetensors.Reader> readers = new ArrayList<>();
    private final Map<String, Safetensors.Reader> byName = new LinkedHashMap<>();
    private final Map<String, Object> config;

    private HFCheckpoint(Path dir, Map<String, Object> config) {
        this.dir = dir;
        this.config = config;
    }

    /**
     * Opens the checkpoint in {@code dir}: {@code model.safetensors.index.json} and its shards if
     * the index is there, otherwise {@code model.safetensors}.
     *
     * @param dir the model directory
     * @return the open checkpoint; close it after use
     * @throws IOException if a file cannot be read, or names no weights, or the index and the
     *     shards disagree (the message names the file and the tensor)
     */
    public static HFCheckpoint open(Path dir) throws IOException {
        Path index = dir.resolve(INDEX), single = dir.resolve(SINGLE), cfgFile = dir.resolve("config.json");
        Map<String, Object> cfg = Files.isRegularFile(cfgFile) ? readJson(cfgFile) : null;
        HFCheckpoint c = new HFCheckpoint(dir, cfg);
        try {
            if (Files.isRegularFile(index)) c.openSharded(index);
            else if (Files.isRegularFile(single)) c.add(Safetensors.open(single));
            else throw new NoSuchFileException(dir.toString(), null, "no " + SINGLE + " or " + INDEX + " in this directory");
        } catch (IOException | RuntimeException e) {
            c.close();
            throw e;
        }
        return c;
    }

    private static Map<String, Object> readJson(Path file) throws IOException {
        long size = Files.size(file);
        if (size > MAX_JSON) throw new IOException(file + ": " + size + " bytes is larger than the " + MAX_JSON + " accepted");
        try {
            return Json.parseObject(Files.readString(file), file.toString());
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    private void openSharded(Path index) throws IOException {
        Map<String, Object> idx = readJson(index);
        if (!(idx.get("weight_map") instanceof Map<?, ?> wm))
            throw new IOException(index + ": field \"weight_map\" is missing or not an object");
        Map<String, String> shardOf = new LinkedHashMap<>();
        Map<String, Safetensors.Reader> shards = new LinkedHashMap<>();
        for (var e : wm.entrySet()) {
            String tensor = (String) e.getKey();
            if (!(e.getValue() instanceof String file))
                throw new IOException(index + ": weight_map entry \"" + tensor + "\" is not a file name");
            if (file.isEmpty() || file.contains("/") || file.contains("\\") || file.equals(".") || file.equals(".."))
                throw new IOException(index + ": weight_map entry \"" + tensor + "\" names \"" + file + "\", not a file in the model directory");
            shardOf.put(tensor, file);
            if (!shards.containsKey(file)) {
                Path p = dir.resolve(file);
                if (!Files.isRegularFile(p)) throw new NoSuchFileException(p.toString(), null, "shard named by " + index.getFileName() + " for tensor \"" + tensor + "\"");
                Safetensors.Reader r = Safetensors.open(p);
                shards.put(file, r);
                readers.add(r);
            }
        }
        for (var e : shards.entrySet())
            for (String name : e.getValue().names()) {
                String listed = shardOf.get(name);
                if (listed == null)
                    throw new IOException(dir.resolve(e.getKey()) + ": tensor \"" + name + "\" is not listed in " + index.getFileName());
                if (!listed.equals(e.getKey()))
                    throw new IOException(dir.resolve(e.getKey()) + ": tensor \"" + name + "\" is listed in " + index.getFileName() + " under " + listed);
                byName.put(name, e.getValue());
            }
        for (var e : shardOf.entrySet())
            if (!byName.containsKey(e.getKey()))
                throw new IOException(dir.resolve(e.getValue()) + ": tensor \"" + e.getKey() + "\" listed in " + index.getFileName() + " is not in this shard");
    }

    private void add(Safetensors.Reader r) throws IOException {
        readers.add(r);
        for (String name : r.names()) {
            if (byName.containsKey(name))
                throw new IOException(r.file() + ": tensor \"" + name + "\" is also in " + byName.get(name).file());
            byName.put(name, r);
        }
    }

    /** {@return the model directory} */
    public Path directory() {
        return dir;
    }

    /**
     * The tensor names, shard by shard in file order.
     *
     * @return an unmodifiable list of the names
     */
    public List<String> names() {
        return Collections.unmodifiableList(new ArrayList<>(byName.keySet()));
    }

    /**
     * Whether there is a tensor {@code name}.
     *
     * @param name a Hugging Face tensor name
     * @return true if some file holds it
     */
    public boolean contains(String name) {
        return byName.containsKey(name);
    }

    /**
     * The file that holds {@code name}.
     *
     * @param name a tensor name
     * @return its file
     * @throws IllegalArgumentException if there is no such tensor
     */
    public Path fileOf(String name) {
        return reader(name).file();
    }

    /**
     * The shape of {@code name}, from the header.
     *
     * @param name a tensor name
     * @return a copy of its shape
     * @throws IllegalArgumentException if there is no such tensor
     */
    public int[] shape(String name) {
        return reader(name).shape(name);
    }

    /**
     * The dtype of {@code name} as the header spells it ({@code BF16}, {@code F16}, {@code F32}, …).
     *
     * @param name a tensor name
     * @return its dtype
     * @throws IllegalArgumentException if there is no such tensor
     */
    public String dtype(String name) {
        return reader(name).dtype(name);
    }

    /**
     * Reads {@code name} (BF16 and F16 widened to float32).
     *
     * @param name a tensor name
     * @return a new tensor
     * @throws IllegalArgumentException if there is no such tensor
     * @throws IOException if its data cannot be read
     */
    public Tensor read(String name) throws IOException {
        return reader(name).read(name);
    }

    /**
     * Reads a BF16 tensor's raw 16-bit values, not widened (see {@link Safetensors.Reader#readBF16}).
     *
     * @param name a tensor name
     * @return its elements, each the upper 16 bits of a float32
     * @throws IllegalArgumentException if there is no such tensor
     * @throws IOException if it is not BF16 or its data cannot be read
     */
    public short[] readBF16(String name) throws IOException {
        return reader(name).readBF16(name);
    }

    /**
     * The parsed {@code config.json}, if the directory has one.
     *
     * @return the config object, or null
     */
    public Map<String, Object> config() {
        return config;
    }

    private Safetensors.Reader reader(String name) {
        Safetensors.Reader r = byName.get(name);
        if (r == null) throw new IllegalArgumentException(dir + ": no tensor \"" + name + "\" in the checkpoint");
        return r;
    }

    @Override
    public void close() throws IOException {
        IOException first = null;
        for (Safetensors.Reader r : readers) {
            try {
                r.close();
            } catch (IOException e) {
                if (first == null) first = e;
            }
        }
        readers.clear();
        if (first != null) throw first;
    }

    /**
     * Checks {@code rms_norm_eps}, where config.json gives it, against the epsilon the model is
     * built with: a checkpoint trained with another one would load and run, slightly wrong.
     *
     * @param hf the parsed config.json
     * @param eps the model's epsilon
     * @param model the model class, for the message
     * @param source named in the message
     * @throws IOException if the field is not a number or another epsilon in float32
     */
    public static void checkNormEps(Map<String, Object> hf, float eps, String model, String source) throws IOException {
        Object v = hf.get("rms_norm_eps");
        if (v == null) return;
        if (!(v instanceof Number n)) throw new IOException(source + ": field \"rms_norm_eps\" is not a number");
        if ((float) n.doubleValue() != eps)
            throw new IOException(source + ": field \"rms_norm_eps\" is " + n + ", but " + model + " normalizes with " + eps
                    + " (the reference's epsilon); a checkpoint trained with another epsilon is not supported");
    }
}
