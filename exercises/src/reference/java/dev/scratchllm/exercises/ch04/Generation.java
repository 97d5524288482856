// Reference adapter for listing 4.8 (default build only): forwards to the library's
// generateTextSimple.
package dev.scratchllm.exercises.ch04;

import dev.scratchllm.nn.Module;
import dev.scratchllm.tensor.Tensor;

/** {@link dev.scratchllm.gpt.Generation#generateTextSimple}. */
public final class Generation {
    private Generation() {
    }

    public static Tensor generateTextSimple(Module model, Tensor idx, int maxNewTokens, int contextSize) {
        return dev.scratchllm.gpt.Generation.generateTextSimple(model, idx, maxNewTokens, contextSize);
    }
}
