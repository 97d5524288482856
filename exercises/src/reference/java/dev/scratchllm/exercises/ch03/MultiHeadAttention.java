// Reference adapter for listing 3.5 (default build only): the library's MultiHeadAttention under
// the exercise's name. It adds nothing.
package dev.scratchllm.exercises.ch03;

/** {@link dev.scratchllm.attention.MultiHeadAttention}, unchanged. */
public class MultiHeadAttention extends dev.scratchllm.attention.MultiHeadAttention {
    public MultiHeadAttention(int dIn, int dOut, int contextLength, double dropout, int numHeads) {
        super(dIn, dOut, contextLength, dropout, numHeads);
    }

    public MultiHeadAttention(int dIn, int dOut, int contextLength, double dropout, int numHeads, boolean qkvBias) {
        super(dIn, dOut, contextLength, dropout, numHeads, qkvBias);
    }
}
