// Reference solution of exercise 4.1 (default build only): count the modules of a real block.
package dev.scratchllm.exercises.ch04;

import dev.scratchllm.gpt.GPTConfig;

/** Exercise 4.1 with the library's {@link dev.scratchllm.gpt.TransformerBlock}. */
public final class Exercise4_1 {
    private Exercise4_1() {
    }

    public static long feedForwardParameters(GPTConfig cfg) {
        return new dev.scratchllm.gpt.TransformerBlock(cfg).ff().numParameters();
    }

    public static long attentionParameters(GPTConfig cfg) {
        return new dev.scratchllm.gpt.TransformerBlock(cfg).att().numParameters();
    }
}
