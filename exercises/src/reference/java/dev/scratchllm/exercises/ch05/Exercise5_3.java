// Reference solution of exercise 5.3 (default build only): temperature 0 is greedy decoding.
package dev.scratchllm.exercises.ch05;

import dev.scratchllm.nn.Module;
import dev.scratchllm.tensor.Tensor;

/** Exercise 5.3: {@code generate} at temperature 0 (top-k 1 works as well). */
public final class Exercise5_3 {
    private Exercise5_3() {
    }

    public static Tensor deterministicGenerate(Module model, Tensor idx, int maxNewTokens, int contextSize) {
        return dev.scratchllm.train.TextGeneration.generate(model, idx, maxNewTokens, contextSize, 0f, null, null);
    }
}
