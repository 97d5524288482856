// Reference adapter for listing 4.6 (default build only): the library's TransformerBlock under
// the exercise's name. It adds nothing.
package dev.scratchllm.exercises.ch04;

import dev.scratchllm.gpt.GPTConfig;

/** {@link dev.scratchllm.gpt.TransformerBlock}, unchanged. */
public class TransformerBlock extends dev.scratchllm.gpt.TransformerBlock {
    public TransformerBlock(GPTConfig cfg) {
        super(cfg);
    }
}
