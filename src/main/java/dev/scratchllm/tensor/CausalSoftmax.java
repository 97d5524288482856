package dev.scratchllm.tensor;

import dev.scratchllm.autograd.GradMode;
import dev.scratchllm.kernels.KernelProvider;

import java.util.Arrays;

import static dev.scratchllm.tensor.Tensor.record;

/**
 * The attention weights of a causal (decoder) attention in one fused op: the book's three steps
 * {@code attn_scores.masked_fill_(mask.bool()[:T, :T], -torch.inf)},
 * {@code / keys.shape[-1]**0.5} and {@code torch.softmax(..., dim=-1)} (listing 3.5) as one
 * pass forward and one pass backward, skipping the masked half of the score matrix.
 *
 * <p>The result equals the three steps bit for bit on both kernel implementations (see
 * {@code Kernels.causalSoftmaxRows}); only the node in the graph differs. It does not take an
 * arbitrary mask: the mask is the causal one ({@code triu(ones(T_q, T_k), 1 + T_k − T_q)}, aligned
 * to the last key), which is what {@code MultiHeadAttention} registers.
 */
final class CausalSoftmax {
    private CausalSoftmax() {
    }

    static Tensor apply(Tensor scores, float divisor) {
        scores.requireDType("causal_softmax", DType.FLOAT32);
        if (scores.dim() < 2)
            throw new IllegalArgumentException("causal_softmax: expected scores of shape (..., queries, keys), got " + Arrays.toString(scores.shape));
        int rows = scores.shape[scores.dim() - 2], cols = scores.shape[scores.dim() - 1];
        if (rows > cols)
            throw new IllegalArgumentException("causal_softmax: more queries than keys in " + Arrays.toString(scores.shape)
                    + " (the first queries would see no key)");
        if (!(divisor > 0) || Float.isInfinite(divisor))
            throw new IllegalArgumentException("causal_softmax: the divisor must be positive and finite, got " + divisor);
        Tensor x;
        try (var ng = GradMode.noGrad()) {
            x = scores.contiguous();
        }
        int matrices = rows == 0 ? 0 : x.numel() / (rows * cols);
        Tensor y = Tensor.zeros(x.shape);                  // (..., T_q, T_k)
        KernelProvider.get().causalSoftmaxRows(x.data, x.offset, y.data, 0, matrices, rows, cols, divisor);
        return record(y, "CausalSoftmaxBackward0", g -> {
            Tensor gc = g.contiguous();
            Tensor dx = Tensor.zeros(y.shape);
            KernelProvider.get().causalSoftmaxBackwardRows(y.data, 0, gc.data, gc.offset, dx.data, 0, matrices, rows, cols, divisor);
            return new Tensor[] {dx};
        }, scores);
    }
}
