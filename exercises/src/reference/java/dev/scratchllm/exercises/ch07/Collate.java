// Reference adapter for listing 7.5 and exercise 7.2 (default build only): forwards to the
// library's Collate.
package dev.scratchllm.exercises.ch07;

import dev.scratchllm.finetune.InstructionDatasetWithMasking;
import dev.scratchllm.tensor.Tensor;

import java.util.List;

/** {@link dev.scratchllm.finetune.Collate}'s collate functions. */
public final class Collate {
    private Collate() {
    }

    public static Tensor[] customCollate(List<int[]> batch, int padTokenId, int ignoreIndex, Integer allowedMaxLength) {
        return dev.scratchllm.finetune.Collate.customCollate(batch, padTokenId, ignoreIndex, allowedMaxLength);
    }

    public static Tensor[] customCollateWithMasking(List<InstructionDatasetWithMasking.Item> batch, int padTokenId, int ignoreIndex,
                                                    Integer allowedMaxLength) {
        return dev.scratchllm.finetune.Collate.customCollateWithMasking(batch, padTokenId, ignoreIndex, allowedMaxLength);
    }
}
