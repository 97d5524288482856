package dev.scratchllm.finetune;

/**
 * One entry of chapter 7's {@code instruction-data.json}: {@code {"instruction": ..., "input": ...,
 * "output": ...}}, plus the model's answer once section 7.7 has generated it
 * ({@code "model_response"}).
 *
 * @param instruction   the task
 * @param input         extra input for the task; empty in 775 of the 1,100 entries
 * @param output        the desired response
 * @param modelResponse the fine-tuned model's response, or null before section 7.7
 */
public record InstructionEntry(String instruction, String input, String output, String modelResponse) {
    /**
     * Checks that instruction, input and output are present.
     *
     * @throws IllegalArgumentException if one of them is null
     */
    public InstructionEntry {
        if (instruction == null || input == null || output == null)
            throw new IllegalArgumentException("InstructionEntry: instruction, input and output must not be null");
    }

    /**
     * An entry without a model response.
     *
     * @param instruction the task
     * @param input extra input for the task, possibly empty
     * @param output the desired response
     */
    public InstructionEntry(String instruction, String input, String output) {
        this(instruction, input, output, null);
    }

    /**
     * A copy with the model's response (section 7.7's
     * {@code test_data[i]["model_response"] = response_text}).
     *
     * @param response the model's response
     * @return the new entry
     */
    public InstructionEntry withModelResponse(String response) {
        return new InstructionEntry(instruction, input, output, response);
    }
}
