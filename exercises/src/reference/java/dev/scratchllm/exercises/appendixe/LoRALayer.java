// Reference adapter for listing E.5 (default build only): the library's LoRALayer under the
// exercise's name. It adds nothing.
package dev.scratchllm.exercises.appendixe;

/** {@link dev.scratchllm.finetune.LoRALayer}, unchanged. */
public class LoRALayer extends dev.scratchllm.finetune.LoRALayer {
    public LoRALayer(int inDim, int outDim, int rank, double alpha) {
        super(inDim, outDim, rank, alpha);
    }
}
