/*
 * LinearWithLoRA: appendix E's wrapper (listing E.6) that adds a LoRALayer's output to a frozen
 * linear layer's: forward(x) = linear(x) + lora(x). It extends Linear so that it can stand in
 * the model wherever a Linear stood (MultiHeadAttention.wQuery(), GPTModel.outHead(), ...), and
 * its state-dict keys are PyTorch's: linear.weight, linear.bias, lora.A, lora.B.
 *
 * It does not freeze anything by itself (the book freezes the whole model first), and it does not
 * merge the update into the weight (see merged()).
 */
package dev.scratchllm.finetune;

import dev.scratchllm.autograd.GradMode;
import dev.scratchllm.nn.Linear;
import dev.scratchllm.tensor.Tensor;

/**
 * {@code LinearWithLoRA(linear, rank, alpha)}: children {@code linear} (the wrapped layer) and
 * {@code lora} ({@code LoRALayer(linear.in_features, linear.out_features, rank, alpha)}, which
 * draws {@code A} from the default generator).
 */
public class LinearWithLoRA extends Linear {
    /**
     * Wraps {@code linear}; the new LoRA layer's {@code A} is drawn now, {@code B} is zero.
     *
     * @param linear the layer to wrap; it is kept, not copied
     * @param rank the LoRA rank
     * @param alpha the LoRA alpha
     */
    public LinearWithLoRA(Linear linear, int rank, double alpha) {
        super(linear);
        registerModule("linear", linear);
        registerModule("lora", new LoRALayer(linear.inFeatures(), linear.outFeatures(), rank, alpha));
    }

    /**
     * The wrapped layer.
     *
     * @return the original linear layer
     */
    public Linear linear() {
        return child("linear", Linear.class);
    }

    /**
     * The low-rank adaptation.
     *
     * @return the LoRA layer
     */
    public LoRALayer lora() {
        return child("lora", LoRALayer.class);
    }

    /** The wrapped layer's weight {@code (out, in)}. */
    @Override
    public Tensor weight() {
        return linear().weight();
    }

    /** The wrapped layer's bias, or null. */
    @Override
    public Tensor bias() {
        return linear().bias();
    }

    /** {@code self.linear(x) + self.lora(x)}. */
    @Override
    public Tensor forward(Tensor x) {
        return linear().forward(x).add(lora().forward(x));
    }

    /**
     * A plain {@link Linear} whose weight is {@code W + (alpha/rank)·(A B)ᵀ} (and the same bias):
     * the same function without the extra matrix products, for inference.
     *
     * @return a new layer holding the merged weights
     */
    public Linear merged() {
        Linear out = new Linear(inFeatures(), outFeatures(), bias() != null);
        try (var g = GradMode.noGrad()) {
            out.weight().copy_(weight().add(lora().deltaWeight()));
            if (bias() != null) out.bias().copy_(bias());
        }
        return out;
    }

    @Override
    protected String extraRepr() {
        return "";
    }
}
