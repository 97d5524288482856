// Reference adapter for listing E.6 (default build only): the library's LinearWithLoRA under the
// exercise's name. It adds nothing.
package dev.scratchllm.exercises.appendixe;

import dev.scratchllm.nn.Linear;

/** {@link dev.scratchllm.finetune.LinearWithLoRA}, unchanged. */
public class LinearWithLoRA extends dev.scratchllm.finetune.LinearWithLoRA {
    public LinearWithLoRA(Linear linear, int rank, double alpha) {
        super(linear, rank, alpha);
    }
}
