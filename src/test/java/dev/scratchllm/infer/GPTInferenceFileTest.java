package dev.scratchllm.infer;

import dev.scratchllm.gpt.GPTModel;
import dev.scratchllm.io.Safetensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Inference weights stored in their format and loaded back: the same logits, bit for bit, as the
 * model converted in memory (prefill and decode, every format), the file's size from its dtypes,
 * and errors naming the file and the tensor for wrong metadata, names, dtypes and shapes.
 */
class GPTInferenceFileTest {
    @TempDir
    Path dir;

    @Test
    void aSavedModelLoadsBackWithIdenticalLogits() throws IOException {
        GPTModel model = GPTInferenceTest.blockModel();
        int[] prompt = {5, 17, 99, 0, 42, 42, 7, 64};
        for (WeightFormat f : WeightFormat.values()) {
            GPTInference mem = new GPTInference(model, f, 2, 24);
            Path file = dir.resolve("m-" + f + ".safetensors");
            long size = GPTInferenceFile.save(mem, file);
            assertThat(size).isEqualTo(Files.size(file));
            // the data section: matrices at 4, 2 or 1 byte(s) per weight (+ a float per 32 for Q8_0), the rest float32
            long matrixWeights = mem.weightBytesPerToken() * 8 / switch (f) { case F32 -> 32; case BF16 -> 16; case Q8_0 -> 9; };
            long floats = 200 * 64 + 24 * 64 + 2 * 64 + 2L * (4 * 64 + 4 * 64 + 4 * 64 + 64);   // embeddings, final norm, per layer
            try (Safetensors.Reader r = Safetensors.open(file)) {
                assertThat(r.metadata()).containsEntry("format", "scratchllm.gpt-inference").containsEntry("weight_format", f.name());
                assertThat(r.dtype("trf_blocks.1.ff.layers.2.weight")).isEqualTo(switch (f) { case F32 -> "F32"; case BF16 -> "BF16"; case Q8_0 -> "I8"; });
                long data = 0;
                for (String n : r.names()) data += r.bytes(n).capacity();
                assertThat(data).isEqualTo(mem.weightBytesPerToken() + 4 * floats);
                assertThat(matrixWeights).isEqualTo(2L * (4 * 64 * 64 + 8 * 64 * 64) + 200 * 64);
            }
            GPTInference loaded = GPTInferenceFile.load(file, 2, 24);
            assertThat(loaded.format()).isEqualTo(f);
            assertThat(loaded.weightBytesPerToken()).isEqualTo(mem.weightBytesPerToken());
            float[] a = new float[2 * 200], b = new float[2 * 200];
            mem.prefill(0, prompt, 0, prompt.length, a, 0);
            loaded.prefill(0, prompt, 0, prompt.length, b, 0);
            assertThat(b).as("%s prefill", f).containsExactly(java.util.Arrays.copyOf(a, 2 * 200));
            int[] slots = {0}, tok = {Sampler.argmax(a, 0, 200)};
            for (int step = 0; step < 5; step++) {
                mem.decode(1, slots, tok, a, 0);
                loaded.decode(1, slots, tok, b, 0);
                for (int i = 0; i < 200; i++)
                    assertThat(Float.floatToRawIntBits(b[i])).as("%s step %d logit %d", f, step, i).isEqualTo(Float.floatToRawIntBits(a[i]));
                tok[0] = Sampler.argmax(a, 0, 200);
            }
        }
    }

    /** The file's tensors as raw arrays, to write altered copies. */
    static Map<String, Safetensors.Raw> rawCopy(Path file) throws IOException {
        Map<String, Safetensors.Raw> out = new LinkedHashMap<>();
        try (Safetensors.Reader r = Safetensors.open(file)) {
            for (String n : r.names()) {
                ByteBuffer b = r.bytes(n);
                Object data = switch (r.dtype(n)) {
                    case "F32" -> { float[] f = new float[b.capacity() / 4]; b.asFloatBuffer().get(f); yield f; }
                    case "BF16" -> { short[] s = new short[b.capacity() / 2]; b.asShortBuffer().get(s); yield s; }
                    default -> { byte[] q = new byte[b.capacity()]; b.get(q); yield q; }
                };
                out.put(n, new Safetensors.Raw(r.dtype(n), r.shape(n), data));
            }
        }
        return out;
    }

