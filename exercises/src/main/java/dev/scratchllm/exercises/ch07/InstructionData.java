// Listing 7.2 and exercise 7.1 as exercises: the prompt templates of instruction fine-tuning.
// You write: formatInput (the Alpaca style, listing 7.2), formatInputPhi and formatResponsePhi
// (the Phi-3 style, exercise 7.1). Given: the Alpaca preamble.
// Check them: mvn test -Pexercises -Dtest='Ch07ExerciseTest#listing7_2*' (or #exercise7_1*)
// Guides: docs/ch07.md#listing-7-2, docs/ch07.md#exercise-7-1
// Reference solutions: dev.scratchllm.finetune.InstructionData (formatInput, formatInputPhi) and
// InstructionData.PromptStyle.PHI3.formatResponse.
package dev.scratchllm.exercises.ch07;

import dev.scratchllm.exercises.Exercise;
import dev.scratchllm.exercises.ExerciseNotDoneException;
import dev.scratchllm.finetune.InstructionEntry;

/** Chapter 7's {@code format_input} and exercise 7.1's {@code format_input_phi}. */
public final class InstructionData {
    /** Given: the first sentence of every Alpaca prompt. */
    public static final String ALPACA_PREAMBLE = dev.scratchllm.finetune.InstructionData.ALPACA_PREAMBLE;

    private InstructionData() {
    }

    /**
     * TODO (listing 7.2): {@link #ALPACA_PREAMBLE}, a blank line, {@code "### Instruction:"} and
     * the instruction on the next line; then, only if the entry's input is not empty, a blank
     * line, {@code "### Input:"} and the input on the next line.
     */
    public static String formatInput(InstructionEntry entry) {
        throw new ExerciseNotDoneException(Exercise.LISTING_7_2);
    }

    /** TODO (exercise 7.1): {@code "<|user|>"}, the instruction on the next line, and the input on the line after if it is not empty. */
    public static String formatInputPhi(InstructionEntry entry) {
        throw new ExerciseNotDoneException(Exercise.EXERCISE_7_1);
    }

    /** TODO (exercise 7.1): the response part of a Phi-3 training text: a new line, {@code "<|assistant|>:"}, a new line, the output. */
    public static String formatResponsePhi(InstructionEntry entry) {
        throw new ExerciseNotDoneException(Exercise.EXERCISE_7_1);
    }
}
