package dev.scratchllm.data;

import dev.scratchllm.io.Json;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** DistributedSampler's shards against PyTorch 1.13's (fixtures/distributed_sampler.json, scripts/make_distributed_sampler_fixtures.py). */
class DistributedSamplerTest {

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> cases() throws IOException {
        try (InputStream in = DistributedSamplerTest.class.getResourceAsStream("/fixtures/distributed_sampler.json")) {
            assertThat(in).as("fixtures/distributed_sampler.json (scripts/make_distributed_sampler_fixtures.py)").isNotNull();
            Map<String, Object> all = Json.parseObject(new String(in.readAllBytes(), StandardCharsets.UTF_8), "distributed_sampler.json");
            return (List<Map<String, Object>>) all.get("cases");
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void shardsEqualPyTorchs() throws IOException {
        List<Map<String, Object>> cases = cases();
        assertThat(cases).hasSizeGreaterThanOrEqualTo(10);
        for (Map<String, Object> c : cases) {
            int size = ((Number) c.get("size")).intValue(), replicas = ((Number) c.get("num_replicas")).intValue();
            boolean shuffle = (Boolean) c.get("shuffle"), dropLast = (Boolean) c.get("drop_last");
            long seed = ((Number) c.get("seed")).longValue(), epoch = ((Number) c.get("epoch")).longValue();
            List<List<Object>> shards = (List<List<Object>>) c.get("shards");
            for (int rank = 0; rank < replicas; rank++) {
                DistributedSampler s = new DistributedSampler(size, replicas, rank, shuffle, seed, dropLast);
                List<Object> want = shards.get(rank);
                long[] expected = new long[want.size()];
                for (int i = 0; i < expected.length; i++) expected[i] = ((Number) want.get(i)).longValue();
                assertThat(s.numSamples()).as("num_samples of %s", c.keySet()).isEqualTo(((Number) c.get("num_samples")).intValue());
                assertThat(s.indices(epoch)).as("size %d, replicas %d, rank %d, shuffle %s, seed %d, drop_last %s, epoch %d",
                        size, replicas, rank, shuffle, seed, dropLast, epoch).containsExactly(expected);
            }
        }
    }

    @Test
    void refusesBadArguments() {
        assertThatThrownBy(() -> new DistributedSampler(4, 2, 2, true, 0, false)).hasMessageContaining("Invalid rank 2");
        assertThatThrownBy(() -> new DistributedSampler(4, 0, 0, true, 0, false)).hasMessageContaining("num_replicas");
        assertThatThrownBy(() -> new DistributedSampler(-1, 1, 0, true, 0, false)).hasMessageContaining("size");
    }
}
