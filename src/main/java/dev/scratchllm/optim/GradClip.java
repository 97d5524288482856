package dev.scratchllm.optim;

import dev.scratchllm.autograd.GradMode;
import dev.scratchllm.tensor.Tensor;

import java.util.List;

/**
 * {@code torch.nn.utils.clip_grad_norm_(parameters, max_norm)}: computes the global L2 norm of
 * all gradients and, if it exceeds {@code maxNorm}, scales every gradient by
 * {@code maxNorm / (norm + 1e-6)} in place. Returns the norm before clipping.
 */
public final class GradClip {
    private GradClip() {
    }

    /**
     * Clips the gradients in place so that their global L2 norm is at most about {@code maxNorm}.
     *
     * @param parameters the tensors whose gradients are clipped; those without a gradient are skipped
     * @param maxNorm the largest norm to keep
     * @return the global L2 norm of the gradients before clipping
     */
    public static double clipGradNorm(List<Tensor> parameters, double maxNorm) {
        double sq = 0;
        for (Tensor p : parameters) {
            if (p.grad() == null) continue;
            for (float g : p.grad().toFloatArray()) sq += (double) g * g;
        }
        double norm = Math.sqrt(sq);
        float coef = (float) (maxNorm / (norm + 1e-6));
        if (coef < 1f) {
            try (var s = GradMode.noGrad()) {
                for (Tensor p : parameters) if (p.grad() != null) p.grad().mulInPlace(coef);
            }
        }
        return norm;
    }
}
