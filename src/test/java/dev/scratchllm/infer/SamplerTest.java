package dev.scratchllm.infer;

import dev.scratchllm.io.Json;
import dev.scratchllm.random.Generator;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link Sampler} against PyTorch (fixture {@code sampling.json} from
 * {@code scripts/make_sampling_fixtures.py}): for each case — temperature, top-k, top-p
 * (Hugging Face's nucleus rule), repetition penalty over earlier tokens, greedy — the set of ids
 * that survive the filters and twenty seeded {@code torch.multinomial} draws in a row.
 */
class SamplerTest {

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> cases() throws IOException {
        try (InputStream in = SamplerTest.class.getResourceAsStream("/fixtures/sampling.json")) {
            assertThat(in).as("fixture sampling.json (scripts/make_sampling_fixtures.py)").isNotNull();
            Map<String, Object> root = Json.parseObject(new String(in.readAllBytes(), StandardCharsets.UTF_8), "sampling.json");
            return (List<Map<String, Object>>) root.get("cases");
        }
    }

    static int[] ints(Object list) {
        List<?> l = (List<?>) list;
        int[] a = new int[l.size()];
        for (int i = 0; i < a.length; i++) a[i] = ((Number) l.get(i)).intValue();
        return a;
    }

    static float num(Map<String, Object> c, String k) {
        return ((Number) c.get(k)).floatValue();
    }

    @Test
    void drawsAndFiltersEqualPyTorch() throws IOException {
        List<Map<String, Object>> cases = cases();
        assertThat(cases).hasSize(10);
        for (Map<String, Object> c : cases) {
            List<?> l = (List<?>) c.get("logits");
            float[] logits = new float[l.size()];
            for (int i = 0; i < logits.length; i++) logits[i] = ((Number) l.get(i)).floatValue();
            SamplingParams p = new SamplingParams(num(c, "temperature"), ((Number) c.get("top_k")).intValue(),
                    num(c, "top_p"), num(c, "repetition_penalty"));
            int[] history = ints(c.get("history")), want = ints(c.get("draws")), kept = ints(c.get("kept"));
            Sampler s = new Sampler(logits.length);
            Generator g = new Generator(((Number) c.get("seed")).longValue());
            List<Integer> got = new ArrayList<>();
            float[] row = new float[logits.length + 2];
            for (int d = 0; d < want.length; d++) {
                System.arraycopy(logits, 0, row, 2, logits.length); // the sampler filters the row in place
                got.add(s.sample(row, 2, p, g, history, history.length));
                if (d == 0 && p.temperature() > 0) {
                    List<Integer> survivors = new ArrayList<>();
                    for (int i = 0; i < logits.length; i++) if (row[2 + i] != Float.NEGATIVE_INFINITY) survivors.add(i);
                    assertThat(survivors).as("kept ids for %s", p).containsExactly(java.util.Arrays.stream(kept).boxed().toArray(Integer[]::new));
                }
            }
            assertThat(got).as("draws for %s", p).containsExactly(java.util.Arrays.stream(want).boxed().toArray(Integer[]::new));
        }
    }

    @Test
    void rejectsOutOfRangeSettings() {
        assertThatThrownBy(() -> new SamplingParams(-1f, 0, 1f, 1f)).hasMessageContaining("temperature");
        assertThatThrownBy(() -> new SamplingParams(1f, -1, 1f, 1f)).hasMessageContaining("top_k");
        assertThatThrownBy(() -> new SamplingParams(1f, 0, 0f, 1f)).hasMessageContaining("top_p");
        assertThatThrownBy(() -> new SamplingParams(1f, 0, 1.5f, 1f)).hasMessageContaining("top_p");
        assertThatThrownBy(() -> new SamplingParams(1f, 0, 1f, 0f)).hasMessageContaining("repetition_penalty");
    }

    @Test
    void selectFindsEveryRank() {
        java.util.Random r = new java.util.Random(9);
        for (int n = 1; n < 40; n++) {
            float[] a = new float[n];
            for (int i = 0; i < n; i++) a[i] = r.nextInt(7); // many ties
            float[] sorted = a.clone();
            java.util.Arrays.sort(sorted);
            for (int k = 0; k < n; k++) assertThat(Sampler.select(a.clone(), n, k)).isEqualTo(sorted[k]);
        }
    }
}
