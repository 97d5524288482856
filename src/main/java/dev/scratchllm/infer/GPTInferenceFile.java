package dev.scratchllm.infer;

import dev.scratchllm.gpt.GPTConfig;
import dev.scratchllm.io.Safetensors;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A {@link GPTInference}'s weights in a safetensors file, stored in its {@link WeightFormat}, and
 * loaded back into the same format without a float32 copy of the matrices.
 *
 * <p>Layout: every parameter under the book's state-dict name ({@code trf_blocks.0.att.W_query.weight},
 * …). Matrices are {@code F32} or {@code BF16} tensors {@code (out, in)}, or for Q8_0 an {@code I8}
 * tensor {@code (out, in)} of the quantized weights plus an {@code F32} tensor
 * {@code <name>.q8_scales} {@code (out, in/32)} of the block scales; embeddings, layer norms and
 * biases are {@code F32}. {@code __metadata__} says {@code format = scratchllm.gpt-inference},
 * {@code weight_format} ({@code F32}, {@code BF16}, {@code Q8_0}), {@code q8_block_size}
 * ({@code 32}, Q8_0 only) and {@code config} (the {@link GPTConfig} as JSON). A BF16 file of
 * GPT-2 124M holds 163 M weights in 2 bytes; a Q8_0 one in 1.125.
 *
 * <p>Loading checks the metadata, every name (none missing, none extra), dtype and shape before
 * it builds anything; errors name the file and the tensor. It does not read the book's
 * checkpoints ({@code Safetensors.readFor} with a {@link dev.scratchllm.gpt.GPTModel} does), and
 * a loaded instance has no {@link dev.scratchllm.gpt.GPTModel} behind it.
 */
public final class GPTInferenceFile {
    /** The {@code __metadata__.format} value of these files. */
    public static final String FORMAT = "scratchllm.gpt-inference";
    /** The suffix of a Q8_0 matrix's scales tensor. */
    public static final String SCALES = ".q8_scales";

    private GPTInferenceFile() {
    }

