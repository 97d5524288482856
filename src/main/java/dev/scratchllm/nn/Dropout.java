package dev.scratchllm.nn;

import dev.scratchllm.random.Generator;
import dev.scratchllm.tensor.Tensor;

/**
 * {@code nn.Dropout(p)}: in training mode zeroes each element with probability {@code p} and
 * scales the rest by {@code 1/(1-p)}, drawing the mask from the default generator exactly as
 * PyTorch does (so seeded runs match); in eval mode, or with {@code p = 0}, the identity with
 * no draw.
 */
public class Dropout extends Module {
    private final double p;

    /**
     * A dropout layer with drop probability {@code p}.
     *
     * @param p the probability of zeroing an element, in [0, 1]
     * @throws IllegalArgumentException if {@code p} is outside [0, 1] or NaN
     */
    public Dropout(double p) {
        if (!(p >= 0 && p <= 1)) throw new IllegalArgumentException("Dropout: dropout probability has to be between 0 and 1, but got " + p);
        this.p = p;
    }

    /**
     * The drop probability.
     *
     * @return the probability of zeroing an element
     */
    public double p() {
        return p;
    }

    @Override
    public Tensor forward(Tensor x) {
        return dropout(x, p, isTraining());
    }

    /**
     * {@code F.dropout(x, p, training)}.
     *
     * @param x the input
     * @param p the probability of zeroing an element
     * @param training whether to drop (false returns {@code x} itself)
     * @return {@code x} when not training, when {@code p} is 0 or {@code x} is empty; otherwise a new tensor
     */
    public static Tensor dropout(Tensor x, double p, boolean training) {
        if (!training || p == 0 || x.numel() == 0) return x;
        float[] mask = Generator.defaultGenerator().dropoutMask(x.numel(), p);
        Tensor m = Tensor.of(mask, x.shape());
        Tensor out = x.detach().mul(m);
        return Tensor.record(out, "MulBackward0", g -> new Tensor[] {g.mul(m)}, x);
    }

    @Override
    protected String extraRepr() {
        return "p=" + p + ", inplace=False";
    }

}
