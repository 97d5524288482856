// Reference solution of exercise 6.1 (default build only).
package dev.scratchllm.exercises.ch06;

import dev.scratchllm.finetune.LabeledText;
import dev.scratchllm.tokenizer.GPT2Tokenizer;

import java.util.List;

/** Exercise 6.1: the context length as {@code max_length}. */
public final class Exercise6_1 {
    private Exercise6_1() {
    }

    public static SpamDataset paddedToContext(List<LabeledText> rows, GPT2Tokenizer tokenizer, int contextLength) {
        return new SpamDataset(rows, tokenizer, contextLength, dev.scratchllm.finetune.SpamDataset.PAD_TOKEN_ID);
    }
}
