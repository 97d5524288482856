/*
 * LoRA: appendix E's replace_linear_with_lora(model, rank, alpha) (listing E.7): walks the
 * module tree and replaces every Linear child by a LinearWithLoRA around it, in registration
 * order (so the A matrices are drawn in PyTorch's order), plus the counting and freezing the
 * appendix does around it.
 *
 * It does not merge adapters back or save them separately.
 */
package dev.scratchllm.finetune;

import dev.scratchllm.nn.Linear;
import dev.scratchllm.nn.Module;

import java.util.Map;

/** Applying LoRA to a model (appendix E, and exercise 7.4 for the instruction model). */
public final class LoRA {
    private LoRA() {
    }

    /**
     * The book's {@code replace_linear_with_lora(model, rank, alpha)}: for each child in order,
     * a {@link Linear} is replaced by {@code new LinearWithLoRA(child, rank, alpha)}; any other
     * module is searched recursively. A child that already is a {@link LinearWithLoRA} is left as
     * it is (calling this twice does not stack adapters). Returns the number of layers wrapped.
     *
     * <p>On the 124M classifier (the 124M GPT with a {@code Linear(768, 2)} head) with rank 16
     * this adds 2,666,528 parameters: 12 blocks × (4 attention projections × 24,576 + 61,440 +
     * 61,440 in the feed-forward) + 12,320 for the head.
     *
     * @param model the model to change in place
     * @param rank the LoRA rank
     * @param alpha the LoRA alpha
     * @return the number of layers wrapped
     */
    public static int replaceLinearWithLora(Module model, int rank, double alpha) {
        int wrapped = 0;
        for (Map.Entry<String, Module> e : model.children().entrySet()) {
            Module child = e.getValue();
            if (child instanceof LinearWithLoRA) continue;
            if (child instanceof Linear linear) {
                model.setModule(e.getKey(), new LinearWithLoRA(linear, rank, alpha)); // replace the Linear layer with LinearWithLoRA
                wrapped++;
            } else {
                wrapped += replaceLinearWithLora(child, rank, alpha); // recursively apply the same function to child modules
            }
        }
        return wrapped;
    }

    /**
     * Appendix E's recipe: freeze every parameter of {@code model}, then
     * {@link #replaceLinearWithLora} (only the new {@code A}, {@code B} matrices train).
     *
     * @param model the model to change in place
     * @param rank the LoRA rank
     * @param alpha the LoRA alpha
     * @return the number of trainable parameters afterwards
     */
    public static long freezeAndApply(Module model, int rank, double alpha) {
        model.requiresGrad(false);
        replaceLinearWithLora(model, rank, alpha);
        return model.numTrainableParameters();
    }
}
