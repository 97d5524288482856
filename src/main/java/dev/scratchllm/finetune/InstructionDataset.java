/*
 * InstructionDataset: the book's InstructionDataset (listing 7.4): pre-tokenises each entry's full
 * training text, format_input(entry) + "\n\n### Response:\n" + output, and serves the token ids
 * for customCollate. Exercise 7.1's Phi-3 template is a constructor option; exercise 7.2's
 * masking variant is InstructionDatasetWithMasking.
 *
 * It does not pad, shift or batch (Collate does).
 */
package dev.scratchllm.finetune;

import dev.scratchllm.data.Dataset;
import dev.scratchllm.tokenizer.GPT2Tokenizer;

import java.util.List;

/**
 * {@code InstructionDataset(data, tokenizer)}: example {@code i} is the int token ids of entry
 * {@code i}'s prompt plus response, of varying length (the collate function pads a batch).
 */
public class InstructionDataset implements Dataset<int[]> {
    private final List<InstructionEntry> data;
    private final int[][] encodedTexts;

    /**
     * The book's data set, Alpaca prompts.
     *
     * @param data the entries
     * @param tokenizer the GPT-2 tokenizer
     */
    public InstructionDataset(List<InstructionEntry> data, GPT2Tokenizer tokenizer) {
        this(data, tokenizer, InstructionData.PromptStyle.ALPACA);
    }

    /**
     * A data set with the given prompt style (exercise 7.1: {@link InstructionData.PromptStyle#PHI3}).
     *
     * @param data the entries
     * @param tokenizer the GPT-2 tokenizer
     * @param style the prompt style
     * @throws IllegalArgumentException if an entry's text contains {@code <|endoftext|>}
     */
    public InstructionDataset(List<InstructionEntry> data, GPT2Tokenizer tokenizer, InstructionData.PromptStyle style) {
        this.data = List.copyOf(data);
        this.encodedTexts = new int[this.data.size()][];
        for (int i = 0; i < encodedTexts.length; i++) {
            InstructionEntry entry = this.data.get(i);
            String fullText = style.formatInput(entry) + style.formatResponse(entry);
            encodedTexts[i] = tokenizer.encode(fullText); // pre-tokenize texts
        }
    }

    @Override
    public int size() {
        return data.size();
    }

    /** The token ids of entry {@code index} (a copy). */
    @Override
    public int[] get(int index) {
        return encodedTexts[index].clone();
    }

    /**
     * The entries, in order.
     *
     * @return an unmodifiable list of the entries
     */
    public List<InstructionEntry> data() {
        return data;
    }
}
