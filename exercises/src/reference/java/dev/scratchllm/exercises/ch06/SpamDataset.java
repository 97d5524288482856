// Reference adapter for listing 6.4 (default build only): the library's SpamDataset under the
// exercise's name. It adds nothing.
package dev.scratchllm.exercises.ch06;

import dev.scratchllm.finetune.LabeledText;
import dev.scratchllm.tokenizer.GPT2Tokenizer;

import java.util.List;

/** {@link dev.scratchllm.finetune.SpamDataset}, unchanged. */
public class SpamDataset extends dev.scratchllm.finetune.SpamDataset {
    public SpamDataset(List<LabeledText> data, GPT2Tokenizer tokenizer, Integer maxLength, int padTokenId) {
        super(data, tokenizer, maxLength, padTokenId);
    }
}
