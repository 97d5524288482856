package dev.scratchllm.io;

import dev.scratchllm.tensor.DType;
import dev.scratchllm.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SafetensorsTest {
    static Path raw(Path dir, String header, byte[] data) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h).put(data);
        Path p = dir.resolve("t.safetensors");
        Files.write(p, b.array());
        return p;
    }

    @Test
    void roundTripKeepsOrderDtypesValuesAndMetadata(@TempDir Path tmp) throws IOException {
        Map<String, Tensor> in = new LinkedHashMap<>();
        in.put("z.weight", Tensor.fromArray(new float[][] {{1.5f, -2f}, {Float.NaN, 1e-30f}}));
        in.put("a.ids", Tensor.fromArray(new long[] {Long.MAX_VALUE, -1}));
        in.put("mask", Tensor.fromArray(new boolean[] {true, false, true}));
        in.put("scalar", Tensor.scalar(3f));
        Path p = tmp.resolve("x.safetensors");
        Safetensors.write(p, in, Map.of("who", "test"));
        var c = Safetensors.readWithMetadata(p);
        assertThat(c.tensors().keySet()).containsExactly("z.weight", "a.ids", "mask", "scalar");
        assertThat(c.metadata()).containsEntry("who", "test");
        assertThat(c.tensors().get("z.weight").toFloatArray()).containsExactly(in.get("z.weight").toFloatArray());
        assertThat(c.tensors().get("a.ids").dtype()).isEqualTo(DType.INT64);
        assertThat(c.tensors().get("a.ids").toLongArray()).containsExactly(Long.MAX_VALUE, -1);
        assertThat(c.tensors().get("mask").toBooleanArray()).containsExactly(true, false, true);
        assertThat(c.tensors().get("scalar").shape()).isEmpty();
        long headerLen = ByteBuffer.wrap(Files.readAllBytes(p), 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertThat(headerLen % 8).as("data starts 8-byte aligned").isEqualTo(0);
    }

    @Test
    void halfPrecisionIsWidened(@TempDir Path tmp) throws IOException {
        ByteBuffer d = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        d.putShort(Float.floatToFloat16(1.5f)).putShort(Float.floatToFloat16(-2f));
        d.putShort((short) (Float.floatToIntBits(3.25f) >>> 16)).putShort((short) (Float.floatToIntBits(-0.5f) >>> 16));
        Path p = raw(tmp, "{\"h\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]},\"b\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[4,8]}}", d.array());
        Map<String, Tensor> t = Safetensors.read(p);
        assertThat(t.get("h").toFloatArray()).containsExactly(1.5f, -2f);
        assertThat(t.get("b").toFloatArray()).containsExactly(3.25f, -0.5f);
    }

    @Test
    void malformedFilesNameTheFileAndTheTensor(@TempDir Path tmp) throws IOException {
        assertThatThrownBy(() -> Safetensors.read(raw(tmp, "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,16]}}", new byte[8])))
                .isInstanceOf(IOException.class).hasMessageContaining("t.safetensors").hasMessageContaining("\"w\"").hasMessageContaining("outside");
        assertThatThrownBy(() -> Safetensors.read(raw(tmp, "{\"w\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", new byte[8])))
                .hasMessageContaining("needs 12");
        assertThatThrownBy(() -> Safetensors.read(raw(tmp, "{\"w\":{\"dtype\":\"Q4\",\"shape\":[2],\"data_offsets\":[0,8]}}", new byte[8])))
                .hasMessageContaining("unsupported dtype Q4");
        assertThatThrownBy(() -> Safetensors.read(raw(tmp, "{\"w\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}}", new byte[8])))
                .hasMessageContaining("invalid dimension");
        assertThatThrownBy(() -> Safetensors.read(raw(tmp, "{\"w\":", new byte[0]))).hasMessageContaining("malformed JSON");
        Path huge = tmp.resolve("huge.safetensors");
        Files.write(huge, ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(1L << 40).array());
        assertThatThrownBy(() -> Safetensors.read(huge)).hasMessageContaining("header length");
        Path tiny = tmp.resolve("tiny.safetensors");
        Files.write(tiny, new byte[3]);
        assertThatThrownBy(() -> Safetensors.read(tiny)).hasMessageContaining("shorter than the 8-byte header length");
    }
    @Test
    void openReadsTheHeaderFirstAndTensorsOnDemand(@TempDir Path tmp) throws IOException {
        Map<String, Tensor> in = new LinkedHashMap<>();
        in.put("w", Tensor.fromArray(new float[][] {{1f, 2f, 3f}, {4f, 5f, 6f}}));
        in.put("ids", Tensor.fromArray(new long[] {7, 8}));
        Path p = tmp.resolve("x.safetensors");
        Safetensors.write(p, in, Map.of("k", "v"));
        try (Safetensors.Reader r = Safetensors.open(p)) {
            assertThat(r.file()).isEqualTo(p);
            assertThat(r.names()).containsExactly("w", "ids");
            assertThat(r.contains("w")).isTrue();
            assertThat(r.contains("x")).isFalse();
            assertThat(r.shape("w")).containsExactly(2, 3);
            assertThat(r.dtype("ids")).isEqualTo("I64");
            assertThat(r.metadata()).containsEntry("k", "v");
            assertThat(r.read("ids").toLongArray()).containsExactly(7, 8);
            assertThat(r.read("w").toFloatArray()).containsExactly(1f, 2f, 3f, 4f, 5f, 6f);
            assertThatThrownBy(() -> r.shape("x")).hasMessageContaining("x.safetensors").hasMessageContaining("no tensor \"x\"");
        }
    }

    @Test
    void readsTensorsBeyondTwoGigabytes(@TempDir Path tmp) throws IOException {
        // a sparse file: two 1.5 GiB tensors that are a hole on disk, then 2 floats at offset 3 GiB
        long half = 3L << 29, hole = 2 * half;
        String header = "{\"a\":{\"dtype\":\"U8\",\"shape\":[" + half + "],\"data_offsets\":[0," + half + "]},"
                + "\"b\":{\"dtype\":\"U8\",\"shape\":[" + half + "],\"data_offsets\":[" + half + "," + hole + "]},"
                + "\"tail\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[" + hole + "," + (hole + 8) + "]}}";
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        Path p = tmp.resolve("big.safetensors");
        try (var f = new java.io.RandomAccessFile(p.toFile(), "rw")) {
            f.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length).array());
            f.write(h);
            f.seek(8 + h.length + hole);
            f.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putFloat(1.25f).putFloat(-3f).array());
        }
        try (Safetensors.Reader r = Safetensors.open(p)) {
            assertThat(r.read("tail").toFloatArray()).containsExactly(1.25f, -3f);
        }
    }

    static final String F32x2 = "{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":";

    @Test
    void overlappingGappedOrShortOffsetsAreRefusedAsTheReferenceDoes(@TempDir Path tmp) {
        // two weights reading the same 8 bytes (safetensors-rs: InvalidOffset)
        assertThatThrownBy(() -> Safetensors.read(raw(tmp, "{\"a\":" + F32x2 + "[0,8]},\"b\":" + F32x2 + "[0,8]}}", new byte[8])))
                .isInstanceOf(IOException.class).hasMessageContaining("t.safetensors")
                .hasMessageContaining("tensor \"b\": data_offsets [0, 8] overlap tensor \"a\", which ends at 8");
        assertThatThrownBy(() -> Safetensors.read(raw(tmp, "{\"a\":" + F32x2 + "[0,8]},\"b\":" + F32x2 + "[4,12]}}", new byte[12])))
                .hasMessageContaining("overlap");
        // a gap, and a first tensor that does not start at 0 (InvalidOffset)
        assertThatThrownBy(() -> Safetensors.read(raw(tmp, "{\"a\":" + F32x2 + "[0,8]},\"b\":" + F32x2 + "[12,20]}}", new byte[20])))
                .hasMessageContaining("tensor \"b\": data_offsets [12, 20] leave 4 unused bytes before it");
        assertThatThrownBy(() -> Safetensors.read(raw(tmp, "{\"a\":" + F32x2 + "[4,12]}}", new byte[12])))
                .hasMessageContaining("leave 4 unused bytes before it (from 0;");
        // bytes after the last tensor (MetadataIncompleteBuffer)
        assertThatThrownBy(() -> Safetensors.read(raw(tmp, "{\"a\":" + F32x2 + "[0,8]}}", new byte[12])))
                .hasMessageContaining("the tensors cover 8 bytes of the data section, but it has 12");
        // header order need not be offset order (the reference sorts by offset too)
        assertThatCode(() -> Safetensors.read(raw(tmp, "{\"b\":" + F32x2 + "[8,16]},\"a\":" + F32x2 + "[0,8]}}", new byte[16])))
                .doesNotThrowAnyException();
    }

    @Test
    void readForChecksNamesShapesAndDtypesBeforeReadingAnything(@TempDir Path tmp) throws IOException {
        Map<String, Tensor> model = new LinkedHashMap<>();
        model.put("w", Tensor.zeros(2));
        model.put("ids", Tensor.fromArray(new long[] {0, 0}));
        // a float weight stored as I32: its bit patterns would become integers, then floats
        ByteBuffer d = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
        d.putInt(Float.floatToIntBits(1.5f)).putInt(Float.floatToIntBits(-2f)).putLong(7).putLong(8);
        Path asInt = raw(tmp, "{\"w\":{\"dtype\":\"I32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"ids\":{\"dtype\":\"I64\",\"shape\":[2],\"data_offsets\":[8,24]}}", d.array());
        assertThatThrownBy(() -> Safetensors.readFor(asInt, model, true)).isInstanceOf(IOException.class)
                .hasMessageContaining("t.safetensors: does not match the model")
                .hasMessageContaining("dtype mismatch for w: the file stores I32, the tensor in current model is float32 (expected F32, F16 or BF16");
        // an extra tensor that claims 2^31 - 1 bytes: refused from the header, its data never mapped
        Path extra = tmp.resolve("extra.safetensors");
        String header = "{\"w\":" + F32x2 + "[0,8]},\"ids\":{\"dtype\":\"I64\",\"shape\":[2],\"data_offsets\":[8,24]},"
                + "\"junk\":{\"dtype\":\"U8\",\"shape\":[2147483647],\"data_offsets\":[24,2147483671]}}";
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        try (var f = new java.io.RandomAccessFile(extra.toFile(), "rw")) {
            f.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length).array());
            f.write(h);
            f.setLength(8 + h.length + 2147483671L);   // sparse: a hole on disk
        }
        long before = usedHeap();
        assertThatThrownBy(() -> Safetensors.readFor(extra, model, true))
                .hasMessageContaining("Unexpected key(s) in state_dict: [junk]").hasMessageContaining("nothing was read");
        assertThat(usedHeap() - before).as("bytes taken by the refused read").isLessThan(256L << 20);
        // shapes are checked too; a matching file reads
        assertThatThrownBy(() -> Safetensors.readFor(extra, Map.of("w", Tensor.zeros(3)), false))
                .hasMessageContaining("size mismatch for w: copying a param with shape [2], the shape in current model is [3]");
        Map<String, Tensor> ok = Safetensors.readFor(extra, model, false);
        assertThat(ok.keySet()).containsExactly("w", "ids");
        assertThat(ok.get("ids").toLongArray()).containsExactly(0, 0);
    }

    static long usedHeap() {
        System.gc();
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }
}
