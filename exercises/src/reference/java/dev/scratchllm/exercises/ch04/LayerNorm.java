// Reference adapter for listing 4.2 (default build only): the library's LayerNorm under the
// exercise's name. It adds nothing.
package dev.scratchllm.exercises.ch04;

/** {@link dev.scratchllm.nn.LayerNorm}, unchanged. */
public class LayerNorm extends dev.scratchllm.nn.LayerNorm {
    public LayerNorm(int embDim) {
        super(embDim);
    }
}
