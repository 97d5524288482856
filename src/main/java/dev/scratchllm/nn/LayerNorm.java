package dev.scratchllm.nn;

import dev.scratchllm.tensor.Tensor;

/**
 * The book's {@code LayerNorm(emb_dim)} (listing 4.2): normalise the last dimension with the
 * biased variance and {@code eps = 1e-5}, then {@code scale * norm + shift}, with parameters
 * named {@code scale} (ones) and {@code shift} (zeros). {@link #forward} runs the fused kernel;
 * {@link #forwardComposed} is the book's formula step by step, kept as the teaching version and
 * the test oracle.
 */
public class LayerNorm extends Module {
    /** The book's epsilon. */
    public static final float EPS = 1e-5f;
    private final int embDim;

    /**
     * A layer norm over a last dimension of size {@code embDim}.
     *
     * @param embDim the size of the normalised dimension
     */
    public LayerNorm(int embDim) {
        this.embDim = embDim;
        registerParameter("scale", Tensor.ones(embDim));
        registerParameter("shift", Tensor.zeros(embDim));
    }

    /**
     * The scale parameter (ones at first).
     *
     * @return the scale, shape {@code (embDim)}
     */
    public Tensor scale() {
        return parameter("scale");
    }

    /**
     * The shift parameter (zeros at first).
     *
     * @return the shift, shape {@code (embDim)}
     */
    public Tensor shift() {
        return parameter("shift");
    }

    @Override
    public Tensor forward(Tensor x) {
        return Functional.layerNorm(x, scale(), shift(), EPS);
    }

    /**
     * The book's code: {@code mean}, {@code var(unbiased=False)}, {@code (x-mean)/sqrt(var+eps)}, scale and
     * shift.
     *
     * @param x the input, last dimension {@code embDim}
     * @return the normalised tensor, the shape of {@code x}
     */
    public Tensor forwardComposed(Tensor x) {
        Tensor mean = x.mean(-1, true);
        Tensor var = x.var(-1, false, true);
        Tensor norm = x.sub(mean).div(var.add(EPS).sqrt());
        return scale().mul(norm).add(shift());
    }
}
