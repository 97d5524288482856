package dev.scratchllm.io;

import dev.scratchllm.tensor.DType;
import dev.scratchllm.tensor.Tensor;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads and writes Hugging Face's safetensors format: an 8-byte little-endian header length,
 * a JSON header mapping each tensor name to its dtype, shape and byte range, then the raw
 * little-endian data. Reading memory-maps the file and checks every size and offset against
 * the file before using it; F32, F16 and BF16 become float32 tensors, I64 (and I32) int64
 * tensors, BOOL/U8 masks bool tensors. Writing emits F32, I64 and BOOL and replaces the target
 * atomically (temp file, then rename). Metadata ({@code __metadata__}) is string to string.
 */
public final class Safetensors {
    /** Largest header accepted (the format's own limit is 100 MB). */
    public static final long MAX_HEADER = 100L * 1024 * 1024;

    private Safetensors() {
    }

    /** A file's tensors (in header order) and its metadata. */
    public record Contents(Map<String, Tensor> tensors, Map<String, String> metadata) {
    }

    /** Reads all tensors of a safetensors file, in header order. */
    public static Map<String, Tensor> read(Path file) throws IOException {
        return readWithMetadata(file).tensors();
    }

    /** Reads all tensors and the {@code __metadata__} of a safetensors file. */
    public static Contents readWithMetadata(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 8) throw bad(file, "file is " + size + " bytes, shorter than the 8-byte header length");
            ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, lenBuf, 0);
            long headerLen = lenBuf.getLong(0);
            if (headerLen <= 0 || headerLen > MAX_HEADER || headerLen > size - 8)
                throw bad(file, "header length " + headerLen + " is invalid for a file of " + size + " bytes");
            ByteBuffer hb = ByteBuffer.allocate((int) headerLen);
            readFully(ch, hb, 8);
            String headerText = new String(hb.array(), StandardCharsets.UTF_8);
            Map<String, Object> header;
            try {
                header = Json.parseObject(headerText, file + " (safetensors header)");
            } catch (IllegalArgumentException e) {
                throw new IOException(e.getMessage(), e);
            }
            long dataStart = 8 + headerLen;
            long dataLen = size - dataStart;
            MappedByteBuffer map = ch.map(FileChannel.MapMode.READ_ONLY, dataStart, dataLen);
            map.order(ByteOrder.LITTLE_ENDIAN);
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            Map<String, String> metadata = new LinkedHashMap<>();
            for (Map.Entry<String, Object> e : header.entrySet()) {
                String name = e.getKey();
                if (name.equals("__metadata__")) {
                    if (!(e.getValue() instanceof Map<?, ?> m)) throw bad(file, "__metadata__ is not an object");
                    for (Map.Entry<?, ?> me : m.entrySet()) {
                        if (!(me.getValue() instanceof String sv)) throw bad(file, "__metadata__." + me.getKey() + " is not a string");
                        metadata.put(String.valueOf(me.getKey()), sv);
                    }
                    continue;
                }
                tensors.put(name, readTensor(file, name, e.getValue(), map, dataLen));
            }
            return new Contents(tensors, metadata);
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long pos) throws IOException {
        while (buf.hasRemaining()) {
            int n = ch.read(buf, pos + buf.position());
            if (n < 0) throw new IOException("unexpected end of file");
        }
    }

    private static IOException bad(Path file, String what) {
        return new IOException(file + ": malformed safetensors file: " + what);
    }

    private static Tensor readTensor(Path file, String name, Object spec, ByteBuffer data, long dataLen) throws IOException {
        if (!(spec instanceof Map<?, ?> m)) throw bad(file, "tensor \"" + name + "\": entry is not an object");
        if (!(m.get("dtype") instanceof String dtype)) throw bad(file, "tensor \"" + name + "\": field dtype missing or not a string");
        if (!(m.get("shape") instanceof List<?> shapeList)) throw bad(file, "tensor \"" + name + "\": field shape missing or not a list");
        if (!(m.get("data_offsets") instanceof List<?> offs) || offs.size() != 2)
            throw bad(file, "tensor \"" + name + "\": field data_offsets must be a list of two integers");
        int[] shape = new int[shapeList.size()];
        long numel = 1;
        for (int i = 0; i < shape.length; i++) {
            if (!(shapeList.get(i) instanceof Long d) || d < 0 || d > Integer.MAX_VALUE)
                throw bad(file, "tensor \"" + name + "\": field shape has an invalid dimension " + shapeList.get(i));
            shape[i] = (int) (long) d;
            numel *= d;
            if (numel > Integer.MAX_VALUE) throw bad(file, "tensor \"" + name + "\": shape " + shapeList + " has too many elements");
        }
        if (!(offs.get(0) instanceof Long begin) || !(offs.get(1) instanceof Long end) || begin < 0 || end < begin || end > dataLen)
            throw bad(file, "tensor \"" + name + "\": data_offsets " + offs + " lie outside the data section of " + dataLen + " bytes");
        int width = switch (dtype) {
            case "F32", "I32" -> 4;
            case "F16", "BF16" -> 2;
            case "I64" -> 8;
            case "BOOL", "U8" -> 1;
            default -> throw bad(file, "tensor \"" + name + "\": unsupported dtype " + dtype);
        };
        if (end - begin != numel * width)
            throw bad(file, "tensor \"" + name + "\": data_offsets cover " + (end - begin) + " bytes but shape " + shapeList + " of " + dtype
                    + " needs " + numel * width);
        int n = (int) numel;
        int at = (int) (long) begin;
        switch (dtype) {
            case "F32": {
                float[] f = new float[n];
                data.slice(at, n * 4).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(f);
                return Tensor.of(f, shape);
            }
            case "F16": {
                float[] f = new float[n];
                for (int i = 0; i < n; i++) f[i] = Float.float16ToFloat(data.getShort(at + 2 * i));
                return Tensor.of(f, shape);
            }
            case "BF16": {
                float[] f = new float[n];
                for (int i = 0; i < n; i++) f[i] = Float.intBitsToFloat((data.getShort(at + 2 * i) & 0xffff) << 16);
                return Tensor.of(f, shape);
            }
            case "I64": {
                long[] l = new long[n];
                data.slice(at, n * 8).order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(l);
                return Tensor.ofLongs(l, shape);
            }
            case "I32": {
                long[] l = new long[n];
                for (int i = 0; i < n; i++) l[i] = data.getInt(at + 4 * i);
                return Tensor.ofLongs(l, shape);
            }
            default: {
                boolean[] b = new boolean[n];
                for (int i = 0; i < n; i++) b[i] = data.get(at + i) != 0;
                return Tensor.ofBools(b, shape);
            }
        }
    }

    /** Writes tensors (float32, int64 or bool) to {@code file}, atomically. */
    public static void write(Path file, Map<String, Tensor> tensors) throws IOException {
        write(file, tensors, Map.of());
    }

    /** Writes tensors and string metadata to {@code file}, atomically (temp file in the same folder, then rename). */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        Map<String, Object> header = new LinkedHashMap<>();
        if (!metadata.isEmpty()) header.put("__metadata__", new LinkedHashMap<String, Object>(metadata));
        long at = 0;
        List<Tensor> order = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            if (e.getKey().equals("__metadata__")) throw new IllegalArgumentException("Safetensors.write: __metadata__ is not a valid tensor name");
            Tensor t = e.getValue();
            String dt = switch (t.dtype()) {
                case FLOAT32 -> "F32";
                case INT64 -> "I64";
                case BOOL -> "BOOL";
            };
            long bytes = (long) t.numel() * (t.dtype() == DType.INT64 ? 8 : t.dtype() == DType.BOOL ? 1 : 4);
            Map<String, Object> spec = new LinkedHashMap<>();
            spec.put("dtype", dt);
            List<Object> shape = new ArrayList<>();
            for (int d : t.shape()) shape.add((long) d);
            spec.put("shape", shape);
            spec.put("data_offsets", List.of(at, at + bytes));
            header.put(e.getKey(), spec);
            at += bytes;
            order.add(t);
        }
        byte[] hb = Json.write(header).getBytes(StandardCharsets.UTF_8);
        int padded = (hb.length + 7) / 8 * 8;
        Path dir = file.toAbsolutePath().getParent();
        if (dir != null) Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
        try {
            try (OutputStream os = new java.io.BufferedOutputStream(Files.newOutputStream(tmp), 1 << 20)) {
                ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded);
                os.write(len.array());
                os.write(hb);
                for (int i = hb.length; i < padded; i++) os.write(' ');
                ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
                for (Tensor t : order) {
                    if (t.dtype() == DType.INT64) {
                        for (long v : t.toLongArray()) {
                            if (buf.remaining() < 8) flush(buf, os);
                            buf.putLong(v);
                        }
                    } else if (t.dtype() == DType.BOOL) {
                        for (boolean v : t.toBooleanArray()) {
                            if (buf.remaining() < 1) flush(buf, os);
                            buf.put((byte) (v ? 1 : 0));
                        }
                    } else {
                        for (float v : t.toFloatArray()) {
                            if (buf.remaining() < 4) flush(buf, os);
                            buf.putFloat(v);
                        }
                    }
                }
                flush(buf, os);
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
    }

    private static void flush(ByteBuffer buf, OutputStream os) throws IOException {
        os.write(buf.array(), 0, buf.position());
        buf.clear();
    }
}
