// Reference adapter for listing 7.2 and exercise 7.1 (default build only): forwards to the
// library's InstructionData and its Phi-3 prompt style.
package dev.scratchllm.exercises.ch07;

import dev.scratchllm.finetune.InstructionEntry;

/** {@link dev.scratchllm.finetune.InstructionData}'s prompt formats. */
public final class InstructionData {
    public static final String ALPACA_PREAMBLE = dev.scratchllm.finetune.InstructionData.ALPACA_PREAMBLE;

    private InstructionData() {
    }

    public static String formatInput(InstructionEntry entry) {
        return dev.scratchllm.finetune.InstructionData.formatInput(entry);
    }

    public static String formatInputPhi(InstructionEntry entry) {
        return dev.scratchllm.finetune.InstructionData.formatInputPhi(entry);
    }

    public static String formatResponsePhi(InstructionEntry entry) {
        return dev.scratchllm.finetune.InstructionData.PromptStyle.PHI3.formatResponse(entry);
    }
}
