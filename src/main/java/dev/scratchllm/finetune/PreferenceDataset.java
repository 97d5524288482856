/*
 * PreferenceDataset: the DPO bonus's PreferenceDataset — each entry pre-tokenized into its
 * prompt (chapter 7's Alpaca format_input), the prompt with the chosen response and the prompt
 * with the rejected response ("\n\n### Response:\n" between them). It does not pad or mask; see
 * PreferenceCollate.
 */
package dev.scratchllm.finetune;

import dev.scratchllm.data.Dataset;
import dev.scratchllm.tokenizer.GPT2Tokenizer;

import java.util.ArrayList;
import java.util.List;

/** Pre-tokenized preference entries. */
public final class PreferenceDataset implements Dataset<PreferenceDataset.Encoded> {
    /**
     * One tokenized entry.
     *
     * @param prompt the prompt's ids
     * @param chosen the ids of the prompt followed by the chosen response
     * @param rejected the ids of the prompt followed by the rejected response
     */
    public record Encoded(int[] prompt, int[] chosen, int[] rejected) {
    }

    private final List<PreferenceEntry> data;
    private final List<Encoded> encoded;

    /**
     * Tokenizes every entry.
     *
     * @param data the entries
     * @param tokenizer GPT-2's tokenizer
     */
    public PreferenceDataset(List<PreferenceEntry> data, GPT2Tokenizer tokenizer) {
        this.data = List.copyOf(data);
        this.encoded = new ArrayList<>(data.size());
        for (PreferenceEntry entry : data) {
            String prompt = InstructionData.formatInput(entry.asInstruction());
            encoded.add(new Encoded(tokenizer.encode(prompt),
                    tokenizer.encode(prompt + "\n\n### Response:\n" + entry.chosen()),
                    tokenizer.encode(prompt + "\n\n### Response:\n" + entry.rejected())));
        }
    }

    @Override
    public int size() {
        return data.size();
    }

    @Override
    public Encoded get(int index) {
        return encoded.get(index);
    }
}
