package dev.scratchllm.tensor;

import dev.scratchllm.autograd.GradMode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AutogradTest {
    @Test
    void gradientsAccumulateAcrossBackwardCallsUntilZeroed() {
        Tensor x = Tensor.fromArray(new float[] {1, 2, 3}).requiresGrad(true);
        x.mul(x).sum().backward();
        assertThat(x.grad().toFloatArray()).containsExactly(2, 4, 6);
        x.mul(3f).sum().backward();
        assertThat(x.grad().toFloatArray()).containsExactly(5, 7, 9);
        x.zeroGrad();
        assertThat(x.grad()).isNull();
    }

    @Test
    void backwardReleasesTheGraphUnlessRetained() {
        // As in PyTorch: a second backward through the same graph is an error, unless the first
        // one kept it (retain_graph=True); then the gradients add up.
        Tensor x = Tensor.fromArray(new float[] {1, 2, 3}).requiresGrad(true);
        Tensor loss = x.mul(x).sum();
        loss.backward();
        assertThat(x.grad().toFloatArray()).containsExactly(2, 4, 6);
        assertThat(loss.gradFn().released()).isTrue();
        assertThatThrownBy(loss::backward).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("second time").hasMessageContaining("SumBackward0").hasMessageContaining("retain_graph=True");

        Tensor y = Tensor.fromArray(new float[] {1, 2, 3}).requiresGrad(true);
        Tensor kept = y.mul(y).sum();
        kept.backward(Tensor.scalar(1f), true);
        assertThat(kept.gradFn().released()).isFalse();
        kept.backward(Tensor.scalar(1f), true);
        assertThat(y.grad().toFloatArray()).containsExactly(4, 8, 12);
        kept.backward();
        assertThat(y.grad().toFloatArray()).containsExactly(6, 12, 18);
        assertThat(kept.gradFn().released()).isTrue();
    }

    @Test
    void backwardLetsTheActivationsGoWhileTheLossIsStillHeld() {
        // The training loop holds the loss during the evaluation that follows a step; its
        // activations must not stay reachable through the graph once backward has run.
        Tensor w = Tensor.fromArray(new float[] {1, 2, 3, 4}).requiresGrad(true);
        Tensor hidden = w.mul(2f);                                   // an activation, saved by mul below
        java.lang.ref.WeakReference<Tensor> ref = new java.lang.ref.WeakReference<>(hidden);
        Tensor loss = hidden.mul(hidden).sum();
        hidden = null;
        loss.backward();
        assertThat(w.grad().toFloatArray()).containsExactly(8, 16, 24, 32); // d/dw Σ(2w)² = 8w
        for (int i = 0; i < 50 && ref.get() != null; i++) System.gc();
        assertThat(ref.get()).as("the activation after backward, with the loss still held").isNull();
        assertThat(loss.item()).isEqualTo(120f);
    }

    @Test
    void adoptedWeightGradientsAccumulateAndStayPrivate() {
        // Linear and embedding backward hand their freshly computed weight gradients to the leaf
        // without a copy. A weight used twice in one graph, a second backward pass, and two leaves
        // fed by one gradient must still add up, each leaf with its own storage.
        Tensor w = Tensor.fromArray(new float[][] {{1, 2}, {3, 4}, {5, 6}}).requiresGrad(true); // (3, 2)
        Tensor b = Tensor.zeros(3).requiresGrad(true);
        Tensor x1 = Tensor.fromArray(new float[][] {{1, 0}}), x2 = Tensor.fromArray(new float[][] {{0, 2}});
        Tensor.linear(x1, w, b).add(Tensor.linear(x2, w, b)).sum().backward();
        // d/dW Σ(W·x1 + W·x2) = 1·(x1 + x2)ᵀ in every row; d/db = 2 per output
        assertThat(w.grad().toFloatArray()).containsExactly(1, 2, 1, 2, 1, 2);
        assertThat(b.grad().toFloatArray()).containsExactly(2, 2, 2);
        Tensor.linear(x1, w, null).sum().backward();
        assertThat(w.grad().toFloatArray()).containsExactly(2, 2, 2, 2, 2, 2);
        assertThat(b.grad().toFloatArray()).containsExactly(2, 2, 2);

        Tensor table = Tensor.zeros(4, 2).requiresGrad(true);
        Tensor ids = Tensor.ofLongs(new long[] {1, 3, 1}, 3);
        Tensor.embedding(table, ids).sum().backward();
        Tensor.embedding(table, ids).mul(2f).sum().backward();
        assertThat(table.grad().toFloatArray()).containsExactly(0, 0, 6, 6, 0, 0, 3, 3);

        // one gradient reaching two leaves through an add: the leaves must not share it
        Tensor p = Tensor.zeros(1, 2).requiresGrad(true), q = Tensor.zeros(1, 2).requiresGrad(true);
        Tensor.linear(x1, p.add(q), null).sum().backward();
        p.grad().fill_(10f);
        assertThat(p.grad().toFloatArray()).containsExactly(10, 10);
        assertThat(q.grad().toFloatArray()).containsExactly(1, 0);
    }

    @Test
    void aTensorUsedTwiceGetsBothContributions() {
        Tensor x = Tensor.scalar(3f).requiresGrad(true);
        Tensor y = x.mul(x).add(x.mul(2f)); // y = x² + 2x, dy/dx = 2x + 2 = 8
        y.backward();
        assertThat(x.grad().item()).isEqualTo(8f);
    }

    @Test
    void noGradScopeRecordsNothingAndRestores() {
        Tensor x = Tensor.ones(2).requiresGrad(true);
        try (var g = GradMode.noGrad()) {
            Tensor y = x.mul(2f);
            assertThat(y.requiresGrad()).isFalse();
            assertThat(y.gradFn()).isNull();
            try (var inner = GradMode.enableGrad()) {
                assertThat(x.mul(2f).requiresGrad()).isTrue();
            }
            assertThat(GradMode.isEnabled()).isFalse();
        }
        assertThat(GradMode.isEnabled()).isTrue();
        assertThat(x.mul(2f).gradFn().name()).isEqualTo("MulBackward0");
    }

    @Test
    void detachCutsTheGraph() {
        Tensor x = Tensor.fromArray(new float[] {1, 2}).requiresGrad(true);
        Tensor d = x.mul(2f).detach();
        assertThat(d.requiresGrad()).isFalse();
        Tensor y = x.mul(d).sum(); // d is a constant here
        y.backward();
        assertThat(x.grad().toFloatArray()).containsExactly(2, 4);
    }

    @Test
    void gradientsThroughViewsReachTheBase() {
        Tensor base = Tensor.zeros(2, 3).requiresGrad(true);
        Tensor v = base.transpose(0, 1).narrow(0, 1, 2).reshape(4);
        v.mul(Tensor.fromArray(new float[] {1, 2, 3, 4})).sum().backward();
        // v = [b01, b11, b02, b12]
        assertThat(base.grad().toFloatArray()).containsExactly(0, 1, 3, 0, 2, 4);
    }

    @Test
    void nonScalarBackwardNeedsAGradient() {
        Tensor x = Tensor.ones(3).requiresGrad(true);
        Tensor y = x.mul(2f);
        assertThatThrownBy(y::backward).hasMessageContaining("scalar outputs");
        y.backward(Tensor.fromArray(new float[] {1, 10, 100}));
        assertThat(x.grad().toFloatArray()).containsExactly(2, 20, 200);
        assertThatThrownBy(() -> Tensor.ones(2).sum().backward()).hasMessageContaining("does not require grad");
    }

    @Test
    void retainGradKeepsIntermediateGradients() {
        Tensor x = Tensor.fromArray(new float[] {1, 2}).requiresGrad(true);
        Tensor h = x.mul(3f).retainGrad();
        h.mul(h).sum().backward();
        assertThat(h.grad().toFloatArray()).containsExactly(6, 12);
        assertThat(x.grad().toFloatArray()).containsExactly(18, 36);
    }

    @Test
    void inPlaceOnLeafThatRequiresGradIsRefused() {
        Tensor x = Tensor.ones(2).requiresGrad(true);
        assertThatThrownBy(() -> x.fill_(0f)).hasMessageContaining("leaf Variable that requires grad");
        try (var g = GradMode.noGrad()) {
            x.mulInPlace(3f); // optimizers update parameters under no-grad
        }
        assertThat(x.toFloatArray()).containsExactly(3, 3);
        assertThatThrownBy(() -> Tensor.ones(2).toLong().requiresGrad(true)).hasMessageContaining("floating point");
    }

    @Test
    void inPlaceMaskedFillOnAGraphTensorRebindsIt() {
        Tensor x = Tensor.fromArray(new float[][] {{1, 2}, {3, 4}}).requiresGrad(true);
        Tensor s = x.mul(1f);
        s.maskedFill_(Tensor.ones(2, 2).triu(1).toBool(), Float.NEGATIVE_INFINITY);
        assertThat(s.gradFn().name()).isEqualTo("MaskedFillBackward0");
        s.softmax(-1).get(1).sum().backward();
        assertThat(x.grad()).isNotNull();
        assertThat(x.grad().getFloat(0, 1)).isEqualTo(0f);
    }

    @Test
    void deepGraphsDoNotOverflowTheStack() {
        Tensor x = Tensor.scalar(1f).requiresGrad(true);
        Tensor y = x;
        for (int i = 0; i < 100_000; i++) y = y.mul(1f);
        y.backward();
        assertThat(x.grad().item()).isEqualTo(1f);
    }

    @Test
    void gradFnNamesFollowPyTorch() {
        Tensor x = Tensor.ones(2, 2).requiresGrad(true);
        assertThat(x.matmul(x).gradFn().name()).isEqualTo("MmBackward0");
        assertThat(x.softmax(-1).gradFn().name()).isEqualTo("SoftmaxBackward0");
        assertThat(x.view(4).gradFn().name()).isEqualTo("ViewBackward0");
        assertThat(x.sum().gradFn().name()).isEqualTo("SumBackward0");
        assertThat(x.isLeaf()).isTrue();
        assertThat(x.mul(2f).isLeaf()).isFalse();
    }
}
