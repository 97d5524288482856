// Reference adapter for listing 3.3 (default build only): the library's CausalAttention under the
// exercise's name. It adds nothing.
package dev.scratchllm.exercises.ch03;

/** {@link dev.scratchllm.attention.CausalAttention}, unchanged. */
public class CausalAttention extends dev.scratchllm.attention.CausalAttention {
    public CausalAttention(int dIn, int dOut, int contextLength, double dropout) {
        super(dIn, dOut, contextLength, dropout);
    }

    public CausalAttention(int dIn, int dOut, int contextLength, double dropout, boolean qkvBias) {
        super(dIn, dOut, contextLength, dropout, qkvBias);
    }
}
