package dev.scratchllm.optim;

import dev.scratchllm.tensor.Tensor;

import java.util.List;
import java.util.Map;

/**
 * {@code torch.optim.SGD(params, lr, momentum, weight_decay)} (dampening 0, no Nesterov), with
 * PyTorch's update order: {@code g += wd·p}; with momentum {@code buf = g} on the first step,
 * then {@code buf = momentum·buf + g}; {@code p −= lr·buf}. The multiply-adds use
 * {@link Math#fma} as PyTorch's vectorised CPU kernels do, so results match bit for bit.
 */
public class SGD extends Optimizer {
    private final float momentum, weightDecay;
    private final float[][] buffers;

    /**
     * Plain SGD: no momentum, no weight decay.
     *
     * @param params the parameters to update (copied into a new list; must not be empty)
     * @param lr the learning rate, at least 0
     */
    public SGD(List<Tensor> params, double lr) {
        this(params, lr, 0, 0);
    }

    /**
     * SGD with momentum and L2 weight decay, as {@code torch.optim.SGD(params, lr, momentum, weight_decay)}.
     *
     * @param params the parameters to update (copied into a new list; must not be empty)
     * @param lr the learning rate, at least 0
     * @param momentum the momentum factor, at least 0 (0 keeps no buffer)
     * @param weightDecay the L2 penalty added to the gradient, at least 0
     * @throws IllegalArgumentException if the list is empty or a hyper-parameter is negative
     */
    public SGD(List<Tensor> params, double lr, double momentum, double weightDecay) {
        super(params, lr);
        if (momentum < 0) throw new IllegalArgumentException("SGD: invalid momentum value: " + momentum);
        if (weightDecay < 0) throw new IllegalArgumentException("SGD: invalid weight_decay value: " + weightDecay);
        this.momentum = (float) momentum;
        this.weightDecay = (float) weightDecay;
        this.buffers = new float[this.params.size()][];
    }

    @Override
    public void step() {
        float negLr = (float) -lr;
        for (int i = 0; i < params.size(); i++) {
            Tensor p = params.get(i);
            if (p.grad() == null) continue;
            float[] pd = p.contiguousData();
            if (pd.length != p.numel() || !p.isContiguous() || p.storageOffset() != 0)
                throw new IllegalStateException("SGD.step: parameter " + i + " must own contiguous storage");
            float[] g = p.grad().toFloatArray();
            if (weightDecay != 0) for (int j = 0; j < g.length; j++) g[j] = Math.fma(weightDecay, pd[j], g[j]);
            float[] d = g;
            if (momentum != 0) {
                if (buffers[i] == null) {
                    buffers[i] = g.clone();
                } else {
                    float[] b = buffers[i];
                    for (int j = 0; j < b.length; j++) b[j] = Math.fma(b[j], momentum, g[j]);
                }
                d = buffers[i];
            }
            for (int j = 0; j < pd.length; j++) pd[j] = Math.fma(negLr, d[j], pd[j]);
        }
    }

    @Override
    protected void saveState(Map<String, Tensor> out) {
        for (int i = 0; i < buffers.length; i++)
            if (buffers[i] != null) out.put(i + ".momentum_buffer", Tensor.of(buffers[i].clone(), params.get(i).shape()));
    }

    @Override
    protected void checkState(Map<String, Tensor> state) {
        for (int i = 0; i < buffers.length; i++) {
            Tensor b = state.get(i + ".momentum_buffer");
            if (b != null) checkBuffer(b, i, "momentum_buffer");
        }
    }

    @Override
    protected void loadState(Map<String, Tensor> state) {
        for (int i = 0; i < buffers.length; i++) {
            Tensor b = stateBuffer(state, i, "momentum_buffer");
            buffers[i] = b == null ? null : b.toFloatArray();
        }
    }
}
