// Reference adapter for listing 3.4 (default build only): the library's MultiHeadAttentionWrapper
// under the exercise's name. It adds nothing.
package dev.scratchllm.exercises.ch03;

/** {@link dev.scratchllm.attention.MultiHeadAttentionWrapper}, unchanged. */
public class MultiHeadAttentionWrapper extends dev.scratchllm.attention.MultiHeadAttentionWrapper {
    public MultiHeadAttentionWrapper(int dIn, int dOut, int contextLength, double dropout, int numHeads) {
        super(dIn, dOut, contextLength, dropout, numHeads);
    }

    public MultiHeadAttentionWrapper(int dIn, int dOut, int contextLength, double dropout, int numHeads, boolean qkvBias) {
        super(dIn, dOut, contextLength, dropout, numHeads, qkvBias);
    }
}
