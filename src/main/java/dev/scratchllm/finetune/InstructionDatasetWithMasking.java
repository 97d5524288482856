/*
 * InstructionDatasetWithMasking: exercise 7.2's data set: like InstructionDataset, but each
 * example also carries the length of its instruction-and-input part, so that
 * Collate.customCollateWithMasking can replace those targets with -100 and train only on the
 * response.
 *
 * It does not pad or batch (Collate does).
 */
package dev.scratchllm.finetune;

import dev.scratchllm.data.Dataset;
import dev.scratchllm.tokenizer.GPT2Tokenizer;

import java.util.List;

/** {@code InstructionDatasetWithMasking(data, tokenizer)}: examples are {@code (instruction_length, ids)}. */
public class InstructionDatasetWithMasking implements Dataset<InstructionDatasetWithMasking.Item> {
    /**
     * One example.
     *
     * @param instructionLength the number of tokens of {@code format_input(entry)} alone
     * @param ids               the token ids of the prompt plus response
     */
    public record Item(int instructionLength, int[] ids) {
    }

    private final List<InstructionEntry> data;
    private final int[] instructionLengths;
    private final int[][] encodedTexts;

    /**
     * Tokenizes every entry's Alpaca prompt plus response, and its prompt alone for the length.
     *
     * @param data the entries
     * @param tokenizer the GPT-2 tokenizer
     */
    public InstructionDatasetWithMasking(List<InstructionEntry> data, GPT2Tokenizer tokenizer) {
        this.data = List.copyOf(data);
        int n = this.data.size();
        instructionLengths = new int[n];
        encodedTexts = new int[n][];
        for (int i = 0; i < n; i++) {
            InstructionEntry entry = this.data.get(i);
            String instructionPlusInput = InstructionData.formatInput(entry);
            String fullText = instructionPlusInput + InstructionData.PromptStyle.ALPACA.formatResponse(entry);
            encodedTexts[i] = tokenizer.encode(fullText);
            instructionLengths[i] = tokenizer.encode(instructionPlusInput).length; // new: collect instruction lengths
        }
    }

    @Override
    public int size() {
        return data.size();
    }

    @Override
    public Item get(int index) {
        return new Item(instructionLengths[index], encodedTexts[index].clone());
    }
}
