package dev.scratchllm.nn;

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

/** RMSNorm (both flavours), SiLU and the SwiGLU feed-forward against PyTorch, plus gradient checks. */
class LlamaQwenBlocksTest {
    private static final Map<String, Tensor> F = LlamaQwenFixtures.read("blocks.safetensors").tensors();

    private static double weightedBackward(Tensor y, Tensor w) {
        Tensor loss = y.mul(w).sum();
        loss.backward();
        return loss.item();
    }

    @Test
    @DisplayName("torch.nn.RMSNorm (Llama): output and gradients equal PyTorch's")
    void torchRmsNorm() {
        RMSNorm norm = new RMSNorm(16, 1e-5f);
        assertThat(norm.stateDict()).containsOnlyKeys("weight");
        norm.loadStateDict(Map.of("weight", F.get("rmsnorm.torch.weight")));
        Tensor x = F.get("rmsnorm.torch.x").clone().detach().requiresGrad(true);
        Tensor y = norm.forward(x);
        assertClose("y", y, F.get("rmsnorm.torch.y"), 1e-6);
        weightedBackward(y, F.get("rmsnorm.torch.w"));
        assertClose("x.grad", x.grad(), F.get("rmsnorm.torch.x_grad"), 1e-5);
        assertClose("weight.grad", norm.weight().grad(), F.get("rmsnorm.torch.weight_grad"), 1e-5);
    }

    @Test
    @DisplayName("Qwen3 RMSNorm with bias: scale/shift keys, output and gradients equal PyTorch's")
    void qwenRmsNorm() {
        RMSNorm norm = new RMSNorm(16, 1e-6f, true, true);
        assertThat(norm.stateDict().keySet()).containsExactly("scale", "shift");
        norm.loadStateDict(Map.of("scale", F.get("rmsnorm.qwen.scale"), "shift", F.get("rmsnorm.qwen.shift")));
        Tensor x = F.get("rmsnorm.qwen.x").clone().detach().requiresGrad(true);
        Tensor y = norm.forward(x);
        assertClose("y", y, F.get("rmsnorm.qwen.y"), 1e-6);
        weightedBackward(y, F.get("rmsnorm.qwen.w"));
        assertClose("x.grad", x.grad(), F.get("rmsnorm.qwen.x_grad"), 1e-5);
        assertClose("scale.grad", norm.weight().grad(), F.get("rmsnorm.qwen.scale_grad"), 1e-5);
        assertClose("shift.grad", norm.shift().grad(), F.get("rmsnorm.qwen.shift_grad"), 1e-5);
        assertThat(norm.toString()).contains("qwen3_compatible=True");
    }

    @Test
    @DisplayName("RMSNorm passes a finite-difference gradient check in input and weight")
    void rmsNormGradCheck() {
        ScratchLLM.manualSeed(5);
        RMSNorm norm = new RMSNorm(6, 1e-5f);
        Tensor w = ScratchLLM.randn(6).requiresGrad(true);
        Tensor x = ScratchLLM.randn(2, 3, 6).requiresGrad(true);
        norm.setParameter("weight", w);
        GradCheck.Result r = GradCheck.check(in -> norm.forward(in[0]), x, w);
        assertThat(r.ok()).as(r.toString()).isTrue();
        assertThatThrownBy(() -> norm.forward(ScratchLLM.randn(2, 5))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("RMSNorm").hasMessageContaining("6");
    }

    @Test
    @DisplayName("SiLU equals torch.nn.functional.silu, forward and backward; fused equals composed")
    void silu() {
        Tensor x = F.get("silu.x").clone().detach().requiresGrad(true);
        Tensor y = new SiLU().forward(x);
        assertClose("silu", y, F.get("silu.y"), 2e-6);
        y.sum().backward();
        assertClose("silu grad", x.grad(), F.get("silu.x_grad"), 1e-6);
        assertClose("composed", new SiLU().forwardComposed(F.get("silu.x")), F.get("silu.y"), 2e-6);
        ScratchLLM.manualSeed(3);
        GradCheck.Result r = GradCheck.check(in -> in[0].silu(), ScratchLLM.randn(3, 4).requiresGrad(true));
        assertThat(r.ok()).as(r.toString()).isTrue();
    }

    @Test
    @DisplayName("SwiGLU feed-forward: seeded fc1, fc2, fc3 bit-identical to PyTorch; output and gradients match")
    void swiglu() {
        ScratchLLM.manualSeed(123);
        SwiGLUFeedForward ff = new SwiGLUFeedForward(8, 12);
        for (var e : ff.stateDict().entrySet()) assertBitIdentical("init " + e.getKey(), e.getValue(), F.get("ff.init." + e.getKey()));
        assertThat(ff.stateDict().keySet()).containsExactly("fc1.weight", "fc2.weight", "fc3.weight");
        Tensor x = F.get("ff.x").clone().detach().requiresGrad(true);
        Tensor y = ff.forward(x);
        assertClose("y", y, F.get("ff.y"), 1e-6);
        y.pow(2f).sum().backward();
        assertClose("x.grad", x.grad(), F.get("ff.x_grad"), 1e-5);
        for (var e : ff.namedParameters().entrySet()) assertClose("grad " + e.getKey(), e.getValue().grad(), F.get("ff.grad." + e.getKey()), 1e-5);
        ScratchLLM.manualSeed(4);
        SwiGLUFeedForward small = new SwiGLUFeedForward(3, 4);
        GradCheck.Result r = GradCheck.check(in -> small.forward(in[0]), ScratchLLM.randn(2, 3).requiresGrad(true));
        assertThat(r.ok()).as(r.toString()).isTrue();
    }

    @Test
    @DisplayName("Parameter counts: the shapes table's total and unique counts")
    void parameterCounts() {
        long[] c = ParameterCounts.count(new java.util.LinkedHashMap<>(Map.of("tok_emb.weight", new int[] {10, 4}, "out_head.weight", new int[] {10, 4})), "tok_emb.weight");
        assertThat(c).containsExactly(80, 40);
        assertThat(ParameterCounts.report(new long[] {1_498_482_688L, 1_235_814_400L}))
                .isEqualTo("Total number of parameters: 1,498,482,688" + System.lineSeparator() + System.lineSeparator() + "Total number of unique parameters: 1,235,814,400");
    }
}
