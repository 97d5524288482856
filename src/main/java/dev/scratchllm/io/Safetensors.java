package dev.scratchllm.io;

import dev.scratchllm.tensor.DType;
import dev.scratchllm.tensor.Tensor;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
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
 * little-endian data. Reading checks every size and offset in the header against the file
 * before using it, as the format's reference implementation does (the tensors' byte ranges must
 * follow each other from offset 0 to the end of the file, without overlap or gap), then
 * memory-maps each tensor's bytes ({@link #open} reads one tensor at a time, for checkpoints
 * larger than memory allows twice, or than 2 GB); F32, F16 and BF16 become float32 tensors, I64
 * (and I32) int64 tensors, BOOL/U8 masks bool tensors. {@link #readFor} checks names, shapes and
 * dtypes against a model's state dict before it reads any data. Writing emits F32, I64 and BOOL
 * and replaces the target atomically (temp file, then rename). Metadata ({@code __metadata__})
 * is string to string.
 */
public final class Safetensors {
    /** Largest header accepted (the format's own limit is 100 MB). */
    public static final long MAX_HEADER = 100L * 1024 * 1024;
    private static final int CHUNK = 1 << 28;   // elements per mapping when reading a tensor

    private Safetensors() {
    }

    /**
     * A file's tensors (in header order) and its metadata.
     *
     * @param tensors the tensors by name, in header order
     * @param metadata the {@code __metadata__} strings (empty if none)
     */
    public record Contents(Map<String, Tensor> tensors, Map<String, String> metadata) {
    }

    /**
     * Reads all tensors of a safetensors file, in header order.
     *
     * @param file the safetensors file
     * @return the tensors by name, in header order
     * @throws IOException if the file cannot be read or is malformed
     */
    public static Map<String, Tensor> read(Path file) throws IOException {
        return readWithMetadata(file).tensors();
    }

    /**
     * Reads all tensors and the {@code __metadata__} of a safetensors file.
     *
     * @param file the safetensors file
     * @return the tensors and the metadata
     * @throws IOException if the file cannot be read or is malformed
     */
    public static Contents readWithMetadata(Path file) throws IOException {
        try (Reader r = open(file)) {
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            for (String name : r.names()) tensors.put(name, r.read(name));
            return new Contents(tensors, r.metadata());
        }
    }

    /**
     * Reads the tensors of a file meant for {@code expected} (a model's or optimizer's
     * {@code stateDict()}), checking the header first: every name of {@code expected} present and
     * no other (in strict mode), each shape equal to the expected one, each dtype of the same kind
     * (F32, F16 or BF16 for a float32 tensor; I64 or I32 for int64; U8 or an integer for bool; BOOL
     * for any, its 0 and 1 being exact). Nothing
     * is read when something does not match, so a file that names extra tensors of billions of
     * elements, or stores a float weight as {@code I32}, costs no memory and is refused whole.
     *
     * @param file the safetensors file
     * @param expected the tensors the file must hold, by name (their values are not used)
     * @param strict whether missing and extra names are errors (shape and dtype mismatches always are)
     * @return the file's tensors that {@code expected} names, in header order
     * @throws IOException if the file cannot be read, is malformed or does not match: the message
     *     lists every mismatch, in PyTorch's words
     */
    public static Map<String, Tensor> readFor(Path file, Map<String, Tensor> expected, boolean strict) throws IOException {
        try (Reader r = open(file)) {
            checkFor(r, expected, strict);
            Map<String, Tensor> out = new LinkedHashMap<>();
            for (String name : r.names()) if (expected.containsKey(name)) out.put(name, r.read(name));
            return out;
        }
    }

    /**
     * The checks of {@link #readFor} from the header alone, reading no tensor: for a caller that
     * reads the file later (for example through {@link Checkpoint#load}).
     *
     * @param file the safetensors file
     * @param expected the tensors the file must hold, by name (their values are not used)
     * @param strict whether missing and extra names are errors (shape and dtype mismatches always are)
     * @throws IOException if the file cannot be read, is malformed or does not match
     */
    public static void checkFor(Path file, Map<String, Tensor> expected, boolean strict) throws IOException {
        try (Reader r = open(file)) {
            checkFor(r, expected, strict);
        }
    }

    private static void checkFor(Reader r, Map<String, Tensor> expected, boolean strict) throws IOException {
        Path file = r.file();
        List<String> errors = new ArrayList<>();
        if (strict) {
            List<String> missing = expected.keySet().stream().filter(k -> !r.contains(k)).sorted().toList();
            List<String> unexpected = r.names().stream().filter(k -> !expected.containsKey(k)).sorted().toList();
            if (!missing.isEmpty()) errors.add("Missing key(s) in state_dict: " + firstFew(missing));
            if (!unexpected.isEmpty()) errors.add("Unexpected key(s) in state_dict: " + firstFew(unexpected));
        }
        for (String name : r.names()) {
            Tensor mine = expected.get(name);
            if (mine == null) continue;
            int[] shape = r.shape(name);
            if (!java.util.Arrays.equals(shape, mine.shape()))
                errors.add("size mismatch for " + name + ": copying a param with shape " + java.util.Arrays.toString(shape)
                        + ", the shape in current model is " + java.util.Arrays.toString(mine.shape()));
            String dt = r.dtype(name);
            // as Module.loadStateDict: a bool mask (0/1) fits any tensor, an integer mask a bool one
            boolean sameKind = dt.equals("BOOL") || switch (mine.dtype()) {
                case FLOAT32 -> dt.equals("F32") || dt.equals("F16") || dt.equals("BF16");
                case INT64 -> dt.equals("I64") || dt.equals("I32");
                case BOOL -> dt.equals("U8") || dt.equals("I64") || dt.equals("I32");
            };
            if (!sameKind)
                errors.add("dtype mismatch for " + name + ": the file stores " + dt + ", the tensor in current model is "
                        + mine.dtype().name().toLowerCase(java.util.Locale.ROOT) + " (expected " + switch (mine.dtype()) {
                            case FLOAT32 -> "F32, F16 or BF16";
                            case INT64 -> "I64 or I32";
                            case BOOL -> "BOOL, U8, I64 or I32";
                        } + "; the values would be reinterpreted)");
        }
        if (!errors.isEmpty())
            throw new IOException(file + ": does not match the model, nothing was read:\n\t" + String.join("\n\t", errors));
    }

    /** The first ten names of a sorted list, and how many there are in all when more. */
    private static String firstFew(List<String> names) {
        return names.size() <= 10 ? names.toString() : names.subList(0, 10) + " ... (" + names.size() + " in all)";
    }

    /**
     * Opens a safetensors file for reading one tensor at a time: the header is parsed and every
     * entry checked (dtype, shape, byte range inside the file) now, the data is read only by
     * {@link Reader#read(String)}. This keeps a single tensor in memory at a time (loading a
     * 6 GB checkpoint into a model needs no second copy of it) and has no 2 GB file limit.
     *
     * @param file the safetensors file
     * @return an open reader; close it after use
     * @throws IOException if the file cannot be read or its header is malformed
     */
    public static Reader open(Path file) throws IOException {
        return new Reader(file);
    }

    /** An open safetensors file: its header, checked, and tensors read on demand. Close it after use. */
    public static final class Reader implements AutoCloseable {
        private final Path file;
        private final FileChannel ch;
        private final long dataStart;
        private final Map<String, Entry> entries = new LinkedHashMap<>();
        private final Map<String, String> metadata = new LinkedHashMap<>();

        private record Entry(String dtype, int[] shape, long begin, long end, int width) {
        }

        private Reader(Path file) throws IOException {
            this.file = file;
            this.ch = FileChannel.open(file, StandardOpenOption.READ);
            try {
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
                dataStart = 8 + headerLen;
                long dataLen = size - dataStart;
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
                    entries.put(name, parseEntry(file, name, e.getValue(), dataLen));
                }
                checkLayout(file, entries, dataLen);
            } catch (IOException | RuntimeException e) {
                ch.close();
                throw e;
            }
        }

        /**
         * The file this reader reads.
         *
         * @return the path given to {@link Safetensors#open}
         */
        public Path file() {
            return file;
        }

        /**
         * The tensor names, in header order.
         *
         * @return an unmodifiable list of the names
         */
        public List<String> names() {
            return List.copyOf(entries.keySet());
        }

        /**
         * Whether the file holds a tensor called {@code name}.
         *
         * @param name a tensor name
         * @return true if the header has that name
         */
        public boolean contains(String name) {
            return entries.containsKey(name);
        }

        /**
         * The {@code __metadata__} strings (empty if the file has none).
         *
         * @return a new map of the metadata
         */
        public Map<String, String> metadata() {
            return new LinkedHashMap<>(metadata);
        }

        /**
         * The shape of tensor {@code name} as the header gives it (a copy).
         *
         * @param name a tensor name
         * @return the shape
         * @throws IllegalArgumentException if there is no such tensor
         */
        public int[] shape(String name) {
            return entry(name).shape().clone();
        }

        /**
         * The safetensors dtype of tensor {@code name} ({@code "F32"}, {@code "F16"}, {@code "I64"}, ...).
         *
         * @param name a tensor name
         * @return the dtype as the header spells it
         * @throws IllegalArgumentException if there is no such tensor
         */
        public String dtype(String name) {
            return entry(name).dtype();
        }

        private Entry entry(String name) {
            Entry en = entries.get(name);
            if (en == null) throw new IllegalArgumentException(file + ": no tensor \"" + name + "\" in this safetensors file");
            return en;
        }

        /**
         * Reads tensor {@code name}: float32 for F32/F16/BF16, int64 for I64/I32, bool for BOOL/U8.
         *
         * @param name a tensor name
         * @return a new tensor with the data
         * @throws IllegalArgumentException if there is no such tensor
         * @throws IOException if the data cannot be read
         */
        public Tensor read(String name) throws IOException {
            Entry en = entry(name);
            if (en.dtype().equals("I8"))
                throw new IllegalArgumentException(file + ": tensor \"" + name + "\" is I8 (quantized data); read it with bytes()");
            int n = (int) ((en.end() - en.begin()) / en.width());
            long at = dataStart + en.begin();
            int w = en.width();
            // the data is mapped in chunks of at most 2^28 elements (≤ 2 GiB, a mapping's limit)
            switch (en.dtype()) {
                case "F32", "F16", "BF16": {
                    float[] f = new float[n];
                    for (int done = 0; done < n; ) {
                        int k = Math.min(n - done, CHUNK);
                        ByteBuffer b = map(at + (long) w * done, (long) w * k);
                        switch (en.dtype()) {
                            case "F32" -> b.asFloatBuffer().get(f, done, k);
                            case "F16" -> { for (int i = 0; i < k; i++) f[done + i] = Float.float16ToFloat(b.getShort(2 * i)); }
                            default -> { for (int i = 0; i < k; i++) f[done + i] = Float.intBitsToFloat((b.getShort(2 * i) & 0xffff) << 16); }
                        }
                        done += k;
                    }
                    return Tensor.of(f, en.shape());
                }
                case "I64", "I32": {
                    long[] l = new long[n];
                    for (int done = 0; done < n; ) {
                        int k = Math.min(n - done, CHUNK);
                        ByteBuffer b = map(at + (long) w * done, (long) w * k);
                        if (w == 8) b.asLongBuffer().get(l, done, k);
                        else for (int i = 0; i < k; i++) l[done + i] = b.getInt(4 * i);
                        done += k;
                    }
                    return Tensor.ofLongs(l, en.shape());
                }
                default: {
                    boolean[] v = new boolean[n];
                    for (int done = 0; done < n; ) {
                        int k = Math.min(n - done, CHUNK);
                        ByteBuffer b = map(at + done, k);
                        for (int i = 0; i < k; i++) v[done + i] = b.get(i) != 0;
                        done += k;
                    }
                    return Tensor.ofBools(v, en.shape());
                }
            }
        }

        /**
         * Reads a BF16 tensor's raw 16-bit values, without widening them (for weights kept in
         * bfloat16: half the memory of {@link #read}'s float32).
         *
         * @param name a tensor name
         * @return its elements in row-major order, each the upper 16 bits of a float32
         * @throws IllegalArgumentException if there is no such tensor
         * @throws IOException if its dtype is not BF16 (the message names the file and the tensor) or the data cannot be read
         */
        public short[] readBF16(String name) throws IOException {
            Entry en = entry(name);
            if (!en.dtype().equals("BF16"))
                throw new IOException(file + ": tensor \"" + name + "\" has dtype " + en.dtype() + ", expected BF16");
            int n = (int) ((en.end() - en.begin()) / 2);
            long at = dataStart + en.begin();
            short[] s = new short[n];
            for (int done = 0; done < n; ) {
                int k = Math.min(n - done, CHUNK);
                map(at + 2L * done, 2L * k).asShortBuffer().get(s, done, k);
                done += k;
            }
            return s;
        }

        /**
         * The raw little-endian bytes of tensor {@code name}, mapped read-only and not converted:
         * for data that {@link #read} would widen, such as bfloat16 weights kept as bfloat16 or
         * I8 quantized blocks.
         *
         * @param name a tensor name
         * @return a little-endian buffer over exactly the tensor's bytes
         * @throws IllegalArgumentException if there is no such tensor
         * @throws IOException if the data cannot be mapped, or is 2 GiB or more
         */
        public ByteBuffer bytes(String name) throws IOException {
            Entry en = entry(name);
            long len = en.end() - en.begin();
            if (len > Integer.MAX_VALUE) throw bad(file, "tensor \"" + name + "\": " + len + " bytes, too many for one buffer");
            return map(dataStart + en.begin(), len);
        }

        private ByteBuffer map(long position, long length) throws IOException {
            if (length == 0) return ByteBuffer.allocate(0).order(ByteOrder.LITTLE_ENDIAN);
            return ch.map(FileChannel.MapMode.READ_ONLY, position, length).order(ByteOrder.LITTLE_ENDIAN);
        }

        @Override
        public void close() throws IOException {
            ch.close();
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

    /**
     * The reference implementation's rule for the data section (safetensors' {@code Metadata::validate}
     * and {@code read_metadata}): taken in order of their offsets, the tensors start at 0, each
     * begins where the one before ends, and the last ends at the end of the file. So no two tensors
     * share bytes, no bytes lie unused between them, and nothing trails the last one.
     */
    private static void checkLayout(Path file, Map<String, Reader.Entry> entries, long dataLen) throws IOException {
        List<Map.Entry<String, Reader.Entry>> byOffset = new ArrayList<>(entries.entrySet());
        byOffset.sort(java.util.Comparator.comparingLong((Map.Entry<String, Reader.Entry> e) -> e.getValue().begin())
                .thenComparingLong(e -> e.getValue().end()));
        long at = 0;
        String previous = null;
        for (Map.Entry<String, Reader.Entry> e : byOffset) {
            Reader.Entry en = e.getValue();
            if (en.begin() < at)
                throw bad(file, "tensor \"" + e.getKey() + "\": data_offsets [" + en.begin() + ", " + en.end() + "] overlap tensor \"" + previous
                        + "\", which ends at " + at + " (each tensor must have its own bytes)");
            if (en.begin() > at)
                throw bad(file, "tensor \"" + e.getKey() + "\": data_offsets [" + en.begin() + ", " + en.end() + "] leave " + (en.begin() - at)
                        + " unused bytes before it (from " + at + "; tensors must follow each other from offset 0)");
            at = en.end();
            previous = e.getKey();
        }
        if (at != dataLen)
            throw bad(file, "the tensors cover " + at + " bytes of the data section, but it has " + dataLen
                    + " (the header does not describe the whole file)");
    }

    private static Reader.Entry parseEntry(Path file, String name, Object spec, long dataLen) throws IOException {
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
            case "BOOL", "U8", "I8" -> 1;
            default -> throw bad(file, "tensor \"" + name + "\": unsupported dtype " + dtype);
        };
        if (end - begin != numel * width)
            throw bad(file, "tensor \"" + name + "\": data_offsets cover " + (end - begin) + " bytes but shape " + shapeList + " of " + dtype
                    + " needs " + numel * width);
        return new Reader.Entry(dtype, shape, begin, end, width);
    }

    /**
     * Writes tensors (float32, int64 or bool) to {@code file}, atomically.
     *
     * @param file the file to write; folders are created
     * @param tensors the tensors by name, written in map order
     * @throws IOException if the file cannot be written
     */
    public static void write(Path file, Map<String, Tensor> tensors) throws IOException {
        write(file, tensors, Map.of());
    }

    /**
     * Writes tensors and string metadata to {@code file}, atomically (temp file in the same folder, then
     * rename).
     *
     * @param file the file to write; folders are created
     * @param tensors the tensors by name, written in map order
     * @param metadata strings written as {@code __metadata__} (nothing when empty)
     * @throws IOException if the file cannot be written
     */
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
            readableByAll(file);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
    }

    /**
     * One tensor for {@link #writeRaw}: its safetensors dtype, shape and data as a Java array of
     * the matching width ({@code float[]} for F32, {@code short[]} for BF16 or F16,
     * {@code byte[]} for I8 or U8, {@code long[]} for I64), written little-endian as it is.
     *
     * @param dtype the safetensors dtype
     * @param shape the shape
     * @param data the elements, row-major
     */
    public record Raw(String dtype, int[] shape, Object data) {
    }

    /**
     * Writes arrays under their own dtypes (no conversion) and string metadata to {@code file},
     * atomically: how quantized or bfloat16 weights are stored as they are held in memory.
     *
     * @param file the file to write; folders are created
     * @param tensors the tensors by name, written in map order
     * @param metadata strings written as {@code __metadata__} (nothing when empty)
     * @throws IOException if the file cannot be written
     * @throws IllegalArgumentException if an array's type or length does not match its dtype and shape
     */
    public static void writeRaw(Path file, Map<String, Raw> tensors, Map<String, String> metadata) throws IOException {
        Map<String, Object> header = new LinkedHashMap<>();
        if (!metadata.isEmpty()) header.put("__metadata__", new LinkedHashMap<String, Object>(metadata));
        long at = 0;
        for (Map.Entry<String, Raw> e : tensors.entrySet()) {
            Raw t = e.getValue();
            long numel = 1;
            for (int d : t.shape()) numel *= d;
            int width;
            int length;
            switch (t.data()) {
                case float[] a when t.dtype().equals("F32") -> { width = 4; length = a.length; }
                case short[] a when t.dtype().equals("BF16") || t.dtype().equals("F16") -> { width = 2; length = a.length; }
                case byte[] a when t.dtype().equals("I8") || t.dtype().equals("U8") -> { width = 1; length = a.length; }
                case long[] a when t.dtype().equals("I64") -> { width = 8; length = a.length; }
                default -> throw new IllegalArgumentException("Safetensors.writeRaw: tensor \"" + e.getKey() + "\": "
                        + t.data().getClass().getSimpleName() + " data for dtype " + t.dtype());
            }
            if (length != numel)
                throw new IllegalArgumentException("Safetensors.writeRaw: tensor \"" + e.getKey() + "\": " + length
                        + " elements for shape " + java.util.Arrays.toString(t.shape()));
            Map<String, Object> spec = new LinkedHashMap<>();
            spec.put("dtype", t.dtype());
            List<Object> shape = new ArrayList<>();
            for (int d : t.shape()) shape.add((long) d);
            spec.put("shape", shape);
            spec.put("data_offsets", List.of(at, at + numel * width));
            header.put(e.getKey(), spec);
            at += numel * width;
        }
        byte[] hb = Json.write(header).getBytes(StandardCharsets.UTF_8);
        int padded = (hb.length + 7) / 8 * 8;
        Path dir = file.toAbsolutePath().getParent();
        if (dir != null) Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
        try {
            try (OutputStream os = new java.io.BufferedOutputStream(Files.newOutputStream(tmp), 1 << 20)) {
                os.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded).array());
                os.write(hb);
                for (int i = hb.length; i < padded; i++) os.write(' ');
                ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
                for (Raw t : tensors.values()) {
                    switch (t.data()) {
                        case float[] a -> { for (float v : a) { if (buf.remaining() < 4) flush(buf, os); buf.putFloat(v); } }
                        case short[] a -> { for (short v : a) { if (buf.remaining() < 2) flush(buf, os); buf.putShort(v); } }
                        case byte[] a -> { flush(buf, os); os.write(a); }
                        case long[] a -> { for (long v : a) { if (buf.remaining() < 8) flush(buf, os); buf.putLong(v); } }
                        default -> throw new IllegalStateException("checked above");
                    }
                }
                flush(buf, os);
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            readableByAll(file);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
    }

    /** Temporary files are created owner-only; a finished file gets the usual rw-r--r-- where POSIX permissions exist. */
    static void readableByAll(Path p) {
        AtomicFiles.readableByAll(p);
    }

    private static void flush(ByteBuffer buf, OutputStream os) throws IOException {
        os.write(buf.array(), 0, buf.position());
        buf.clear();
    }
}
