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
    public Sequential(Module... layers) {
        for (int i = 0; i < layers.length; i++) registerModule(String.valueOf(i), layers[i], Module.class);
    }

    /** The i-th layer. */
    public Module get(int i) {
        if (i < 0 || i >= size()) throw new IndexOutOfBoundsException("Sequential: index " + i + " is out of range for " + size() + " layers");
        return child(String.valueOf(i), Module.class);
    }

    public int size() {
        return childModules().size();
    }

    /** The layers in order. */
    public List<Module> layers() {
        return new ArrayList<>(childModules());
    }

    @Override
    public Tensor forward(Tensor x) {
        for (Module m : childModules()) x = m.forward(x);
        return x;
    }
}
