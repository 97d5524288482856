// Reference adapter for listing 3.2 (default build only): the library's SelfAttentionV2 under the
// exercise's name. It adds nothing.
package dev.scratchllm.exercises.ch03;

/** {@link dev.scratchllm.attention.SelfAttentionV2}, unchanged. */
public class SelfAttentionV2 extends dev.scratchllm.attention.SelfAttentionV2 {
    public SelfAttentionV2(int dIn, int dOut) {
        super(dIn, dOut);
    }

    public SelfAttentionV2(int dIn, int dOut, boolean qkvBias) {
        super(dIn, dOut, qkvBias);
    }
}
