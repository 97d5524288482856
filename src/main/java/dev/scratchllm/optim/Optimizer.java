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
    /** The parameters being updated, in the order given to the constructor. */
    protected final List<Tensor> params;
    /** The learning rate of the next step. */
    protected double lr;

    /**
     * Checks and stores the parameters and the learning rate.
     *
     * @param params the parameters to update (copied into a new list)
     * @param lr the learning rate, at least 0
     * @throws IllegalArgumentException if {@code params} is empty or {@code lr} is negative or NaN
     */
    protected Optimizer(List<Tensor> params, double lr) {
        if (params.isEmpty()) throw new IllegalArgumentException(getClass().getSimpleName() + ": optimizer got an empty parameter list");
        if (!(lr >= 0)) throw new IllegalArgumentException(getClass().getSimpleName() + ": invalid learning rate: " + lr);
        this.params = new ArrayList<>(params);
        this.lr = lr;
    }

    /**
     * The learning rate of the next step.
     *
     * @return the learning rate
     */
    public double lr() {
        return lr;
    }

    /**
     * Sets the learning rate (what a scheduler does to {@code param_group["lr"]}).
     *
     * @param lr the new learning rate, at least 0
     * @throws IllegalArgumentException if {@code lr} is negative or NaN
     */
    public void setLr(double lr) {
        if (!(lr >= 0)) throw new IllegalArgumentException(getClass().getSimpleName() + ": invalid learning rate: " + lr);
        this.lr = lr;
    }

    /**
     * The parameters this optimizer updates.
     *
     * @return a new list with the parameters, in order
     */
    public List<Tensor> parameters() {
        return new ArrayList<>(params);
    }

    /** Clears every parameter's gradient. */
    public void zeroGrad() {
        for (Tensor p : params) p.zeroGrad();
    }

    /** Updates every parameter that has a gradient. */
    public abstract void step();

    /**
     * The optimizer state: per-parameter buffers as {@code "<index>.<name>"} tensors (copies), and scalars.
     *
     * @return a new map from key to tensor, starting with {@code "lr"} (the learning rate's bits as a long)
     */
    public Map<String, Tensor> stateDict() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        out.put("lr", Tensor.ofLongs(new long[] {Double.doubleToRawLongBits(lr)}));
        saveState(out);
        return out;
    }

    /**
     * Restores a state from {@link #stateDict()} of an optimizer over parameters of the same shapes.
     *
     * @param state a map as {@link #stateDict()} returns it
     * @throws IllegalArgumentException if {@code "lr"} is missing or a buffer is incomplete or of the wrong
     *     shape
     */
    public void loadStateDict(Map<String, Tensor> state) {
        checkStateDict(state);
        lr = Double.longBitsToDouble(state.get("lr").itemLong());
        loadState(state);
    }

    /**
     * Every check of {@link #loadStateDict(Map)} without changing anything, so that a caller can
     * validate all of a checkpoint's files before it applies any of them.
     *
     * @param state a map as {@link #stateDict()} returns it
     * @throws IllegalArgumentException if {@code "lr"} is missing or not a valid learning rate, a key names
     *     no parameter, or a buffer is incomplete or of the wrong shape
     */
    public void checkStateDict(Map<String, Tensor> state) {
        String who = getClass().getSimpleName() + ".loadStateDict";
        Tensor l = state.get("lr");
        if (l == null) throw new IllegalArgumentException(who + ": missing key 'lr'");
        if (l.dtype() != dev.scratchllm.tensor.DType.INT64 || l.numel() != 1)
            throw new IllegalArgumentException(who + ": 'lr' must hold one int64 (the learning rate's bits), got " + l.dtype()
                    + " of shape " + java.util.Arrays.toString(l.shape()));
        double v = Double.longBitsToDouble(l.itemLong());
        if (!(v >= 0) || Double.isInfinite(v)) throw new IllegalArgumentException(who + ": 'lr' is " + v + ", not a valid learning rate");
        for (String k : state.keySet()) {
            if (k.equals("lr")) continue;
            int dot = k.indexOf('.');
            int i = -1;
            try {
                if (dot > 0) i = Integer.parseInt(k.substring(0, dot));
            } catch (NumberFormatException e) {
                i = -1;
            }
            if (i < 0 || i >= params.size())
                throw new IllegalArgumentException(who + ": unexpected key '" + k + "' (this optimizer has " + params.size() + " parameters)");
        }
        checkState(state);
    }

    /**
     * Checks the subclass's buffers in {@code state} as {@link #loadState} would use them, without
     * changing anything; the default checks nothing.
     *
     * @param state the map given to {@link #checkStateDict(Map)}
     * @throws IllegalArgumentException if a buffer is incomplete or of the wrong shape
     */
    protected void checkState(Map<String, Tensor> state) {
    }

    /**
     * Puts the subclass's buffers into {@code out}, keyed {@code "<index>.<name>"}, as copies.
     *
     * @param out the map being filled by {@link #stateDict()}
     */
    protected abstract void saveState(Map<String, Tensor> out);

    /**
     * Replaces the subclass's buffers with those in {@code state}; a parameter without buffers there starts
     * fresh.
     *
     * @param state the map given to {@link #loadStateDict(Map)}
     */
    protected abstract void loadState(Map<String, Tensor> state);

    /**
     * A copy of a buffer from a state dict, checked against parameter {@code i}'s shape.
     *
     * @param state the state map
     * @param i the parameter's index
     * @param name the buffer's name, without the index
     * @return a copy of {@code state.get(i + "." + name)}, or null if there is no such key
     * @throws IllegalArgumentException if the buffer's shape differs from parameter {@code i}'s
     */
    protected Tensor stateBuffer(Map<String, Tensor> state, int i, String name) {
        Tensor t = state.get(i + "." + name);
        if (t == null) return null;
        checkBuffer(t, i, name);
        return Tensor.of(t.toFloatArray(), t.shape());
    }

    /**
     * Checks that buffer {@code "<i>.<name>"} is a float tensor of parameter {@code i}'s shape.
     *
     * @param t the buffer
     * @param i the parameter's index
     * @param name the buffer's name, without the index
     * @throws IllegalArgumentException if its dtype or shape is wrong
     */
    protected void checkBuffer(Tensor t, int i, String name) {
        if (!java.util.Arrays.equals(t.shape(), params.get(i).shape()))
            throw new IllegalArgumentException(getClass().getSimpleName() + ".loadStateDict: '" + i + "." + name + "' has shape "
                    + java.util.Arrays.toString(t.shape()) + " but parameter " + i + " has shape " + java.util.Arrays.toString(params.get(i).shape()));
        if (t.dtype() != dev.scratchllm.tensor.DType.FLOAT32)
            throw new IllegalArgumentException(getClass().getSimpleName() + ".loadStateDict: '" + i + "." + name + "' is " + t.dtype() + ", expected FLOAT32");
    }
}
