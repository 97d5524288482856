package dev.scratchllm.nn;

import dev.scratchllm.tensor.Tensor;

import java.util.List;

/**
 * {@code nn.Sequential(...)}: children named {@code "0"}, {@code "1"}, … applied in order, so
 * keys read {@code layers.0.weight} as in PyTorch.
 */
public class Sequential extends Module {
    private final List<Module> layers;

    public Sequential(Module... layers) {
        this.layers = List.of(layers);
        for (int i = 0; i < layers.length; i++) registerModule(String.valueOf(i), layers[i]);
    }

    /** The i-th layer. */
    public Module get(int i) {
        return layers.get(i);
    }

    public int size() {
        return layers.size();
    }

    @Override
    public Tensor forward(Tensor x) {
        for (Module m : layers) x = m.forward(x);
        return x;
    }
}
