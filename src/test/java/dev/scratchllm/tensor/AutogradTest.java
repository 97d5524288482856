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
