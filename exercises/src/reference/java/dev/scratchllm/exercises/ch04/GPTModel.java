// Reference adapter for listing 4.7 (default build only): the library's GPTModel under the
// exercise's name. It adds nothing.
package dev.scratchllm.exercises.ch04;

import dev.scratchllm.gpt.GPTConfig;

/** {@link dev.scratchllm.gpt.GPTModel}, unchanged. */
public class GPTModel extends dev.scratchllm.gpt.GPTModel {
    public GPTModel(GPTConfig cfg) {
        super(cfg);
    }
}
