// Test helpers for the Llama 3 / Qwen3 fixtures that scripts/make_llama_qwen_fixtures.py writes:
// find a fixture, turn the reference's config dictionaries (JSON in the metadata) into our
// configs, and compare tensors with a tolerance. It does not generate fixtures.
package dev.scratchllm;

import dev.scratchllm.attention.RoPE;
import dev.scratchllm.io.Json;
import dev.scratchllm.io.Safetensors;
import dev.scratchllm.llama.Llama3Config;
import dev.scratchllm.qwen.Qwen3Config;
import dev.scratchllm.tensor.Shape;
import dev.scratchllm.tensor.Tensor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Shared by the tests of nn, attention, llama, qwen and io that read {@code fixtures/llama_qwen}. */
public final class LlamaQwenFixtures {
    private LlamaQwenFixtures() {
    }

    /** The path of {@code fixtures/llama_qwen/<name>} on the test class path. */
    public static Path path(String name) {
        var url = LlamaQwenFixtures.class.getResource("/fixtures/llama_qwen/" + name);
        assertThat(url).as("fixture " + name + " (run scripts/make_llama_qwen_fixtures.py)").isNotNull();
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A writable copy of fixture folder {@code fixture} under {@code tmp} (for tests that spoil a file). */
    public static Path copy(String fixture, Path tmp) throws IOException {
        Path src = path(fixture), dst = tmp.resolve(fixture);
        java.nio.file.Files.createDirectories(dst);
        try (java.util.stream.Stream<Path> s = java.nio.file.Files.list(src)) {
            for (Path p : (Iterable<Path>) s::iterator) java.nio.file.Files.copy(p, dst.resolve(p.getFileName()));
        }
        return dst;
    }

    /** Rewrites a safetensors file after {@code edit} changed its tensors (removed, added or replaced some). */
    public static void rewrite(Path file, java.util.function.Consumer<Map<String, Tensor>> edit) throws IOException {
        Map<String, Tensor> t = new java.util.LinkedHashMap<>(Safetensors.read(file));
        edit.accept(t);
        Safetensors.write(file, t);
    }

    /** All tensors and the metadata of a fixture file. */
    public static Safetensors.Contents read(String name) {
        try {
            return Safetensors.readWithMetadata(path(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int num(Map<String, Object> c, String key) {
        Object v = c.get(key);
        return v == null ? 0 : ((Number) v).intValue();
    }

    private static double dbl(Map<String, Object> c, String key) {
        return ((Number) c.get(key)).doubleValue();
    }

    /** The reference's Llama config dictionary as a {@link Llama3Config}. */
    @SuppressWarnings("unchecked")
    public static Llama3Config llamaConfig(String json) {
        Map<String, Object> c = Json.parseObject(json, "config");
        Map<String, Object> f = (Map<String, Object>) c.get("rope_freq");
        RoPE.FreqConfig freq = f == null ? null : new RoPE.FreqConfig(dbl(f, "factor"), dbl(f, "low_freq_factor"), dbl(f, "high_freq_factor"),
                num(f, "original_context_length"));
        return new Llama3Config(num(c, "vocab_size"), num(c, "context_length"), num(c, "emb_dim"), num(c, "n_heads"), num(c, "n_layers"),
                num(c, "hidden_dim"), num(c, "n_kv_groups"), dbl(c, "rope_base"), freq);
    }

    /** The reference's Qwen3 config dictionary as a {@link Qwen3Config}. */
    public static Qwen3Config qwenConfig(String json) {
        Map<String, Object> c = Json.parseObject(json, "config");
        return new Qwen3Config(num(c, "vocab_size"), num(c, "context_length"), num(c, "emb_dim"), num(c, "n_heads"), num(c, "n_layers"),
                num(c, "hidden_dim"), num(c, "head_dim"), Boolean.TRUE.equals(c.get("qk_norm")), num(c, "n_kv_groups"), dbl(c, "rope_base"),
                num(c, "num_experts"), num(c, "num_experts_per_tok"), num(c, "moe_intermediate_size"));
    }

    /** |actual − expected| ≤ atol element-wise; returns the largest absolute difference. */
    public static double assertClose(String what, Tensor actual, Tensor expected, double atol) {
        assertThat(actual.shape()).as(what + " shape").containsExactly(expected.shape());
        float[] a = actual.toFloatArray(), b = expected.toFloatArray();
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            double d = Math.abs((double) a[i] - b[i]);
            if (!(d <= atol))
                throw new AssertionError(what + " " + Shape.str(actual.shape()) + ": element " + i + " is " + a[i] + ", expected " + b[i]
                        + " (|diff| " + d + " > " + atol + ")");
            max = Math.max(max, d);
        }
        return max;
    }

    /** Bit-for-bit equality of two float tensors. */
    public static void assertBitIdentical(String what, Tensor actual, Tensor expected) {
        assertThat(actual.shape()).as(what + " shape").containsExactly(expected.shape());
        float[] a = actual.toFloatArray(), b = expected.toFloatArray();
        for (int i = 0; i < a.length; i++)
            if (Float.floatToRawIntBits(a[i]) != Float.floatToRawIntBits(b[i]))
                throw new AssertionError(what + ": element " + i + " is " + a[i] + ", PyTorch has " + b[i] + " (shape " + Arrays.toString(actual.shape()) + ")");
    }
}
