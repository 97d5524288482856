/*
 * PreferenceEntry: one entry of the DPO bonus's preference data
 * (instruction-data-with-preference.json): an instruction, its optional input, the original
 * output, and a preferred ("chosen") and a dispreferred ("rejected") response. It does not
 * tokenize or format; see PreferenceDataset and InstructionData.formatInput.
 */
package dev.scratchllm.finetune;

import java.util.Objects;

/**
 * One preference entry, as the book's JSON has it.
 *
 * @param instruction the task
 * @param input the task's input, empty when there is none
 * @param output the response of the instruction data set
 * @param chosen the preferred response
 * @param rejected the dispreferred response
 */
public record PreferenceEntry(String instruction, String input, String output, String chosen, String rejected) {
    /** Refuses null fields. */
    public PreferenceEntry {
        Objects.requireNonNull(instruction, "instruction");
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(output, "output");
        Objects.requireNonNull(chosen, "chosen");
        Objects.requireNonNull(rejected, "rejected");
    }

    /** {@return the entry as chapter 7's instruction entry (for {@code format_input})} */
    public InstructionEntry asInstruction() {
        return new InstructionEntry(instruction, input, output);
    }
}
