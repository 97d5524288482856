// Reference adapter for listing 2.4 (default build only): forwards encode and decode to the
// library's SimpleTokenizerV2 (a final class, so it is wrapped rather than extended).
package dev.scratchllm.exercises.ch02;

import java.util.Map;

/** {@link dev.scratchllm.tokenizer.SimpleTokenizerV2}'s encode and decode. */
public class SimpleTokenizerV2 {
    private final dev.scratchllm.tokenizer.SimpleTokenizerV2 reference;

    public SimpleTokenizerV2(Map<String, Integer> vocab) {
        this.reference = new dev.scratchllm.tokenizer.SimpleTokenizerV2(vocab);
    }

    public int[] encode(String text) {
        return reference.encode(text);
    }

    public String decode(int[] ids) {
        return reference.decode(ids);
    }
}
