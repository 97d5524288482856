package dev.scratchllm.io;

import dev.scratchllm.gpt.GPTConfig;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * GPT-2 files that claim sizes the heap cannot hold. The file is written as a header over a
 * sparse data section (no tensor is built), so this test leaves the JIT's state as it found it:
 * GPT2WeightsTest's round trip compares two forward passes bit for bit, which warm-up from other
 * code can still perturb (issue 22, "Same input, same output").
 */
class GPT2WeightsSizeTest {
    /** The layout fixture's header with {@code wpe.weight} made {@code rows} long, over zeros. */
    static Path withPositionRows(Path dir, int rows) throws IOException {
        Map<String, Object> header = new LinkedHashMap<>();
        long at = 0;
        try (Safetensors.Reader r = Safetensors.open(GPT2WeightsTest.layout())) {
            for (String name : r.names()) {
                int[] shape = r.shape(name);
                if (name.endsWith("wpe.weight")) shape[0] = rows;
                List<Object> dims = new ArrayList<>();
                long n = 1;
                for (int d : shape) {
                    dims.add((long) d);
                    n *= d;
                }
                Map<String, Object> spec = new LinkedHashMap<>();
                spec.put("dtype", "F32");
                spec.put("shape", dims);
                spec.put("data_offsets", List.of(at, at + 4 * n));
                header.put(name, spec);
                at += 4 * n;
            }
        }
        byte[] h = Json.write(header).getBytes(StandardCharsets.UTF_8);
        Path p = dir.resolve("long.safetensors");
        try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
            f.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length).array());
            f.write(h);
            f.setLength(8 + h.length + at);
        }
        return p;
    }

    @Test
    @DisplayName("a 40,000-row position table (40,000² masks) is refused before the model is built, with the heap limit")
    void aHugePositionTableIsRefusedBeforeTheMasksAreAllocated(@TempDir Path tmp) throws IOException {
        Path p = withPositionRows(tmp, 40_000);
        GPTConfig cfg = GPT2WeightsTest.layoutConfig().withContextLength(40_000);   // the file's own shapes (its head size is not GPT-2's 64)
        assertThatThrownBy(() -> GPT2Weights.load(p, cfg)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("long.safetensors: GPTModel: a model with")
                .hasMessageContaining("context_length=40000")
                .hasMessageContaining("more than this JVM's heap limit")
                .hasMessageContaining("GPT-2's files have 1024");
    }
}
