package dev.scratchllm.attention;

import dev.scratchllm.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.scratchllm.ScratchLLM.manualSeed;
import static dev.scratchllm.ScratchLLM.rand;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** The chapter 3 attention modules: errors, keys, causality, dropout and gradients. */
class AttentionTest {

    @Test
    void multiHeadAttentionRejectsIndivisibleHeadsAndLongInputs() {
        assertThatThrownBy(() -> new MultiHeadAttention(3, 5, 6, 0.0, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("d_out must be divisible by num_heads").hasMessageContaining("d_out=5");
        MultiHeadAttention mha = new MultiHeadAttention(3, 4, 6, 0.0, 2);
        assertThatThrownBy(() -> mha.forward(rand(1, 7, 3)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("7 tokens").hasMessageContaining("context_length is 6");
        assertThatThrownBy(() -> mha.forward(rand(7, 3)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("(batch, num_tokens, 3)");
        assertThatThrownBy(() -> mha.forward(rand(1, 2, 4))).isInstanceOf(IllegalArgumentException.class);
        CausalAttention ca = new CausalAttention(3, 2, 4, 0.0);
        assertThatThrownBy(() -> ca.forward(rand(2, 5, 3))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("context_length is 4");
        assertThatThrownBy(() -> new MultiHeadAttentionWrapper(3, 2, 4, 0.0, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SelfAttentionV1(3, 2).forward(rand(2, 6, 3))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void stateDictKeysAndBufferAreTheBooks() {
        MultiHeadAttention mha = new MultiHeadAttention(4, 4, 5, 0.1, 2, true);
        assertThat(mha.stateDict().keySet()).containsExactly("mask",
                "W_query.weight", "W_query.bias", "W_key.weight", "W_key.bias", "W_value.weight", "W_value.bias",
                "out_proj.weight", "out_proj.bias");
        assertThat(mha.namedParameters()).doesNotContainKey("mask");
        assertThat(mha.mask().toString()).isEqualTo("""
                tensor([[0., 1., 1., 1., 1.],
                        [0., 0., 1., 1., 1.],
                        [0., 0., 0., 1., 1.],
                        [0., 0., 0., 0., 1.],
                        [0., 0., 0., 0., 0.]])""");
        assertThat(new SelfAttentionV2(3, 2, true).stateDict().keySet())
                .containsExactly("W_query.weight", "W_query.bias", "W_key.weight", "W_key.bias", "W_value.weight", "W_value.bias");
    }

    /** The fused op against the book's three steps: equal bit for bit, forward and backward. */
    @Test
    void causalSoftmaxEqualsMaskedFillDivideSoftmaxExactly() {
        manualSeed(21);
        for (int[] sh : new int[][] {{2, 3, 5, 5}, {1, 2, 17, 17}, {2, 12, 64, 64}, {1, 2, 3, 40}, {2, 1, 1, 70}}) {
            int tq = sh[2], tk = sh[3];
            Tensor scores = rand(sh).mul(8f).sub(4f);
            Tensor g = rand(sh).sub(0.5f);
            Tensor a = scores.clone().detach().requiresGrad(true), b = scores.clone().detach().requiresGrad(true);
            Tensor fused = a.causalSoftmax(8f);
            Tensor mask = Tensor.ones(tq, tk).triu(1 + tk - tq).toBool();
            Tensor book = b.maskedFill(mask, Float.NEGATIVE_INFINITY).div(8f).softmax(-1);
            assertThat(fused.toFloatArray()).as(java.util.Arrays.toString(sh)).containsExactly(book.toFloatArray());
            fused.backward(g);
            book.backward(g);
            assertThat(a.grad().toFloatArray()).as("gradient " + java.util.Arrays.toString(sh)).containsExactly(b.grad().toFloatArray());
            assertThat(fused.gradFn().name()).isEqualTo("CausalSoftmaxBackward0");
        }
        assertThatThrownBy(() -> rand(2, 4, 3).causalSoftmax(2f)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("causal_softmax").hasMessageContaining("[2, 4, 3]");
        assertThatThrownBy(() -> rand(3, 3).causalSoftmax(0f)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("divisor");
    }

    /** A mask buffer that is no longer causal is applied as the book writes it, not by the fused op. */
    @Test
    void anOverwrittenMaskBufferIsStillHonoured() {
        manualSeed(8);
        MultiHeadAttention mha = new MultiHeadAttention(4, 4, 6, 0.0, 2);
        Tensor x = rand(1, 6, 4);
        Tensor causal = mha.forward(x);
        try (var g = dev.scratchllm.autograd.GradMode.noGrad()) {
            mha.mask().copy_(Tensor.zeros(6, 6)); // no mask at all: every token sees the future
        }
        Tensor open = mha.forward(x);
        // the last token saw everything in both cases; the first token now sees the future too
        assertThat(open.get(0).get(5).toFloatArray()).containsExactly(causal.get(0).get(5).toFloatArray());
        assertThat(open.get(0).get(0).sub(causal.get(0).get(0)).abs().max().item()).isGreaterThan(1e-4f);
    }

    @Test
    void outputsDoNotDependOnFutureTokens() {
        manualSeed(5);
        MultiHeadAttention mha = new MultiHeadAttention(6, 6, 8, 0.0, 3);
        CausalAttention ca = new CausalAttention(6, 4, 8, 0.0);
        Tensor x = rand(2, 8, 6);
        Tensor y = x.clone().detach();
        for (int t = 5; t < 8; t++) for (int d = 0; d < 6; d++) y.setFloat(9f, 1, t, d); // change the future of batch 1
        for (var m : List.of(mha, ca)) {
            float[] a = m.forward(x).get(1).slice(0, 0, 5).toFloatArray(), b = m.forward(y).get(1).slice(0, 0, 5).toFloatArray();
            for (int i = 0; i < a.length; i++) assertThat(b[i]).isCloseTo(a[i], within(1e-6f));
        }
    }

    @Test
    void multiHeadAttentionWithOneHeadEqualsCausalAttentionPlusProjection() {
        manualSeed(11);
        MultiHeadAttention mha = new MultiHeadAttention(3, 2, 6, 0.0, 1);
        CausalAttention ca = new CausalAttention(3, 2, 6, 0.0);
        ca.loadStateDict(java.util.Map.of("mask", ca.mask(), "W_query.weight", mha.wQuery().weight(),
                "W_key.weight", mha.wKey().weight(), "W_value.weight", mha.wValue().weight()));
        Tensor x = rand(2, 6, 3);
        float[] a = mha.forward(x).toFloatArray(), b = mha.outProj().forward(ca.forward(x)).toFloatArray();
        for (int i = 0; i < a.length; i++) assertThat(a[i]).isCloseTo(b[i], within(1e-6f));
    }

    @Test
    void dropoutOnlyInTrainingMode() {
        manualSeed(3);
        MultiHeadAttention mha = new MultiHeadAttention(4, 4, 6, 0.5, 2);
        Tensor x = rand(1, 6, 4);
        mha.eval();
        String eval1 = mha.forward(x).toString();
        assertThat(mha.forward(x).toString()).isEqualTo(eval1);
        mha.train();
        assertThat(mha.forward(x).toString()).isNotEqualTo(eval1);
    }

    @Test
    void gradientsFlowToEveryParameter() {
        manualSeed(7);
        MultiHeadAttention mha = new MultiHeadAttention(4, 6, 5, 0.0, 3, true);
        Tensor x = rand(2, 5, 4).requiresGrad(true);
        mha.forward(x).pow(2f).sum().backward();
        assertThat(x.grad()).isNotNull();
        for (var e : mha.namedParameters().entrySet()) assertThat(e.getValue().grad()).as(e.getKey()).isNotNull();
        // the key bias cancels in the softmax: its gradient is zero up to rounding
        for (float g : mha.wKey().bias().grad().toFloatArray()) assertThat(Math.abs(g)).isLessThan(1e-6f);
    }

    @Test
    void simplifiedAttentionHelpers() {
        Tensor inputs = SimplifiedAttention.exampleInputs();
        Tensor scores = SimplifiedAttention.attentionScores(inputs);
        Tensor w = SimplifiedAttention.attentionWeights(scores);
        assertThat(SimplifiedAttention.contextVector(inputs, w.get(1)).toString()).isEqualTo(SimplifiedAttention.contextVectors(w, inputs).get(1).toString());
        Tensor a = SimplifiedAttention.renormalize(SimplifiedAttention.maskAfterSoftmax(w));
        Tensor b = SimplifiedAttention.maskBeforeSoftmax(scores).softmax(-1);
        float[] fa = a.toFloatArray(), fb = b.toFloatArray();
        for (int i = 0; i < fa.length; i++) assertThat(fa[i]).isCloseTo(fb[i], within(1e-6f));
        assertThatThrownBy(() -> SimplifiedAttention.maskBeforeSoftmax(Tensor.zeros(2, 3))).isInstanceOf(IllegalArgumentException.class);
    }
}
