package dev.scratchllm.cli;

import dev.scratchllm.gpt.GPTConfig;
import dev.scratchllm.gpt.GPTModel;
import dev.scratchllm.io.Checkpoint;
import dev.scratchllm.io.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Checkpoints whose recorded sizes or tensors are huge are refused before the memory is taken. */
class HugeSizesTest {
    static final GPTConfig TINY = new GPTConfig(50, 8, 16, 2, 1, 0.0, false);

    static Path checkpointWith(Path dir, Map<String, String> extra) throws IOException {
        Path cp = dir.resolve("checkpoint");
        Files.createDirectories(cp);
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("format", 1L);
        meta.put("step", 0L);
        meta.put("epoch", 0L);
        meta.put("extra", new LinkedHashMap<String, Object>(extra));
        Files.writeString(cp.resolve("checkpoint.json"), Json.write(meta), StandardCharsets.UTF_8);
        return cp;
    }

    @Test
    void aBillionClassesIsRefusedByItsLimitBeforeTheHeadIsBuilt(@TempDir Path tmp) throws IOException {
        Path cp = checkpointWith(tmp, Map.of("task", "classifier", "gpt.config", TINY.toJson(), "num_classes", "1000000000"));
        assertThatThrownBy(() -> ModelSource.loadFineTuned(cp, "classifier")).isInstanceOf(IOException.class)
                .hasMessageContaining("checkpoint.json: field extra.num_classes is 1000000000, expected an integer from 2 to 65536");
        Path rank = checkpointWith(tmp, Map.of("task", "classifier", "gpt.config", TINY.toJson(), "num_classes", "2", "lora.rank", "99999999", "lora.alpha", "8"));
        assertThatThrownBy(() -> ModelSource.loadFineTuned(rank, "classifier"))
                .hasMessageContaining("field extra.lora.rank is 99999999, expected an integer from 1 to 16");
    }

    @Test
    void aHugeEmbeddingSizeIsRefusedWithTheLimitNotANegativeArraySize(@TempDir Path tmp) throws IOException {
        String cfg = TINY.toJson().replace("\"emb_dim\":16", "\"emb_dim\":1000000");
        assertThat(cfg).contains("1000000");
        Path cp = checkpointWith(tmp, Map.of("task", "classifier", "gpt.config", cfg, "num_classes", "2"));
        assertThatThrownBy(() -> ModelSource.loadFineTuned(cp, "classifier")).isInstanceOf(IOException.class)
                .hasMessageContaining("checkpoint")
                .hasMessageContaining("4 emb_dim x emb_dim (ff.layers.0.weight) is 4000000 x 1000000 = 4,000,000,000,000 elements, more than one tensor holds")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("NegativeArraySize"));
        assertThatThrownBy(() -> new GPTModel(GPTConfig.GPT_CONFIG_124M.withSize(1_000_000, 1, 1))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("50257 x 1000000 = 50,257,000,000 elements, more than one tensor holds (2,147,483,639");
    }

    @Test
    void aModelLargerThanTheHeapIsRefusedBeforeItIsBuilt(@TempDir Path tmp) throws IOException {
        // 100,000 layers of GPT-2 small: 2.8 TB
        String cfg = GPTConfig.GPT_CONFIG_124M.withSize(768, 100_000, 12).toJson();
        Path cp = checkpointWith(tmp, Map.of("gpt.config", cfg));
        assertThatThrownBy(() -> ModelSource.load(null, cp, TINY, 0.0, 123, new PrintStream(new ByteArrayOutputStream())))
                .isInstanceOf(IOException.class).hasMessageContaining("n_layers=100000 needs").hasMessageContaining("more than this JVM's heap limit");
    }

    @Test
    void extraTensorsInACheckpointAreRefusedFromTheHeaderBeforeAnyIsRead(@TempDir Path tmp) throws IOException {
        GPTModel model = new GPTModel(TINY);
        Path cp = tmp.resolve("checkpoint");
        Checkpoint.save(cp, model, null, 0, 0, Map.of("gpt.config", TINY.toJson()));
        addSparseTensor(cp.resolve("model.safetensors"), "junk", Integer.MAX_VALUE - 8);
        long before = usedHeap();
        assertThatThrownBy(() -> ModelSource.load(null, cp, TINY, 0.0, 123, new PrintStream(new ByteArrayOutputStream())))
                .isInstanceOf(IOException.class).hasMessageContaining("model.safetensors: does not match the model, nothing was read")
                .hasMessageContaining("Unexpected key(s) in state_dict: [junk]");
        assertThat(usedHeap() - before).as("bytes taken by the refused load").isLessThan(256L << 20);
    }

    /** Appends a U8 tensor of {@code n} bytes to a safetensors file, as a hole (sparse file). */
    static void addSparseTensor(Path file, String name, long n) throws IOException {
        byte[] all = Files.readAllBytes(file);
        long hl = ByteBuffer.wrap(all, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        Map<String, Object> header = Json.parseObject(new String(all, 8, (int) hl, StandardCharsets.UTF_8), "header");
        long dataLen = all.length - 8 - hl;
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("dtype", "U8");
        spec.put("shape", List.of(n));
        spec.put("data_offsets", new ArrayList<Object>(List.of(dataLen, dataLen + n)));
        header.put(name, spec);
        byte[] h = Json.write(header).getBytes(StandardCharsets.UTF_8);
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(0);
            f.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length).array());
            f.write(h);
            f.write(all, (int) (8 + hl), (int) dataLen);
            f.setLength(8 + h.length + dataLen + n);
        }
    }

    static long usedHeap() {
        System.gc();
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }
}
