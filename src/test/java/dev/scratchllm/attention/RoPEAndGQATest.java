package dev.scratchllm.attention;

import dev.scratchllm.LlamaQwenFixtures;
import dev.scratchllm.ScratchLLM;
import dev.scratchllm.autograd.GradCheck;
import dev.scratchllm.tensor.Tensor;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static dev.scratchllm.LlamaQwenFixtures.assertBitIdentical;
import static dev.scratchllm.LlamaQwenFixtures.assertClose;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** RoPE (with Llama 3 frequency scaling) and grouped-query attention against the reference code in PyTorch. */
class RoPEAndGQATest {
    private static final Map<String, Tensor> F = LlamaQwenFixtures.read("blocks.safetensors").tensors();
    private static final RoPE.FreqConfig TINY_FREQ = new RoPE.FreqConfig(8.0, 1.0, 4.0, 200);
    private static final RoPE.FreqConfig LLAMA32_FREQ = new RoPE.FreqConfig(32.0, 1.0, 4.0, 8192);

    private static Tensor rows(Tensor table, long[] rows) {
        return table.indexSelect(0, Tensor.ofLongs(rows, rows.length));
    }

    @Test
    @DisplayName("computeRopeParams with frequency scaling (all three bands) equals PyTorch's tables")
    void ropeTiny() {
        assertClose("inv_freq", Tensor.of(RoPE.inverseFrequencies(8, 500_000.0, TINY_FREQ), 4), F.get("rope.tiny.inv_freq"), 6e-8);
        RoPE.Params p = RoPE.computeRopeParams(8, 500_000.0, 32, TINY_FREQ);
        assertClose("cos", p.cos(), F.get("rope.tiny.cos"), 1e-6);
        assertClose("sin", p.sin(), F.get("rope.tiny.sin"), 1e-6);
    }

    @Test
    @DisplayName("The real Llama 3.2 (theta 5e5, scaling 32/1/4/8192) and Qwen3 (theta 1e6) tables equal PyTorch's at far positions")
    void ropeReal() {
        long[] r = F.get("rope.rows").toLongArray();
        float[] inv = RoPE.inverseFrequencies(64, 500_000.0, LLAMA32_FREQ);
        // float pow may differ from PyTorch's in the last bit: within an ulp (≤ 6e-8 for values ≤ 1)
        assertClose("llama inv_freq", Tensor.of(inv, 32), F.get("rope.llama32.inv_freq"), 6e-8);
        RoPE.Params llama = RoPE.computeRopeParams(64, 500_000.0, 40_960, LLAMA32_FREQ);
        // angles up to 4e4 rad: a one-ulp difference in an angle moves cos/sin by up to ~4e-3 · 2^-23 · 4e4
        assertClose("llama cos rows", rows(llama.cos(), r), F.get("rope.llama32.cos_rows"), 1e-5);
        assertClose("llama sin rows", rows(llama.sin(), r), F.get("rope.llama32.sin_rows"), 1e-5);
        RoPE.Params qwen = RoPE.computeRopeParams(128, 1_000_000.0, 40_960, null);
        assertClose("qwen inv_freq", Tensor.of(RoPE.inverseFrequencies(128, 1_000_000.0, null), 64), F.get("rope.qwen3.inv_freq"), 6e-8);
        assertClose("qwen cos rows", rows(qwen.cos(), r), F.get("rope.qwen3.cos_rows"), 1e-5);
        assertClose("qwen sin rows", rows(qwen.sin(), r), F.get("rope.qwen3.sin_rows"), 1e-5);
    }

