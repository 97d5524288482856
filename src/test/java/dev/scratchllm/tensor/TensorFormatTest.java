package dev.scratchllm.tensor;

import dev.scratchllm.io.Json;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/** toString() against strings printed by PyTorch 1.13 (scripts/make_print_fixtures.py). */
class TensorFormatTest {
    static Map<String, Object> expected;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void load() throws IOException {
        try (InputStream in = TensorFormatTest.class.getResourceAsStream("/fixtures/print.json")) {
            Map<String, Object> root = Json.parseObject(new String(in.readAllBytes(), StandardCharsets.UTF_8), "print.json");
            expected = (Map<String, Object>) root.get("cases");
        }
    }

    static Tensor range(int n, float div) {
        float[] d = new float[n];
        for (int i = 0; i < n; i++) d[i] = i / div;
        return Tensor.of(d, n);
    }

    static Map<String, Supplier<Tensor>> cases() {
        Map<String, Supplier<Tensor>> c = new LinkedHashMap<>();
        c.put("row", () -> Tensor.fromArray(new float[][] {{0.4306f, 1.4551f}}));
        c.put("ints_as_float", () -> Tensor.fromArray(new float[] {1, 2, 3}));
        c.put("int64", () -> Tensor.fromArray(new long[] {1, 2, 3}));
        c.put("int64_wide", () -> Tensor.fromArray(new int[][] {{1, -20, 300}, {4, 5, 6}}));
        c.put("bool", () -> Tensor.fromArray(new boolean[] {true, false, true}));
        c.put("scalar", () -> Tensor.scalar(0.5f));
        c.put("scalar_int", () -> Tensor.ofLongs(new long[] {7}));
        c.put("sci_small", () -> Tensor.fromArray(new float[] {1e-5f, 1f}));
        c.put("sci_ratio", () -> Tensor.fromArray(new float[] {0.001f, 2f, 3000f}));
        c.put("neg_mixed", () -> Tensor.fromArray(new float[] {-0.5f, 10.25f, 3f}));
        c.put("half_even", () -> Tensor.fromArray(new float[] {0.00005f, 0.12345f, 0.99995f}));
        c.put("inf_nan", () -> Tensor.fromArray(new float[] {Float.NEGATIVE_INFINITY, 1.5f, Float.NaN, Float.POSITIVE_INFINITY}));
        c.put("all_inf", () -> Tensor.fromArray(new float[] {Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY}));
        c.put("zeros", () -> Tensor.zeros(2, 3));
        c.put("empty", () -> Tensor.zeros(0));
        c.put("empty2d", () -> Tensor.zeros(0, 3));
        c.put("big_int_float", () -> Tensor.fromArray(new float[] {1e9f, 1f}));
        c.put("matrix3d", () -> range(24, 1f).reshape(2, 3, 4).div(7f));
        c.put("long_row", () -> range(30, 1f).div(3f));
        c.put("summarized_1d", () -> range(2000, 1f));
        c.put("summarized_2d", () -> range(2000, 1f).reshape(40, 50).div(1000f));
        c.put("summarized_int", () -> Tensor.arange(3000).reshape(3, 1000));
        c.put("requires_grad", () -> Tensor.fromArray(new float[] {1, 2}).requiresGrad(true));
        c.put("grad_fn_mul", () -> Tensor.fromArray(new float[] {1, 2}).requiresGrad(true).mul(2f));
        c.put("grad_fn_add", () -> {
            Tensor x = Tensor.fromArray(new float[] {1, 2}).requiresGrad(true);
            return x.add(x);
        });
        c.put("grad_fn_mm", () -> {
            Tensor x = Tensor.fromArray(new float[] {1, 2}).requiresGrad(true);
            Tensor w = Tensor.fromArray(new float[][] {{0.25f, -0.5f}, {1.5f, 2f}, {0.1f, 0.2f}}).requiresGrad(true);
            return w.matmul(x);
        });
        c.put("grad_fn_wrap", () -> Tensor.fromArray(new float[][] {{0.1234f, 0.5678f, 0.9012f, 0.3456f, 0.7890f, 0.1111f, 0.2222f, 0.3333f, 0.4444f}})
                .requiresGrad(true).mul(1f));
        c.put("softmax", () -> Tensor.fromArray(new float[][] {{0.9544f, 1.4950f, 1.4754f, 0.8434f, 0.7070f, 1.0865f}}).softmax(-1));
        return c;
    }

    @Test
    void everyCasePrintsLikePyTorch() {
        Map<String, Supplier<Tensor>> cases = cases();
        assertThat(cases.keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
        for (var e : cases.entrySet())
            assertThat(e.getValue().get().toString()).as(e.getKey()).isEqualTo(expected.get(e.getKey()));
    }
}
