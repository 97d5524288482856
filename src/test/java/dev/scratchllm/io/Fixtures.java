// Test helpers for the io fixtures: find a committed fixture, read the GPT config the Python
// script stores in metadata, and compare tensors with a tolerance while recording the largest
// difference. It does not generate fixtures (scripts/make_fixtures.py and JavaGptStateFixture do).
package dev.scratchllm.io;

import dev.scratchllm.gpt.GPTConfig;
import dev.scratchllm.tensor.Shape;
import dev.scratchllm.tensor.Tensor;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Shared by the io tests that read {@code src/test/resources/fixtures}. */
final class Fixtures {
    private Fixtures() {
    }

    /** The path of fixture {@code name} on the test class path. */
    static Path path(String name) {
        var url = Fixtures.class.getResource("/fixtures/" + name);
        assertThat(url).as("fixture " + name + " (run scripts/make_fixtures.py, see docs/fixtures.md)").isNotNull();
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The book's config dictionary (JSON in a fixture's metadata) as a {@link GPTConfig}. */
    static GPTConfig config(String json, String source) {
        Map<String, Object> c = Json.parseObject(json, source);
        return new GPTConfig(num(c, "vocab_size"), num(c, "context_length"), num(c, "emb_dim"), num(c, "n_heads"), num(c, "n_layers"),
                ((Number) c.get("drop_rate")).doubleValue(), (Boolean) c.get("qkv_bias"));
    }

    private static int num(Map<String, Object> c, String key) {
        return ((Number) c.get(key)).intValue();
    }

    /** The largest |a − b|, after checking that the shapes agree. */
    static double maxAbsDiff(String what, Tensor actual, Tensor expected) {
        assertThat(actual.shape()).as(what + " shape").containsExactly(expected.shape());
        float[] a = actual.toFloatArray(), b = expected.toFloatArray();
        double max = 0;
        for (int i = 0; i < a.length; i++) max = Math.max(max, Math.abs((double) a[i] - b[i]));
        return max;
    }

    /** |actual − expected| ≤ atol + rtol·|expected| element-wise; returns the largest absolute difference. */
    static double assertClose(String what, Tensor actual, Tensor expected, double atol, double rtol) {
        assertThat(actual.shape()).as(what + " shape").containsExactly(expected.shape());
        float[] a = actual.toFloatArray(), b = expected.toFloatArray();
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            double d = Math.abs((double) a[i] - b[i]);
            max = Math.max(max, d);
            if (d > atol + rtol * Math.abs(b[i]))
                throw new AssertionError(what + " " + Shape.str(actual.shape()) + ": element " + i + " is " + a[i] + ", expected " + b[i]
                        + " (|diff| " + d + " > " + atol + " + " + rtol + "·|expected|)");
        }
        return max;
    }
}
