package dev.scratchllm.tensor;

import dev.scratchllm.ScratchLLM;
import dev.scratchllm.autograd.GradCheck;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** index_select, index_add (dim 0), silu and rsqrt: values, gradients and errors. */
class IndexOpsTest {
    @Test
    @DisplayName("indexSelect(0, idx) picks rows (repeats allowed); its gradient sums into the picked rows")
    void indexSelect() {
        Tensor x = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 3, 2).requiresGrad(true);
        Tensor y = x.indexSelect(0, Tensor.ofLongs(new long[] {2, 0, 2}, 3));
        assertThat(y.toFloatArray()).containsExactly(5, 6, 1, 2, 5, 6);
        y.sum().backward();
        assertThat(x.grad().toFloatArray()).containsExactly(1, 1, 0, 0, 2, 2);
        assertThatThrownBy(() -> x.indexSelect(1, Tensor.ofLongs(new long[] {0}, 1))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("index_select").hasMessageContaining("dim=0");
        assertThatThrownBy(() -> x.indexSelect(0, Tensor.ofLongs(new long[] {3}, 1))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("out of bounds");
    }

    @Test
    @DisplayName("indexAdd(0, idx, src) adds rows in index order, out of place; gradients flow to both inputs")
    void indexAdd() {
        Tensor base = Tensor.zeros(3, 2).requiresGrad(true);
        Tensor src = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 3, 2).requiresGrad(true);
        Tensor out = base.indexAdd(0, Tensor.ofLongs(new long[] {1, 1, 0}, 3), src);
        assertThat(out.toFloatArray()).containsExactly(5, 6, 4, 6, 0, 0);
        assertThat(base.toFloatArray()).containsOnly(0f);
        out.mul(Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 3, 2)).sum().backward();
        assertThat(base.grad().toFloatArray()).containsExactly(1, 2, 3, 4, 5, 6);
        assertThat(src.grad().toFloatArray()).containsExactly(3, 4, 3, 4, 1, 2);
        assertThatThrownBy(() -> base.indexAdd(0, Tensor.ofLongs(new long[] {0}, 1), src)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("index_add").hasMessageContaining("[3, 2]");
        ScratchLLM.manualSeed(2);
        Tensor idx = Tensor.ofLongs(new long[] {0, 2, 0}, 3);
        GradCheck.Result r = GradCheck.check(in -> in[0].indexAdd(0, idx, in[1].indexSelect(0, Tensor.ofLongs(new long[] {1, 0, 1}, 3))),
                ScratchLLM.randn(3, 2).requiresGrad(true), ScratchLLM.randn(2, 2).requiresGrad(true));
        assertThat(r.ok()).as(r.toString()).isTrue();
    }

    @Test
    @DisplayName("rsqrt is 1/sqrt in float and passes a gradient check")
    void rsqrt() {
        assertThat(Tensor.of(new float[] {4f, 0.25f}, 2).rsqrt().toFloatArray()).containsExactly(0.5f, 2f);
        ScratchLLM.manualSeed(3);
        GradCheck.Result r = GradCheck.check(in -> in[0].mul(in[0]).add(0.5f).rsqrt(), ScratchLLM.randn(5).requiresGrad(true));
        assertThat(r.ok()).as(r.toString()).isTrue();
    }
}
