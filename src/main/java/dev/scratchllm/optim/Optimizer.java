package dev.scratchllm.optim;

import dev.scratchllm.tensor.Tensor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The base of the optimizers, like {@code torch.optim.Optimizer}: a fixed list of parameters,
 * a learning rate that schedules may change between steps, {@link #zeroGrad()} (sets gradients
 * to null, PyTorch's default), {@link #step()}, and a state that can be saved and restored
 * ({@link #stateDict()}/{@link #loadStateDict(Map)}, tensors keyed {@code "<i>.<buffer>"} plus
 * scalar hyper-parameters) so a resumed run continues bit-identically. Parameters without a
 * gradient are skipped by {@code step()}. It has no parameter groups.
 */
public abstract class Optimizer {
    protected final List<Tensor> params;
    protected double lr;

    protected Optimizer(List<Tensor> params, double lr) {
        if (params.isEmpty()) throw new IllegalArgumentException(getClass().getSimpleName() + ": optimizer got an empty parameter list");
        if (!(lr >= 0)) throw new IllegalArgumentException(getClass().getSimpleName() + ": invalid learning rate: " + lr);
        this.params = new ArrayList<>(params);
        this.lr = lr;
    }

    /** The learning rate of the next step. */
    public double lr() {
        return lr;
    }

    /** Sets the learning rate (what a scheduler does to {@code param_group["lr"]}). */
    public void setLr(double lr) {
        if (!(lr >= 0)) throw new IllegalArgumentException(getClass().getSimpleName() + ": invalid learning rate: " + lr);
        this.lr = lr;
    }

    /** The parameters this optimizer updates. */
    public List<Tensor> parameters() {
        return new ArrayList<>(params);
    }

    /** Clears every parameter's gradient. */
    public void zeroGrad() {
        for (Tensor p : params) p.zeroGrad();
    }

    /** Updates every parameter that has a gradient. */
    public abstract void step();

    /** The optimizer state: per-parameter buffers as {@code "<index>.<name>"} tensors (copies), and scalars. */
    public Map<String, Tensor> stateDict() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        out.put("lr", Tensor.ofLongs(new long[] {Double.doubleToRawLongBits(lr)}));
        saveState(out);
        return out;
    }

    /** Restores a state from {@link #stateDict()} of an optimizer over parameters of the same shapes. */
    public void loadStateDict(Map<String, Tensor> state) {
        Tensor l = state.get("lr");
        if (l == null) throw new IllegalArgumentException(getClass().getSimpleName() + ".loadStateDict: missing key 'lr'");
        lr = Double.longBitsToDouble(l.itemLong());
        loadState(state);
    }

    protected abstract void saveState(Map<String, Tensor> out);

    protected abstract void loadState(Map<String, Tensor> state);

    /** A copy of a buffer from a state dict, checked against parameter {@code i}'s shape. */
    protected Tensor stateBuffer(Map<String, Tensor> state, int i, String name) {
        Tensor t = state.get(i + "." + name);
        if (t == null) return null;
        if (!java.util.Arrays.equals(t.shape(), params.get(i).shape()))
            throw new IllegalArgumentException(getClass().getSimpleName() + ".loadStateDict: '" + i + "." + name + "' has shape "
                    + java.util.Arrays.toString(t.shape()) + " but parameter " + i + " has shape " + java.util.Arrays.toString(params.get(i).shape()));
        return Tensor.of(t.toFloatArray(), t.shape());
    }
}
