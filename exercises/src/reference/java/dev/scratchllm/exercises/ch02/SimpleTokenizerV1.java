// Reference adapter for listing 2.3 (default build only): the library's SimpleTokenizerV1 under
// the exercise's name, so the exercise tests check the reference. It adds nothing.
package dev.scratchllm.exercises.ch02;

import java.util.Map;

/** {@link dev.scratchllm.tokenizer.SimpleTokenizerV1}, unchanged. */
public class SimpleTokenizerV1 extends dev.scratchllm.tokenizer.SimpleTokenizerV1 {
    public SimpleTokenizerV1(Map<String, Integer> vocab) {
        super(vocab);
    }
}