    @Test
    void badFilesNameTheFileAndTheTensor() throws IOException {
        GPTModel model = GPTInferenceTest.blockModel();
        Path good = dir.resolve("good.safetensors");
        GPTInferenceFile.save(new GPTInference(model, WeightFormat.Q8_0, 1, 24), good);
        Map<String, String> meta;
        try (Safetensors.Reader r = Safetensors.open(good)) {
            meta = r.metadata();
        }
        String w = "trf_blocks.0.att.W_key.weight";

        Map<String, Safetensors.Raw> missing = rawCopy(good);
        missing.remove(w + GPTInferenceFile.SCALES);
        assertThatThrownBy(() -> write("missing", missing, meta)).hasMessageContaining("missing.safetensors")
                .hasMessageContaining(w + ".q8_scales").hasMessageContaining("missing");

        Map<String, Safetensors.Raw> dtype = rawCopy(good);
        dtype.put(w, new Safetensors.Raw("U8", dtype.get(w).shape(), dtype.get(w).data()));
        assertThatThrownBy(() -> write("dtype", dtype, meta)).hasMessageContaining("dtype.safetensors")
                .hasMessageContaining(w).hasMessageContaining("U8").hasMessageContaining("expected I8");

        Map<String, Safetensors.Raw> shape = rawCopy(good);
        shape.put(w, new Safetensors.Raw("I8", new int[] {32, 128}, shape.get(w).data()));
        assertThatThrownBy(() -> write("shape", shape, meta)).hasMessageContaining("shape.safetensors")
                .hasMessageContaining(w).hasMessageContaining("[32, 128]").hasMessageContaining("[64, 64]");

        Map<String, Safetensors.Raw> extra = rawCopy(good);
        extra.put("lm_head.weight", new Safetensors.Raw("F32", new int[] {1}, new float[1]));
        assertThatThrownBy(() -> write("extra", extra, meta)).hasMessageContaining("extra.safetensors")
                .hasMessageContaining("unexpected tensor \"lm_head.weight\"");

        Map<String, Safetensors.Raw> noNorm = rawCopy(good);
        noNorm.remove("trf_blocks.1.norm2.shift");
        assertThatThrownBy(() -> write("nonorm", noNorm, meta)).hasMessageContaining("nonorm.safetensors")
                .hasMessageContaining("trf_blocks.1.norm2.shift");

        Map<String, String> block = new LinkedHashMap<>(meta);
        block.put("q8_block_size", "64");
        assertThatThrownBy(() -> write("block", rawCopy(good), block)).hasMessageContaining("block.safetensors")
                .hasMessageContaining("q8_block_size is 64");

        Map<String, String> kind = new LinkedHashMap<>(meta);
        kind.put("format", "pt");
        assertThatThrownBy(() -> write("kind", rawCopy(good), kind)).hasMessageContaining("kind.safetensors")
                .hasMessageContaining("__metadata__.format is pt");

        Map<String, String> fmt = new LinkedHashMap<>(meta);
        fmt.put("weight_format", "Q4_0");
        assertThatThrownBy(() -> write("fmt", rawCopy(good), fmt)).hasMessageContaining("fmt.safetensors").hasMessageContaining("Q4_0");

        // the book's checkpoint (a plain state dict) is not such a file
        Path book = dir.resolve("book.safetensors");
        Safetensors.write(book, model.stateDict());
        assertThatThrownBy(() -> GPTInferenceFile.load(book, 1, 24)).isInstanceOf(IOException.class).hasMessageContaining("book.safetensors");
    }

    private GPTInference write(String name, Map<String, Safetensors.Raw> t, Map<String, String> meta) throws IOException {
        Path f = dir.resolve(name + ".safetensors");
        Safetensors.writeRaw(f, t, meta);
        return GPTInferenceFile.load(f, 1, 24);
    }
}
