package dev.scratchllm.nn;

import dev.scratchllm.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code nn.Sequential(...)}: children named {@code "0"}, {@code "1"}, … applied in order, so
 * keys read {@code layers.0.weight} as in PyTorch. Any layer can be swapped for another module
 * with {@link #setModule} ({@code setModule("0", …)}), as appendix E's LoRA does.
 */
public class Sequential extends Module {
    /**
     * The layers in the order they are applied.
     *
     * @param layers the layers
     */
    public Sequential(Module... layers) {
        for (int i = 0; i < layers.length; i++) registerModule(String.valueOf(i), layers[i], Module.class);
    }

    /**
     * The i-th layer.
     *
     * @param i the index, from 0
     * @return the layer now at that index
     * @throws IndexOutOfBoundsException if {@code i} is out of range
     */
    public Module get(int i) {
        if (i < 0 || i >= size()) throw new IndexOutOfBoundsException("Sequential: index " + i + " is out of range for " + size() + " layers");
        return child(String.valueOf(i), Module.class);
    }

    /**
     * The number of layers.
     *
     * @return the number of layers
     */
    public int size() {
        return childModules().size();
    }

    /**
     * The layers in order.
     *
     * @return a new list of the layers
     */
    public List<Module> layers() {
        return new ArrayList<>(childModules());
    }

    @Override
    public Tensor forward(Tensor x) {
        for (Module m : childModules()) x = m.forward(x);
        return x;
    }
}