    /**
     * Writes the weights of {@code inf} in its format, atomically.
     *
     * @param inf the inference model
     * @param file the file to write
     * @return the file's size in bytes
     * @throws IOException if it cannot be written
     */
    public static long save(GPTInference inf, Path file) throws IOException {
        GPTConfig cfg = inf.config();
        Map<String, Safetensors.Raw> out = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : inf.parameters().entrySet()) {
            String name = e.getKey();
            int[] shape = shape(cfg, name);
            switch (e.getValue()) {
                case float[] v -> out.put(name, new Safetensors.Raw("F32", shape, v));
                case F32Weights w -> out.put(name, new Safetensors.Raw("F32", shape, w.w));
                case BF16Weights w -> out.put(name, new Safetensors.Raw("BF16", shape, w.w));
                case Q8Weights w -> {
                    out.put(name, new Safetensors.Raw("I8", shape, w.q));
                    out.put(name + SCALES, new Safetensors.Raw("F32", new int[] {shape[0], shape[1] / Q8Weights.BLOCK}, w.scales));
                }
                default -> throw new IllegalStateException("GPTInferenceFile: unexpected parameter " + name);
            }
        }
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", FORMAT);
        meta.put("weight_format", inf.format().name());
        if (inf.format() == WeightFormat.Q8_0) meta.put("q8_block_size", String.valueOf(Q8Weights.BLOCK));
        meta.put("config", cfg.toJson());
        Safetensors.writeRaw(file, out, meta);
        return Files.size(file);
    }

    /**
     * Reads a file written by {@link #save} into a new inference model in the stored format.
     *
     * @param file the file
     * @param maxBatch the number of sequence slots
     * @param capacity the positions per slot, at most the stored context length; 0 for that length
     * @return the inference model
     * @throws IOException if the file cannot be read or is not such a file (the message names the
     *         file and, for a tensor, the tensor)
     */
    public static GPTInference load(Path file, int maxBatch, int capacity) throws IOException {
        try (Safetensors.Reader r = Safetensors.open(file)) {
            Map<String, String> meta = r.metadata();
            if (!FORMAT.equals(meta.get("format")))
                throw bad(file, "__metadata__.format is " + meta.get("format") + ", expected " + FORMAT);
            WeightFormat format;
            try {
                format = WeightFormat.valueOf(String.valueOf(meta.get("weight_format")));
            } catch (IllegalArgumentException e) {
                throw bad(file, "__metadata__.weight_format " + meta.get("weight_format") + " is not one of " + Arrays.toString(WeightFormat.values()));
            }
            if (format == WeightFormat.Q8_0 && !String.valueOf(Q8Weights.BLOCK).equals(meta.get("q8_block_size")))
                throw bad(file, "__metadata__.q8_block_size is " + meta.get("q8_block_size") + ", this library reads " + Q8Weights.BLOCK);
            if (meta.get("config") == null) throw bad(file, "__metadata__.config is missing");
            GPTConfig cfg;
            try {
                cfg = GPTConfig.fromJson(meta.get("config"), file + " (__metadata__.config)");
            } catch (IllegalArgumentException e) {
                throw new IOException(e.getMessage(), e);
            }
            Set<String> used = new HashSet<>();
            GPTInference.Parts parts = new GPTInference.Parts() {
                @Override
                public float[] vector(String name) {
                    if (!r.contains(name)) return null;                       // the constructor says which are required
                    check(r, file, name, "F32", shape(cfg, name));
                    used.add(name);
                    return unchecked(() -> r.read(name).contiguousData());
                }

                @Override
                public WeightMatrix matrix(String name) {
                    if (!r.contains(name)) throw new IllegalArgumentException(file + ": tensor \"" + name + "\" is missing");
                    int[] s = shape(cfg, name);
                    int rows = s[0], cols = s[1];
                    used.add(name);
                    switch (format) {
                        case F32 -> {
                            check(r, file, name, "F32", s);
                            return new F32Weights(rows, cols, unchecked(() -> r.read(name).contiguousData()));
                        }
                        case BF16 -> {
                            check(r, file, name, "BF16", s);
                            short[] w = new short[rows * cols];
                            unchecked(() -> r.bytes(name)).asShortBuffer().get(w);
                            return new BF16Weights(rows, cols, w);
                        }
                        default -> {
                            check(r, file, name, "I8", s);
                            check(r, file, name + SCALES, "F32", new int[] {rows, cols / Q8Weights.BLOCK});
                            used.add(name + SCALES);
                            byte[] q = new byte[rows * cols];
                            unchecked(() -> r.bytes(name)).get(q);
                            return new Q8Weights(rows, cols, q, unchecked(() -> r.read(name + SCALES).contiguousData()));
                        }
                    }
                }
            };
            GPTInference inf;
            try {
                inf = new GPTInference(cfg, format, maxBatch, capacity == 0 ? cfg.contextLength() : capacity, parts);
            } catch (IllegalArgumentException e) {
                String m = e.getMessage();
                throw new IOException(m.startsWith(file.toString()) ? m : file + ": " + m, e);
            } catch (java.io.UncheckedIOException e) {
                throw e.getCause();
            }
            for (String name : r.names())
                if (!used.contains(name)) throw bad(file, "unexpected tensor \"" + name + "\" for " + cfg);
            return inf;
        }
    }

    /** The shape of parameter {@code name} in a GPT of shape {@code cfg}. */
    static int[] shape(GPTConfig c, String name) {
        int e = c.embDim(), ff = 4 * e;
        if (name.equals("tok_emb.weight")) return new int[] {c.vocabSize(), e};
        if (name.equals("pos_emb.weight")) return new int[] {c.contextLength(), e};
        if (name.equals("out_head.weight")) return new int[] {c.vocabSize(), e};
        if (name.endsWith("ff.layers.0.weight")) return new int[] {ff, e};
        if (name.endsWith("ff.layers.2.weight")) return new int[] {e, ff};
        if (name.endsWith("ff.layers.0.bias")) return new int[] {ff};
        if (name.endsWith(".weight")) return new int[] {e, e};                 // W_query, W_key, W_value, out_proj
        return new int[] {e};                                                  // norms and the other biases
    }

    private static void check(Safetensors.Reader r, Path file, String name, String dtype, int[] shape) {
        if (!r.contains(name)) throw new IllegalArgumentException(file + ": tensor \"" + name + "\" is missing");
        if (!r.dtype(name).equals(dtype))
            throw new IllegalArgumentException(file + ": tensor \"" + name + "\" is " + r.dtype(name) + ", expected " + dtype);
        if (!Arrays.equals(r.shape(name), shape))
            throw new IllegalArgumentException(file + ": tensor \"" + name + "\" has shape " + Arrays.toString(r.shape(name))
                    + ", expected " + Arrays.toString(shape));
    }

    private interface IoSupplier<T> {
        T get() throws IOException;
    }

    private static <T> T unchecked(IoSupplier<T> s) {
        try {
            return s.get();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static IOException bad(Path file, String what) {
        return new IOException(file + ": " + what);
    }
}