    @Test
    @DisplayName("applyRope with an offset: output and gradient equal PyTorch's; gradient check")
    void applyRope() {
        RoPE.Params p = RoPE.computeRopeParams(8, 500_000.0, 32, TINY_FREQ);
        Tensor x = F.get("apply_rope.x").clone().detach().requiresGrad(true);
        Tensor y = RoPE.applyRope(x, p.cos(), p.sin(), 4);
        assertClose("y", y, F.get("apply_rope.y"), 1e-6);
        y.mul(F.get("apply_rope.w")).sum().backward();
        assertClose("x.grad", x.grad(), F.get("apply_rope.x_grad"), 1e-6);
        ScratchLLM.manualSeed(9);
        GradCheck.Result r = GradCheck.check(in -> RoPE.applyRope(in[0], p.cos(), p.sin(), 3), ScratchLLM.randn(1, 2, 4, 8).requiresGrad(true));
        assertThat(r.ok()).as(r.toString()).isTrue();
        assertThatThrownBy(() -> RoPE.applyRope(x, p.cos(), p.sin(), 30)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("exceed");
    }

    private void checkAttention(String name, GroupedQueryAttention att, Tensor cos, Tensor sin) {
        for (var e : att.stateDict().entrySet()) assertBitIdentical(name + " init " + e.getKey(), e.getValue(), F.get(name + ".init." + e.getKey()));
        Tensor x = F.get(name + ".x").clone().detach().requiresGrad(true);
        Tensor y = att.forward(x, cos, sin);
        assertClose(name + " y", y, F.get(name + ".y"), 1e-6);
        y.mul(F.get(name + ".w")).sum().backward();
        assertClose(name + " x.grad", x.grad(), F.get(name + ".x_grad"), 1e-5);
        for (var e : att.namedParameters().entrySet())
            assertClose(name + " grad " + e.getKey(), e.getValue().grad(), F.get(name + ".grad." + e.getKey()), 1e-5);
        // the explicit bool mask path gives the same as the fused causal path
        int t = x.size(1);
        Tensor mask = Tensor.ones(t, t).triu(1).toBool();
        try (var g = Tensor.noGrad()) {
            assertClose(name + " masked", att.forward(F.get(name + ".x"), mask, cos, sin, null, 0), F.get(name + ".y"), 1e-6);
        }
    }

    @Test
    @DisplayName("GroupedQueryAttention (Llama order, RoPE scaling): seeded init bit-identical, output and gradients equal PyTorch's")
    void gqaLlama() {
        ScratchLLM.manualSeed(123);
        GroupedQueryAttention att = GroupedQueryAttention.llama3(16, 16, 4, 2);
        assertThat(att.stateDict().keySet()).containsExactly("W_key.weight", "W_value.weight", "W_query.weight", "out_proj.weight");
        RoPE.Params p = RoPE.computeRopeParams(4, 10_000.0, 16, TINY_FREQ);
        checkAttention("gqa_llama", att, p.cos(), p.sin());
    }

    @Test
    @DisplayName("GroupedQueryAttention (Qwen3: QK-norm, head_dim 6 != d_in/heads): seeded init, output and gradients equal PyTorch's")
    void gqaQwen() {
        ScratchLLM.manualSeed(123);
        GroupedQueryAttention att = new GroupedQueryAttention(16, 4, 2, 6, true);
        assertThat(att.stateDict().keySet()).containsExactly("W_query.weight", "W_key.weight", "W_value.weight", "out_proj.weight",
                "q_norm.scale", "k_norm.scale");
        RoPE.Params p = RoPE.computeRopeParams(6, 10_000.0, 16, null);
        checkAttention("gqa_qwen", att, p.cos(), p.sin());
    }

    @Test
    @DisplayName("GQA with a KV cache: 3 + 1 + 1 + 2 tokens give the uncached outputs; gradient check of the uncached path")
    void gqaCache() {
        ScratchLLM.manualSeed(11);
        GroupedQueryAttention att = new GroupedQueryAttention(8, 4, 2, 0, true);
        RoPE.Params p = RoPE.computeRopeParams(2, 10_000.0, 16, null);
        Tensor x = ScratchLLM.randn(2, 7, 8);
        try (var g = Tensor.noGrad()) {
            Tensor full = att.forward(x, p.cos(), p.sin());
            KVCache cache = new KVCache(1);
            int[] steps = {3, 1, 1, 2};
            int at = 0;
            for (int s : steps) {
                Tensor part = att.forward(x.narrow(1, at, s), null, p.cos(), p.sin(), cache, 0);
                cache.advance(s);
                assertClose("cached tokens " + at + ".." + (at + s - 1), part, full.narrow(1, at, s), 1e-6);
                at += s;
            }
            assertThat(cache.keys(0).shape()).containsExactly(2, 2, 7, 2);
        }
        GradCheck.Result r = GradCheck.check(in -> att.forward(in[0], p.cos(), p.sin()), ScratchLLM.randn(1, 3, 8).requiresGrad(true));
        assertThat(r.ok()).as(r.toString()).isTrue();
        assertThatThrownBy(() -> new GroupedQueryAttention(8, 4, 3, 0, false)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("num_kv_groups");
    }

    @Test
    @DisplayName("repeatInterleave repeats each slice in place ([K1, K2] → [K1, K1, K2, K2]) and sums the copies' gradients")
    void repeatInterleave() {
        Tensor k = Tensor.of(new float[] {1, 2, 3, 4}, 1, 2, 2).requiresGrad(true);
        Tensor r = k.repeatInterleave(2, 1);
        assertThat(r.shape()).containsExactly(1, 4, 2);
        assertThat(r.toFloatArray()).containsExactly(1, 2, 1, 2, 3, 4, 3, 4);
        r.sum().backward();
        assertThat(k.grad().toFloatArray()).containsExactly(2, 2, 2, 2);
    }
}
