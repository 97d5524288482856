// Reference adapter for exercises 6.2 and 6.3 (default build only): forwards to the library's
// Classification.
package dev.scratchllm.exercises.ch06;

import dev.scratchllm.gpt.GPTModel;
import dev.scratchllm.nn.Linear;
import dev.scratchllm.nn.Module;
import dev.scratchllm.tensor.Tensor;

/** {@link dev.scratchllm.finetune.Classification}'s surgery and loss. */
public final class Classification {
    public static final int LAST_TOKEN = dev.scratchllm.finetune.Classification.LAST_TOKEN;
    public static final int FIRST_TOKEN = dev.scratchllm.finetune.Classification.FIRST_TOKEN;

    private Classification() {
    }

    public static Linear prepareForClassification(GPTModel model, int numClasses, long seed, boolean trainAllLayers) {
        return dev.scratchllm.finetune.Classification.prepareForClassification(model, numClasses, seed, trainAllLayers);
    }

    public static Tensor calcLossBatch(Tensor inputBatch, Tensor targetBatch, Module model, int tokenIndex) {
        return dev.scratchllm.finetune.Classification.calcLossBatch(inputBatch, targetBatch, model, tokenIndex);
    }
}
