// Reference adapter for listing 3.1 (default build only): the library's SelfAttentionV1 under the
// exercise's name. It adds nothing.
package dev.scratchllm.exercises.ch03;

/** {@link dev.scratchllm.attention.SelfAttentionV1}, unchanged. */
public class SelfAttentionV1 extends dev.scratchllm.attention.SelfAttentionV1 {
    public SelfAttentionV1(int dIn, int dOut) {
        super(dIn, dOut);
    }
}
