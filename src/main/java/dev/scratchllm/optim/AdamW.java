package dev.scratchllm.optim;

import dev.scratchllm.kernels.KernelProvider;
import dev.scratchllm.tensor.Tensor;

import java.util.List;
import java.util.Map;

/**
 * {@code torch.optim.AdamW(params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01)}
 * with decoupled weight decay, as PyTorch 1.13 computes it per element:
 * {@code p *= 1 − lr·wd; m = β1·m + (1−β1)·g; v = β2·v + (1−β2)·g²;
 * p −= lr/(1−β1ᵗ) · m / (√v/√(1−β2ᵗ) + eps)}, bias corrections in double. One fused kernel
 * pass per parameter reads and writes parameter, gradient and both moments once.
 */
public class AdamW extends Optimizer {
    private final double beta1, beta2, eps, weightDecay;
    private final float[][] m, v;
    private final long[] steps;

    /**
     * PyTorch's defaults: lr 1e-3, betas (0.9, 0.999), eps 1e-8, weight decay 0.01.
     *
     * @param params the parameters to update (copied into a new list; must not be empty)
     */
    public AdamW(List<Tensor> params) {
        this(params, 1e-3, 0.01);
    }

    /**
     * The book's usual form: {@code AdamW(model.parameters(), lr=..., weight_decay=...)}.
     *
     * @param params the parameters to update (copied into a new list; must not be empty)
     * @param lr the learning rate, at least 0
     * @param weightDecay the decoupled weight decay, at least 0
     */
    public AdamW(List<Tensor> params, double lr, double weightDecay) {
        this(params, lr, 0.9, 0.999, 1e-8, weightDecay);
    }

    /**
     * AdamW with every hyper-parameter given.
     *
     * @param params the parameters to update (copied into a new list; must not be empty)
     * @param lr the learning rate, at least 0
     * @param beta1 the decay rate of the first moment, in [0, 1)
     * @param beta2 the decay rate of the second moment, in [0, 1)
     * @param eps the term added to the denominator, at least 0
     * @param weightDecay the decoupled weight decay, at least 0
     * @throws IllegalArgumentException if the list is empty or a hyper-parameter is out of range
     */
    public AdamW(List<Tensor> params, double lr, double beta1, double beta2, double eps, double weightDecay) {
        super(params, lr);
        if (!(beta1 >= 0 && beta1 < 1)) throw new IllegalArgumentException("AdamW: invalid beta parameter at index 0: " + beta1);
        if (!(beta2 >= 0 && beta2 < 1)) throw new IllegalArgumentException("AdamW: invalid beta parameter at index 1: " + beta2);
        if (!(eps >= 0)) throw new IllegalArgumentException("AdamW: invalid epsilon value: " + eps);
        if (!(weightDecay >= 0)) throw new IllegalArgumentException("AdamW: invalid weight_decay value: " + weightDecay);
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        int n = this.params.size();
        this.m = new float[n][];
        this.v = new float[n][];
        this.steps = new long[n];
    }

    @Override
    public void step() {
        for (int i = 0; i < params.size(); i++) {
            Tensor p = params.get(i);
            if (p.grad() == null) continue;
            float[] pd = p.contiguousData();
            if (pd.length != p.numel() || !p.isContiguous() || p.storageOffset() != 0)
                throw new IllegalStateException("AdamW.step: parameter " + i + " must own contiguous storage");
            Tensor g = p.grad().contiguous();
            float[] gd = g.contiguousData();
            if (m[i] == null) {
                m[i] = new float[pd.length];
                v[i] = new float[pd.length];
            }
            long t = ++steps[i];
            double bc1 = 1 - Math.pow(beta1, t), bc2 = 1 - Math.pow(beta2, t);
            KernelProvider.get().adamW(pd, 0, gd, 0, m[i], 0, v[i], 0, pd.length,
                    (float) lr, (float) beta1, (float) beta2, (float) eps, (float) weightDecay, (float) bc1, (float) bc2);
        }
    }

    @Override
    protected void saveState(Map<String, Tensor> out) {
        for (int i = 0; i < params.size(); i++) {
            if (m[i] == null) continue;
            int[] shape = params.get(i).shape();
            out.put(i + ".step", Tensor.ofLongs(new long[] {steps[i]}));
            out.put(i + ".exp_avg", Tensor.of(m[i].clone(), shape));
            out.put(i + ".exp_avg_sq", Tensor.of(v[i].clone(), shape));
        }
    }

    @Override
    protected void checkState(Map<String, Tensor> state) {
        for (int i = 0; i < params.size(); i++) {
            Tensor a = state.get(i + ".exp_avg"), b = state.get(i + ".exp_avg_sq"), s = state.get(i + ".step");
            if ((a == null) != (b == null) || (a == null) != (s == null))
                throw new IllegalArgumentException("AdamW.loadStateDict: incomplete state for parameter " + i);
            if (a == null) continue;
            checkBuffer(a, i, "exp_avg");
            checkBuffer(b, i, "exp_avg_sq");
            if (s.dtype() != dev.scratchllm.tensor.DType.INT64 || s.numel() != 1 || s.itemLong() < 0)
                throw new IllegalArgumentException("AdamW.loadStateDict: '" + i + ".step' must be one non-negative int64, got " + s);
        }
    }

    @Override
    protected void loadState(Map<String, Tensor> state) {
        for (int i = 0; i < params.size(); i++) {
            Tensor a = stateBuffer(state, i, "exp_avg"), b = stateBuffer(state, i, "exp_avg_sq");
            Tensor s = state.get(i + ".step");
            if ((a == null) != (b == null) || (a == null) != (s == null))
                throw new IllegalArgumentException("AdamW.loadStateDict: incomplete state for parameter " + i);
            m[i] = a == null ? null : a.toFloatArray();
            v[i] = b == null ? null : b.toFloatArray();
            steps[i] = s == null ? 0 : s.itemLong();
        }
    }
}
