package dev.scratchllm.random;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Replays the parameter initialisation of the book's {@code GPTModel(GPT_CONFIG_124M)} with
 * {@code manual_seed(123)} on bare arrays, in the book's construction order, and checks the
 * sampled weights, the total word count (162,971,136) and the {@code torch.rand(3)} drawn right
 * after construction against the {@code gpt124m_init_seed123} entry.
 *
 * <p>The entry's {@code greedy_generate_hello_i_am} needs the model itself (its forward pass
 * draws nothing in eval mode); it belongs to the GPT model's tests, not the generator's, and is
 * only checked for presence here.
 */
final class Gpt124mInit {
    private Gpt124mInit() {
    }

    static final int VOCAB = 50257;
    static final int CONTEXT = 1024;
    static final int EMB = 768;
    static final int LAYERS = 12;
    static final long WORDS = 162_971_136L;

    /** One parameter: its state-dict name, element count, fan-in (0 for an embedding) and whether it is a bias. */
    record Param(String name, int numel, int fanIn, boolean bias) {
    }

    static List<Param> constructionOrder() {
        List<Param> ps = new ArrayList<>();
        ps.add(new Param("tok_emb.weight", VOCAB * EMB, 0, false));
        ps.add(new Param("pos_emb.weight", CONTEXT * EMB, 0, false));
        for (int b = 0; b < LAYERS; b++) {
            String p = "trf_blocks." + b + ".";
            ps.add(new Param(p + "att.W_query.weight", EMB * EMB, EMB, false)); // qkv_bias = False
            ps.add(new Param(p + "att.W_key.weight", EMB * EMB, EMB, false));
            ps.add(new Param(p + "att.W_value.weight", EMB * EMB, EMB, false));
            ps.add(new Param(p + "att.out_proj.weight", EMB * EMB, EMB, false));
            ps.add(new Param(p + "att.out_proj.bias", EMB, EMB, true));
            ps.add(new Param(p + "ff.layers.0.weight", 4 * EMB * EMB, EMB, false));
            ps.add(new Param(p + "ff.layers.0.bias", 4 * EMB, EMB, true));
            ps.add(new Param(p + "ff.layers.2.weight", EMB * 4 * EMB, 4 * EMB, false));
            ps.add(new Param(p + "ff.layers.2.bias", EMB, 4 * EMB, true));
        }
        ps.add(new Param("out_head.weight", EMB * VOCAB, EMB, false)); // no bias
        return ps;
    }

    static void check(Map<String, Object> entry) {
        assertThat(((Number) entry.get("engine_words_consumed")).longValue()).isEqualTo(WORDS);
        assertThat(entry).containsKey("greedy_generate_hello_i_am");

        // samples to check, by parameter name: "name[:5]" = first five, "name[-1,-5:]" = last five
        Map<String, List<Object[]>> wanted = new LinkedHashMap<>();
        int samples = 0;
        for (Map.Entry<String, Object> e : entry.entrySet()) {
            String key = e.getKey();
            int bracket = key.indexOf('[');
            if (bracket < 0 || key.startsWith("torch.")) {
                continue;
            }
            boolean last = key.endsWith("[-1,-5:]");
            assertThat(last || key.endsWith("[:5]")).as("sample key " + key).isTrue();
            wanted.computeIfAbsent(key.substring(0, bracket), k -> new ArrayList<>())
                    .add(new Object[] {last, TorchVectorsTest.map(e.getValue()), key});
            samples++;
        }
        assertThat(samples).isEqualTo(8);

        Generator g = new Generator(123);
        List<Param> order = constructionOrder();
        long words = 0;
        float[] buf = new float[VOCAB * EMB];
        int seen = 0;
        for (Param p : order) {
            if (p.fanIn == 0) {
                g.normal_(buf, 0, p.numel, 0.0, 1.0); // nn.Embedding: normal_(0, 1), block path
                words += p.numel + (p.numel % 16 == 0 ? 0 : 16);
            } else {
                double bound = p.bias ? Generator.linearBiasBound(p.fanIn) : Generator.kaimingUniformBound(p.fanIn);
                g.uniform_(buf, 0, p.numel, -bound, bound);
                words += p.numel;
            }
            List<Object[]> checks = wanted.get(p.name);
            if (checks != null) {
                for (Object[] c : checks) {
                    boolean last = (Boolean) c[0];
                    float[] got = Arrays.copyOfRange(buf, last ? p.numel - 5 : 0, last ? p.numel : 5);
                    TorchVectorsTest.compare((String) c[2], TorchVectorsTest.map(c[1]), got);
                    seen++;
                }
            }
        }
        assertThat(seen).as("samples found in the construction order").isEqualTo(samples);
        assertThat(words).isEqualTo(WORDS);

        // the words really consumed: same state as a fresh seed-123 generator skipped by WORDS
        // (no scalar-path normal ran, so no spare is cached on either side)
        Generator skipped = new Generator(123);
        skipped.skipWords(WORDS);
        assertThat(g.getState()).isEqualTo(skipped.getState());

        TorchVectorsTest.compare("torch.rand(3) right after construction",
                TorchVectorsTest.map(entry.get("torch.rand(3) right after construction")), g.rand(3));
    }
}
