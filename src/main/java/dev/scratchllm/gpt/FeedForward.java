package dev.scratchllm.gpt;

import dev.scratchllm.nn.GELU;
import dev.scratchllm.nn.Linear;
import dev.scratchllm.nn.Module;
import dev.scratchllm.nn.Sequential;
import dev.scratchllm.tensor.Tensor;

/**
 * The book's {@code FeedForward(cfg)} (listing 4.4): the position-wise MLP of a transformer
 * block, {@code layers = Sequential(Linear(E, 4E), GELU(), Linear(4E, E))} with
 * {@code E = emb_dim} (keys {@code layers.0.weight}, {@code layers.2.bias}, …). Shape in and out
 * {@code (…, E)}. 4,722,432 parameters for the 124M configuration (exercise 4.1).
 */
public class FeedForward extends Module {
    /**
     * Builds the layers for {@code cfg}, drawing the initial weights from the default generator.
     *
     * @param cfg the configuration (only {@code embDim} is used)
     */
    public FeedForward(GPTConfig cfg) {
        int e = cfg.embDim();
        registerModule("layers", new Sequential(
                new Linear(e, 4 * e),
                new GELU(),
                new Linear(4 * e, e)));
    }

    /**
     * The {@code Sequential}: {@code get(0)} expands, {@code get(1)} is the GELU, {@code get(2)} projects
     * back.
     *
     * @return the three layers
     */
    public Sequential layers() {
        return child("layers", Sequential.class);
    }

    @Override
    public Tensor forward(Tensor x) {
        return layers().forward(x); // (…, E) -> (…, 4E) -> (…, E)
    }
}
